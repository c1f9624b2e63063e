// Tokenizer::from_folder: which file of a Hugging Face tokenizer folder is loaded, and the
// tokenizer_config.json rules transformers applies on top of it.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "common/file_io.h"
#include "text/tokenizer/json_fields.h"
#include "text/tokenizer/model.h"
#include "text/tokenizer/sentencepiece_convert.h"
#include "text/tokenizer/tokenizer.h"

namespace rb::text {

namespace {

namespace fs = std::filesystem;

nlohmann::json read_json(const fs::path& path) {
  try {
    return nlohmann::json::parse(read_file(path.string()));
  } catch (const nlohmann::json::parse_error& e) {
    throw TokenizerError(path.string() + ": invalid JSON: " + e.what());
  }
}

// tokenizer_config.json values are a string or an AddedToken dict {"content": ...}.
std::optional<std::string> token_text(const nlohmann::json& config, const char* key) {
  auto it = config.find(key);
  if (it == config.end() || it->is_null()) return std::nullopt;
  if (it->is_string()) return it->get<std::string>();
  if (it->is_object() && it->contains("content") && it->at("content").is_string()) {
    return it->at("content").get<std::string>();
  }
  return std::nullopt;
}

bool config_bool(const nlohmann::json& config, const char* key, bool fallback) {
  auto it = config.find(key);
  return it != config.end() && it->is_boolean() ? it->get<bool>() : fallback;
}

// The classes whose transformers implementation rebuilds the post-processor at load.
bool rebuilds_post_processor(const std::string& tokenizer_class) {
  for (const char* name : {"LlamaTokenizer", "LlamaTokenizerFast", "CodeLlamaTokenizer",
                           "CodeLlamaTokenizerFast", "GemmaTokenizer", "GemmaTokenizerFast"}) {
    if (tokenizer_class == name) return true;
  }
  return false;
}

nlohmann::json added_token_entry(const std::string& content, int64_t id, bool special,
                                 const nlohmann::json& flags = nlohmann::json::object()) {
  auto flag = [&](const char* key, bool fallback) {
    auto it = flags.find(key);
    return it != flags.end() && it->is_boolean() ? it->get<bool>() : fallback;
  };
  const bool is_special = flag("special", special);
  return {{"id", id},
          {"content", content},
          {"single_word", flag("single_word", false)},
          {"lstrip", flag("lstrip", false)},
          {"rstrip", flag("rstrip", false)},
          {"normalized", flag("normalized", !is_special)},
          {"special", is_special}};
}

bool has_added_token(const nlohmann::json& doc, const std::string& content) {
  if (!doc.contains("added_tokens") || !doc["added_tokens"].is_array()) return false;
  for (const auto& token : doc["added_tokens"]) {
    if (token.value("content", "") == content) return true;
  }
  return false;
}

// Tokens of added_tokens_decoder that the tokenizer lacks are added, in id order.
void merge_config_added_tokens(nlohmann::json& doc, const nlohmann::json& config) {
  auto it = config.find("added_tokens_decoder");
  if (it == config.end() || !it->is_object()) return;
  std::vector<std::pair<int64_t, const nlohmann::json*>> entries;
  for (auto entry = it->begin(); entry != it->end(); ++entry) {
    try {
      entries.emplace_back(std::stoll(entry.key()), &entry.value());
    } catch (const std::exception&) {
      continue;  // not an id: transformers would fail; we ignore the entry
    }
  }
  std::sort(entries.begin(), entries.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  if (!doc.contains("added_tokens") || !doc["added_tokens"].is_array()) {
    doc["added_tokens"] = nlohmann::json::array();
  }
  for (const auto& [id, token] : entries) {
    if (!token->is_object() || !token->contains("content")) continue;
    const std::string content = token->at("content").get<std::string>();
    if (has_added_token(doc, content)) continue;
    doc["added_tokens"].push_back(added_token_entry(content, id, false, *token));
  }
}

// Special tokens named by the config (bos/eos/unk/pad/...) become special added tokens.
void add_config_special_tokens(nlohmann::json& doc, const nlohmann::json& config) {
  if (!doc.contains("added_tokens") || !doc["added_tokens"].is_array()) {
    doc["added_tokens"] = nlohmann::json::array();
  }
  for (const char* key : {"unk_token", "bos_token", "eos_token", "pad_token", "sep_token",
                          "cls_token", "mask_token"}) {
    const auto content = token_text(config, key);
    if (!content || has_added_token(doc, *content)) continue;
    doc["added_tokens"].push_back(added_token_entry(*content, 0, true));
  }
}

// The id a token string has in the document: the model vocabulary first (as Rust assigns added
// tokens that are in it), else the added token's own id.
std::optional<int64_t> lookup_id(const nlohmann::json& doc, const std::string& content) {
  if (doc.contains("model") && doc["model"].contains("vocab")) {
    const auto& vocab = doc["model"]["vocab"];
    if (vocab.is_object()) {
      auto it = vocab.find(content);
      if (it != vocab.end() && it->is_number_integer()) return it->get<int64_t>();
    } else if (vocab.is_array()) {
      for (size_t i = 0; i < vocab.size(); ++i) {
        if (vocab[i].is_array() && !vocab[i].empty() && vocab[i][0] == content) return static_cast<int64_t>(i);
      }
    }
  }
  if (doc.contains("added_tokens") && doc["added_tokens"].is_array()) {
    for (const auto& token : doc["added_tokens"]) {
      if (token.value("content", "") == content && token.contains("id") && token["id"].is_number_integer()) {
        return token["id"].get<int64_t>();
      }
    }
  }
  return std::nullopt;
}

// transformers' update_post_processor: "<bos>:0 $A:0 <eos>:0" with the parts switched on.
nlohmann::json bos_eos_template(const nlohmann::json& doc, const nlohmann::json& config, bool add_bos, bool add_eos,
                                const std::string& origin) {
  nlohmann::json single = nlohmann::json::array();
  nlohmann::json specials = nlohmann::json::object();
  auto special = [&](const char* key) {
    const auto content = token_text(config, key);
    if (!content) throw TokenizerError(origin + ": " + key + " is required when add_" + std::string(key).substr(0, 3) + "_token is true");
    const auto id = lookup_id(doc, *content);
    if (!id) throw TokenizerError(origin + ": " + key + " '" + *content + "' is not in the vocabulary");
    single.push_back({{"SpecialToken", {{"id", *content}, {"type_id", 0}}}});
    specials[*content] = {{"id", *content}, {"ids", {*id}}, {"tokens", {*content}}};
  };
  if (add_bos) special("bos_token");
  single.push_back({{"Sequence", {{"id", "A"}, {"type_id", 0}}}});
  if (add_eos) special("eos_token");
  return {{"type", "TemplateProcessing"}, {"single", single}, {"pair", nlohmann::json::array()},
          {"special_tokens", specials}};
}

// GPT-2 style folder: what transformers' GPT2Converter builds from vocab.json + merges.txt.
nlohmann::json gpt2_document(const fs::path& vocab_path, const fs::path& merges_path,
                             const nlohmann::json& config) {
  nlohmann::json merges = nlohmann::json::array();
  std::istringstream lines(read_file(merges_path.string()));
  std::string line;
  while (std::getline(lines, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line.rfind("#version", 0) == 0) continue;
    std::istringstream parts(line);
    std::string left, right, extra;
    if (!(parts >> left >> right) || (parts >> extra)) {
      throw TokenizerError(merges_path.string() + ": line '" + line + "' is not two tokens");
    }
    merges.push_back(nlohmann::json::array({left, right}));
  }
  const bool add_prefix_space = config_bool(config, "add_prefix_space", false);
  return {{"version", "1.0"},
          {"added_tokens", nlohmann::json::array()},
          {"normalizer", nullptr},
          {"pre_tokenizer", {{"type", "ByteLevel"}, {"add_prefix_space", add_prefix_space},
                             {"trim_offsets", true}, {"use_regex", true}}},
          {"post_processor", {{"type", "ByteLevel"}, {"add_prefix_space", true},
                              {"trim_offsets", false}, {"use_regex", true}}},
          {"decoder", {{"type", "ByteLevel"}, {"add_prefix_space", true}, {"trim_offsets", true},
                       {"use_regex", true}}},
          {"model", {{"type", "BPE"}, {"vocab", read_json(vocab_path)}, {"merges", merges},
                     {"fuse_unk", false}, {"byte_fallback", false}}}};
}

}  // namespace

Tokenizer Tokenizer::from_folder(const std::string& dir) {
  const fs::path root(dir);
  if (!fs::is_directory(root)) throw IoError(dir + ": not a directory");
  const fs::path config_path = root / "tokenizer_config.json";
  const nlohmann::json config = fs::exists(config_path) ? read_json(config_path) : nlohmann::json::object();
  if (!config.is_object()) throw TokenizerError(config_path.string() + ": expected a JSON object");
  const std::string tokenizer_class = config.value("tokenizer_class", "");

  nlohmann::json doc;
  std::string origin;
  bool has_tokenizer_json = false;
  if (fs::exists(root / "tokenizer.json")) {
    origin = (root / "tokenizer.json").string();
    doc = read_json(root / "tokenizer.json");
    has_tokenizer_json = true;
  } else if (fs::exists(root / "tokenizer.model")) {
    origin = (root / "tokenizer.model").string();
    // As transformers does for a fast tokenizer: convert the model (convert_slow_tokenizer.py).
    doc = sentencepiece_file_to_tokenizer_json(origin, sentencepiece_options_from_config(config, config_path.string()));
  } else if (fs::exists(root / "vocab.json") && fs::exists(root / "merges.txt")) {
    origin = (root / "vocab.json").string();
    doc = gpt2_document(root / "vocab.json", root / "merges.txt", config);
    // GPT2Tokenizer's defaults: unk, bos and eos are all <|endoftext|>.
    const bool names_tokens = token_text(config, "unk_token") || token_text(config, "bos_token") ||
                              token_text(config, "eos_token");
    if (!names_tokens && doc["model"]["vocab"].contains("<|endoftext|>")) {
      doc["added_tokens"].push_back(added_token_entry("<|endoftext|>", 0, true));
    }
  } else {
    throw IoError(dir + ": no tokenizer.json, tokenizer.model or vocab.json + merges.txt");
  }
  if (!doc.is_object()) throw TokenizerError(origin + ": expected a JSON object");
  merge_config_added_tokens(doc, config);
  if (!has_tokenizer_json) add_config_special_tokens(doc, config);

  const bool rebuild = rebuilds_post_processor(tokenizer_class);
  const bool bos_eos_from_config =
      rebuild || (!has_tokenizer_json && (config.contains("add_bos_token") || config.contains("add_eos_token")));
  if (!bos_eos_from_config) {
    return from_document(doc, origin);
  }
  const bool add_bos = config_bool(config, "add_bos_token", rebuild);
  const bool add_eos = config_bool(config, "add_eos_token", false);
  doc["post_processor"] = bos_eos_template(doc, config, add_bos, add_eos,
                                           config_path.string());
  return from_document(doc, origin);
}

}  // namespace rb::text
