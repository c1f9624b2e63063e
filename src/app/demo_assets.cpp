#include "app/demo_assets.h"

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "app/demo_tokenizer_trainer.h"
#include "common/error.h"
#include "io/safetensors_writer.h"

// Generated at configure time by data/demo/embed_demo_pairs.cmake (rb_embed_demo_pairs).
#if __has_include("demo_preference_pairs_data.h")
#include "demo_preference_pairs_data.h"
#define RB_DEMO_PAIRS_ARE_EMBEDDED 1
#endif

namespace rb::app {
namespace {

namespace fs = std::filesystem;

struct WeightSpec {
  std::string name;
  std::vector<int64_t> shape;
  bool is_norm = false;  // RMSNorm scales start at 1, as transformers initialises them
};

std::vector<WeightSpec> llama_reward_model_weights(const DemoModelShape& shape) {
  int64_t head_dim = shape.hidden_size / shape.num_attention_heads;
  int64_t hidden = shape.hidden_size;
  std::vector<WeightSpec> specs = {{"model.embed_tokens.weight", {shape.vocab_size, hidden}}};
  for (int64_t layer = 0; layer < shape.num_hidden_layers; ++layer) {
    std::string prefix = "model.layers." + std::to_string(layer) + ".";
    specs.push_back({prefix + "input_layernorm.weight", {hidden}, true});
    specs.push_back({prefix + "self_attn.q_proj.weight", {shape.num_attention_heads * head_dim, hidden}});
    specs.push_back({prefix + "self_attn.k_proj.weight", {shape.num_key_value_heads * head_dim, hidden}});
    specs.push_back({prefix + "self_attn.v_proj.weight", {shape.num_key_value_heads * head_dim, hidden}});
    specs.push_back({prefix + "self_attn.o_proj.weight", {hidden, shape.num_attention_heads * head_dim}});
    specs.push_back({prefix + "post_attention_layernorm.weight", {hidden}, true});
    specs.push_back({prefix + "mlp.gate_proj.weight", {shape.intermediate_size, hidden}});
    specs.push_back({prefix + "mlp.up_proj.weight", {shape.intermediate_size, hidden}});
    specs.push_back({prefix + "mlp.down_proj.weight", {hidden, shape.intermediate_size}});
  }
  specs.push_back({"model.norm.weight", {hidden}, true});
  specs.push_back({"score.weight", {1, hidden}});
  return specs;
}

// Weights ~ normal(0, 0.02) (transformers' initializer_range), drawn in the fixed order above.
void write_random_weights(const DemoModelShape& shape, uint64_t seed, const std::string& path) {
  constexpr double kInitializerRange = 0.02;
  PortableNormal normal(seed);
  io::SafetensorsWriter writer;
  writer.set_metadata("format", "pt");
  for (const WeightSpec& spec : llama_reward_model_weights(shape)) {
    int64_t count = 1;
    for (int64_t dim : spec.shape) count *= dim;
    std::vector<float> values(static_cast<size_t>(count), 1.0f);
    if (!spec.is_norm) {
      for (float& value : values) value = static_cast<float>(normal.next() * kInitializerRange);
    }
    writer.add_floats(spec.name, io::SafetensorsWriter::DType::F32, spec.shape, values);
  }
  writer.write(path);
}

std::string model_config_json(const DemoModelShape& shape, const TrainedBpe& bpe) {
  int32_t end_of_turn = bpe.special_token_id(kEndOfTurn);
  // nlohmann::json keeps keys sorted, as transformers' save_pretrained writes them.
  nlohmann::json config{
      {"architectures", {"LlamaForSequenceClassification"}},
      {"attention_bias", false},
      {"attention_dropout", 0.0},
      {"bos_token_id", bpe.special_token_id(kBeginOfText)},
      {"eos_token_id", end_of_turn},
      {"head_dim", shape.hidden_size / shape.num_attention_heads},
      {"hidden_act", "silu"},
      {"hidden_size", shape.hidden_size},
      {"id2label", {{"0", "LABEL_0"}}},
      {"initializer_range", 0.02},
      {"intermediate_size", shape.intermediate_size},
      {"label2id", {{"LABEL_0", 0}}},
      {"max_position_embeddings", 8192},
      {"mlp_bias", false},
      {"model_type", "llama"},
      {"num_attention_heads", shape.num_attention_heads},
      {"num_hidden_layers", shape.num_hidden_layers},
      {"num_key_value_heads", shape.num_key_value_heads},
      {"num_labels", 1},
      {"pad_token_id", end_of_turn},
      {"pretraining_tp", 1},
      {"rms_norm_eps", 1e-5},
      {"rope_scaling", nullptr},
      {"rope_theta", 500000.0},
      {"tie_word_embeddings", false},
      {"torch_dtype", "float32"},
      {"transformers_version", "4.44.0"},
      {"use_cache", true},
      {"vocab_size", shape.vocab_size}};
  return config.dump(2) + "\n";
}

std::string model_readme(uint64_t seed, const DemoModelShape& shape) {
  return "# rewardbench demo model: RANDOM WEIGHTS\n\n"
         "Made by `rewardbench demo` (seed " + std::to_string(seed) + ").\n\n"
         "A tiny LlamaForSequenceClassification (hidden " + std::to_string(shape.hidden_size) +
         ", " + std::to_string(shape.num_hidden_layers) + " layers, " +
         std::to_string(shape.num_attention_heads) + " heads, " +
         std::to_string(shape.num_key_value_heads) + " key/value heads, vocabulary " +
         std::to_string(shape.vocab_size) +
         ") with RANDOM WEIGHTS drawn from normal(0, 0.02). It has never been trained: its scores are\n"
         "noise and its accuracy is chance. It exists to show the evaluation pipeline end to end,\n"
         "offline. Its byte-level BPE tokenizer was trained on the demo preference set and uses\n"
         "Llama-3's layout, special tokens and chat-template structure.\n";
}

void write_text_file(const std::string& path, std::string_view contents) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(contents.data(), static_cast<std::streamsize>(contents.size()));
  out.close();
  if (!out) throw IoError(path + ": cannot write file");
}

void create_folder(const fs::path& folder) {
  std::error_code error;
  fs::create_directories(folder, error);
  if (error) throw IoError(folder.string() + ": cannot create folder: " + error.message());
}

const nlohmann::json& required_field(const nlohmann::json& row, const char* field, size_t line) {
  if (!row.contains(field)) {
    throw InputError("demo preference set line " + std::to_string(line) + ": missing field '" +
                     field + "'");
  }
  return row.at(field);
}

std::string string_field(const nlohmann::json& value, const std::string& where) {
  if (!value.is_string()) throw InputError("demo preference set " + where + ": expected a string");
  return value.get<std::string>();
}

struct DemoRow {
  std::vector<std::string> prompt_turns;  // user, assistant, user, ...
  std::string chosen;
  std::string rejected;
};

DemoRow parse_demo_row(std::string_view line, size_t line_number) {
  nlohmann::json json = nlohmann::json::parse(line, nullptr, false);
  std::string where = "line " + std::to_string(line_number);
  if (!json.is_object()) throw InputError("demo preference set " + where + ": not a JSON object");
  DemoRow row;
  const nlohmann::json& prompt = required_field(json, "prompt", line_number);
  if (prompt.is_array()) {
    for (const nlohmann::json& turn : prompt) {
      if (!turn.is_object() || !turn.contains("content")) {
        throw InputError("demo preference set " + where + ": prompt turn without 'content'");
      }
      row.prompt_turns.push_back(string_field(turn.at("content"), where + " prompt turn content"));
    }
  } else {
    row.prompt_turns.push_back(string_field(prompt, where + " field 'prompt'"));
  }
  row.chosen = string_field(required_field(json, "chosen", line_number), where + " field 'chosen'");
  row.rejected = string_field(required_field(json, "rejected", line_number), where + " field 'rejected'");
  return row;
}

std::string trim_whitespace(const std::string& text) {
  const char* whitespace = " \t\n\r\f\v";
  size_t first = text.find_first_not_of(whitespace);
  if (first == std::string::npos) return "";
  return text.substr(first, text.find_last_not_of(whitespace) - first + 1);
}

// The text runs the chat template puts between special tokens (role name, then a blank line and
// the trimmed content), so the tokenizer learns the pieces evaluation really feeds it.
void append_template_segments(const std::vector<std::string>& turns, std::vector<std::string>& texts) {
  for (size_t i = 0; i < turns.size(); ++i) {
    texts.push_back(i % 2 == 0 ? "user" : "assistant");
    texts.push_back("\n\n" + trim_whitespace(turns[i]));
  }
}

}  // namespace

