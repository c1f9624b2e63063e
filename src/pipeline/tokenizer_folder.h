#pragma once
// A tokenizer as users have it on disk: tokenizer.json, tokenizer_config.json (special tokens,
// chat template, tokenizer class), optionally chat_template.jinja and special_tokens_map.json.
#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "template/chat_template.h"
#include "text/tokenizer/tokenizer.h"

namespace rb::pipeline {

struct TokenizerFolder {
  std::string dir;
  text::Tokenizer tokenizer;
  std::string tokenizer_class;                // tokenizer_config.json "tokenizer_class", may be ""
  std::optional<std::string> chat_template;   // chat_template.jinja wins over tokenizer_config.json
  std::string chat_template_origin;           // file the template came from, for error messages
  tmpl::SpecialTokens special_tokens;         // as strings, for chat-template rendering
  std::optional<int32_t> bos_token_id;
  std::optional<int32_t> eos_token_id;
  std::optional<int32_t> pad_token_id;       // the tokenizer's own pad_token, if it has one
  // tokenizer_config.json padding_side == "left": the reference pads batches on the left, and
  // transformers then numbers positions from the first pad, so a text's positions start at the
  // number of pads its batch gave it (rope is relative: this moves scores by rounding only).
  bool pads_left = false;
};

// The id whose trailing runs the score skips (transformers pools at the rightmost token that is
// not config.pad_token_id), after run_rm.py's fix-ups: a tokenizer without a pad token gets
// pad := eos and so does the model config, overriding config.json; otherwise a config without a
// pad id takes the tokenizer's. nullopt only when neither pad nor eos exists.
std::optional<int64_t> pooling_pad_token_id(const TokenizerFolder& folder, std::optional<int64_t> config_pad_token_id);

// Throws rb::IoError / rb::InputError naming the file and key on a missing or malformed folder.
TokenizerFolder load_tokenizer_folder(const std::string& dir);

}  // namespace rb::pipeline
