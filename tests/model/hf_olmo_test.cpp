// hf_olmo, the original OLMo checkpoint layout (allenai/OLMo-7B-Instruct): the same tiny network
// written under transformers' OLMo names and under OLMo's own (fused att_proj [q | k | v], fused
// ff_proj [x | gate], model.transformer.*, OLMo's config fields) gives bit-identical log-probs; a
// padded embedding (embedding_size > vocab_size) is the LM head's width; options outside the
// published checkpoints' subset are refused naming the field. (The comparison with the original
// OLMo code itself is the hf_olmo_lm parity fixture.)
#include <gtest/gtest.h>

#include <fstream>
#include <map>

#include "common/error.h"
#include "model/loader.h"
#include "packed_test_batch.h"
#include "tiny_model_writer.h"

namespace rb::testing {
namespace {

TinyModelSpec transformers_olmo_lm() {
  TinyModelSpec spec = as_causal_lm(olmo_spec(), false);
  spec.kv_heads = spec.heads;  // the published OLMo checkpoints have no grouped-query attention
  return spec;
}

std::vector<float> concatenated(const TinyModel& tiny, const std::vector<std::string>& names, int64_t* rows) {
  std::vector<float> values;
  *rows = 0;
  for (const std::string& name : names) {
    const auto& [shape, data] = tiny.weights.at(name);
    values.insert(values.end(), data.begin(), data.end());
    *rows += shape[0];
  }
  return values;
}

nlohmann::json hf_olmo_config(const TinyModelSpec& spec, int64_t embedding_size) {
  return {{"architectures", {"OLMoForCausalLM"}}, {"model_type", "olmo"}, {"d_model", spec.hidden},
          {"n_heads", spec.heads}, {"n_layers", spec.layers}, {"mlp_ratio", 4}, {"mlp_hidden_size", 2 * spec.intermediate},
          {"activation_type", "swiglu"}, {"block_type", "sequential"}, {"block_group_size", 1}, {"alibi", false},
          {"rope", true}, {"rope_full_precision", true}, {"multi_query_attention", false},
          {"attention_layer_norm", false}, {"layer_norm_type", "default"}, {"layer_norm_with_affine", false},
          {"include_bias", false}, {"scale_logits", false}, {"weight_tying", false}, {"vocab_size", spec.vocab},
          {"embedding_size", embedding_size}, {"max_sequence_length", 1024}, {"clip_qkv", 0.3},
          {"eos_token_id", 0}, {"pad_token_id", 1}, {"n_kv_heads", nullptr}};
}

// The tiny transformers-OLMo model rewritten in hf_olmo's layout (embedding rows past the
// vocabulary, if any, get zero vectors in both the embedding and the head).
std::string write_hf_olmo(const TinyModel& tiny, const TinyModelSpec& spec, const std::string& name,
                          int64_t embedding_size, const nlohmann::json& config_changes = nlohmann::json::object()) {
  const std::string folder = scratch_dir(name);
  std::map<std::string, RawTensor> tensors;
  auto put = [&](const std::string& to, std::vector<int64_t> shape, std::vector<float> values) {
    tensors[to] = make_tensor("F32", shape, values);
  };
  auto padded_rows = [&](const std::string& from) {
    auto [shape, values] = tiny.weights.at(from);
    values.resize(static_cast<size_t>(embedding_size * shape[1]), 0.0f);
    return std::make_pair(std::vector<int64_t>{embedding_size, shape[1]}, values);
  };
  const auto embed = padded_rows("model.embed_tokens.weight");
  put("model.transformer.wte.weight", embed.first, embed.second);
  const auto head = padded_rows("lm_head.weight");
  put("model.transformer.ff_out.weight", head.first, head.second);
  for (int64_t i = 0; i < spec.layers; ++i) {
    const std::string from = "model.layers." + std::to_string(i) + ".";
    const std::string to = "model.transformer.blocks." + std::to_string(i) + ".";
    int64_t rows = 0;
    std::vector<float> qkv = concatenated(
        tiny, {from + "self_attn.q_proj.weight", from + "self_attn.k_proj.weight", from + "self_attn.v_proj.weight"},
        &rows);
    put(to + "att_proj.weight", {rows, spec.hidden}, qkv);
    put(to + "attn_out.weight", tiny.weights.at(from + "self_attn.o_proj.weight").first,
        tiny.weights.at(from + "self_attn.o_proj.weight").second);
    std::vector<float> up_gate = concatenated(tiny, {from + "mlp.up_proj.weight", from + "mlp.gate_proj.weight"}, &rows);
    put(to + "ff_proj.weight", {rows, spec.hidden}, up_gate);
    put(to + "ff_out.weight", tiny.weights.at(from + "mlp.down_proj.weight").first,
        tiny.weights.at(from + "mlp.down_proj.weight").second);
  }
  write_safetensors(folder + "/model.safetensors", tensors);
  nlohmann::json config = hf_olmo_config(spec, embedding_size);
  config.update(config_changes);
  std::ofstream(folder + "/config.json") << config.dump(2);
  return folder;
}

TEST(HfOlmo, SameLogProbsAsTheTransformersLayout) {
  const TinyModelSpec spec = transformers_olmo_lm();
  const TinyModel tiny = write_tiny_model(scratch_dir("hf_olmo_twin_transformers"), spec);
  const std::string original = write_hf_olmo(tiny, spec, "hf_olmo_twin_original", spec.vocab);
  const auto sequences = random_test_sequences(spec.vocab, 3, {1, 5, 12, 9}, 0, 0);
  const model::PackedBatch batch = pack(sequences, all_indices(sequences.size()));
  auto transformers_layout = model::load_causal_lm(tiny.folder, {});
  auto hf_olmo = model::load_causal_lm(original, {});
  EXPECT_EQ(hf_olmo->info().architecture, "OLMoForCausalLM");
  EXPECT_EQ(hf_olmo->next_token_log_probs(batch), transformers_layout->next_token_log_probs(batch));
}

TEST(HfOlmo, PaddedEmbeddingRowsWidenTheHead) {
  const TinyModelSpec spec = transformers_olmo_lm();
  const TinyModel tiny = write_tiny_model(scratch_dir("hf_olmo_padded_transformers"), spec);
  const std::string padded = write_hf_olmo(tiny, spec, "hf_olmo_padded", spec.vocab + 64);
  const auto sequences = random_test_sequences(spec.vocab, 4, {7}, 0, 0);
  const model::PackedBatch batch = pack(sequences, {0});
  auto model = model::load_causal_lm(padded, {});
  EXPECT_EQ(model->info().vocab_size, spec.vocab + 64);
  // The 64 extra rows give logit 0 each: every log-prob drops by log(sum exp + 64) - log(sum exp) > 0.
  const auto narrow = model::load_causal_lm(tiny.folder, {})->next_token_log_probs(batch)[0];
  const auto wide = model->next_token_log_probs(batch)[0];
  ASSERT_EQ(narrow.size(), wide.size());
  for (size_t t = 0; t < wide.size(); ++t) EXPECT_LT(wide[t], narrow[t]) << "token " << t;
}

TEST(HfOlmo, RefusesOptionsOutsideThePublishedSubset) {
  const TinyModelSpec spec = transformers_olmo_lm();
  const TinyModel tiny = write_tiny_model(scratch_dir("hf_olmo_refusals_transformers"), spec);
  const std::vector<std::pair<std::string, nlohmann::json>> refused = {
      {"block_type", "parallel"},       {"activation_type", "gelu"},    {"layer_norm_type", "rms"},
      {"rope", false},                  {"alibi", true},                {"multi_query_attention", true},
      {"attention_layer_norm", true},   {"layer_norm_with_affine", true}, {"include_bias", true},
      {"scale_logits", true},           {"block_group_size", 2},        {"rope_full_precision", false},
      {"n_kv_heads", 1}};
  for (const auto& [field, value] : refused) {
    const std::string folder = write_hf_olmo(tiny, spec, "hf_olmo_refused_" + field, spec.vocab, {{field, value}});
    try {
      model::load_causal_lm(folder, {});
      ADD_FAILURE() << field << " = " << value.dump() << " was accepted";
    } catch (const ModelError& error) {
      const std::string message = error.what();
      EXPECT_NE(message.find("config.json"), std::string::npos) << message;
      EXPECT_NE(message.find("'" + field + "'"), std::string::npos) << message;
    }
  }
}

}  // namespace
}  // namespace rb::testing