PortableNormal::PortableNormal(uint64_t seed) : engine_(seed) {}

double PortableNormal::next() {
  // Twelve 53-bit uniforms summed as integers (exact), centred, then scaled by 2^-53:
  // mean 0, variance 1, no transcendental functions.
  constexpr int kTerms = 12;
  uint64_t sum = 0;
  for (int term = 0; term < kTerms; ++term) sum += engine_() >> 11;
  int64_t centred = static_cast<int64_t>(sum) - static_cast<int64_t>(uint64_t{6} << 53);
  return static_cast<double>(centred) * 0x1p-53;
}

std::string_view embedded_demo_preference_pairs() {
#ifdef RB_DEMO_PAIRS_ARE_EMBEDDED
  return std::string_view(reinterpret_cast<const char*>(generated::kDemoPreferencePairs),
                          sizeof(generated::kDemoPreferencePairs));
#else
  throw IoError(
      "this build has no embedded demo preference set: call rb_embed_demo_pairs(<target>) from "
      "data/demo/embed_demo_pairs.cmake for the target that compiles demo_assets.cpp");
#endif
}

std::vector<std::string> demo_training_texts(std::string_view preference_pairs_jsonl) {
  std::vector<std::string> texts;
  size_t line_number = 0;
  size_t start = 0;
  while (start < preference_pairs_jsonl.size()) {
    size_t end = preference_pairs_jsonl.find('\n', start);
    if (end == std::string_view::npos) end = preference_pairs_jsonl.size();
    std::string_view line = preference_pairs_jsonl.substr(start, end - start);
    start = end + 1;
    ++line_number;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    DemoRow row = parse_demo_row(line, line_number);
    for (const std::string* answer : {&row.chosen, &row.rejected}) {
      std::vector<std::string> conversation = row.prompt_turns;
      conversation.push_back(*answer);
      append_template_segments(conversation, texts);
    }
  }
  return texts;
}

void write_demo_assets(const std::string& dir, uint64_t seed) {
  std::string_view pairs = embedded_demo_preference_pairs();
  TrainedBpe bpe = train_byte_level_bpe(demo_training_texts(pairs), BpeTrainingOptions{});
  DemoModelShape shape;
  shape.vocab_size = static_cast<int64_t>(bpe.total_vocab_size());

  fs::path model_dir = fs::path(dir) / "model";
  create_folder(model_dir);
  write_text_file((model_dir / "config.json").string(), model_config_json(shape, bpe));
  write_random_weights(shape, seed, (model_dir / "model.safetensors").string());
  write_text_file((model_dir / "tokenizer.json").string(), make_tokenizer_json(bpe));
  write_text_file((model_dir / "tokenizer_config.json").string(), make_tokenizer_config_json(bpe));
  write_text_file((model_dir / "README.md").string(), model_readme(seed, shape));
  write_text_file((fs::path(dir) / "preference_pairs.jsonl").string(), pairs);
}

}  // namespace rb::app
