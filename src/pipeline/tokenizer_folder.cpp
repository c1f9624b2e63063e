#include "pipeline/tokenizer_folder.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/error.h"
#include "common/file_io.h"

namespace rb::pipeline {
namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

namespace {

// tokenizer_config.json's padding_side, else the tokenizer class's default: transformers' Llama and
// Gemma tokenizer classes (and CodeLlama's) pad on the left, every other class on the right.
bool pads_left(const Json& config, const std::string& tokenizer_class) {
  if (config.contains("padding_side") && config["padding_side"].is_string())
    return config["padding_side"].get<std::string>() == "left";
  static const char* const kLeftPaddingClasses[] = {"LlamaTokenizer",     "LlamaTokenizerFast", "CodeLlamaTokenizer",
                                                    "CodeLlamaTokenizerFast", "GemmaTokenizer", "GemmaTokenizerFast"};
  for (const char* name : kLeftPaddingClasses)
    if (tokenizer_class == name) return true;
  return false;
}

Json read_json_file(const fs::path& path) {
  auto text = read_file_if_present(path.string());
  if (!text) return Json::object();
  try {
    return Json::parse(*text);
  } catch (const Json::exception& e) {
    throw InputError(path.string() + ": invalid JSON: " + e.what());
  }
}

// A special token is written either as a plain string or as an AddedToken object {"content": ...}.
std::optional<std::string> special_token_text(const Json& config, const std::string& key, const fs::path& file) {
  auto it = config.find(key);
  if (it == config.end() || it->is_null()) return std::nullopt;
  if (it->is_string()) return it->get<std::string>();
  if (it->is_object() && it->contains("content") && (*it)["content"].is_string())
    return (*it)["content"].get<std::string>();
  throw InputError(file.string() + ": field \"" + key + "\": expected a string or {\"content\": ...}");
}

// tokenizer_config.json "chat_template" is a string, or a list of {name, template} where
// transformers uses the one named "default" and raises when there is none (it does not fall back).
std::optional<std::string> chat_template_from_config(const Json& config, const fs::path& file) {
  auto it = config.find("chat_template");
  if (it == config.end() || it->is_null()) return std::nullopt;
  if (it->is_string()) return it->get<std::string>();
  if (it->is_array()) {
    std::string names;
    for (const auto& entry : *it) {
      if (!entry.is_object() || !entry.contains("name") || !entry["name"].is_string() || !entry.contains("template") ||
          !entry["template"].is_string())
        throw InputError(file.string() + ": field \"chat_template\": each entry of the list must be "
                                         "{\"name\": string, \"template\": string}");
      if (entry["name"] == "default") return entry["template"].get<std::string>();
      names += (names.empty() ? "" : ", ") + entry["name"].get<std::string>();
    }
    if (names.empty()) return std::nullopt;  // an empty list: no template, as transformers reads it
    throw InputError(file.string() + ": field \"chat_template\" names templates (" + names +
                     ") but none \"default\"; transformers refuses to choose one, so does this program");
  }
  throw InputError(file.string() + ": field \"chat_template\": expected a string or a list of named templates");
}

std::optional<int32_t> resolve_id(const text::Tokenizer& tokenizer, const std::optional<std::string>& token,
                                  const std::string& key, const fs::path& file) {
  if (!token) return std::nullopt;
  auto id = tokenizer.token_to_id(*token);
  if (!id) throw InputError(file.string() + ": " + key + " \"" + *token + "\" is not in the tokenizer's vocabulary");
  return id;
}

}  // namespace

TokenizerFolder load_tokenizer_folder(const std::string& dir) {
  const fs::path root(dir);
  // tokenizer.json, else tokenizer.model, else vocab.json + merges.txt, with tokenizer_config.json's
  // add_bos/add_eos/legacy applied as transformers applies them.
  TokenizerFolder folder{dir, text::Tokenizer::from_folder(dir)};

  const fs::path config_path = root / "tokenizer_config.json";
  Json config = read_json_file(config_path);
  // special_tokens_map.json fills in what tokenizer_config.json leaves out (older repos).
  const fs::path map_path = root / "special_tokens_map.json";
  Json special_map = read_json_file(map_path);
  for (const char* key : {"bos_token", "eos_token", "unk_token", "pad_token"})
    if (!config.contains(key) && special_map.contains(key)) config[key] = special_map[key];

  folder.tokenizer_class = config.value("tokenizer_class", "");
  folder.pads_left = pads_left(config, folder.tokenizer_class);
  auto& special = folder.special_tokens;
  if (auto t = special_token_text(config, "bos_token", config_path)) special.bos_token = *t, special.has_bos = true;
  if (auto t = special_token_text(config, "eos_token", config_path)) special.eos_token = *t, special.has_eos = true;
  if (auto t = special_token_text(config, "unk_token", config_path)) special.unk_token = *t, special.has_unk = true;
  if (auto t = special_token_text(config, "pad_token", config_path)) special.pad_token = *t, special.has_pad = true;

  const auto& tok = folder.tokenizer;
  folder.bos_token_id = resolve_id(tok, special_token_text(config, "bos_token", config_path), "bos_token", config_path);
  folder.eos_token_id = resolve_id(tok, special_token_text(config, "eos_token", config_path), "eos_token", config_path);
  folder.pad_token_id = resolve_id(tok, special_token_text(config, "pad_token", config_path), "pad_token", config_path);

  const fs::path jinja_path = root / "chat_template.jinja";
  if (auto text = read_file_if_present(jinja_path.string())) {
    folder.chat_template = *text;
    folder.chat_template_origin = jinja_path.string();
  } else if (auto from_config = chat_template_from_config(config, config_path)) {
    folder.chat_template = *from_config;
    folder.chat_template_origin = config_path.string();
  }
  return folder;
}

std::optional<int64_t> pooling_pad_token_id(const TokenizerFolder& folder, std::optional<int64_t> config_pad_token_id) {
  if (!folder.pad_token_id) {
    if (folder.eos_token_id) return *folder.eos_token_id;
    return config_pad_token_id;
  }
  if (config_pad_token_id) return config_pad_token_id;
  return *folder.pad_token_id;
}

}  // namespace rb::pipeline
