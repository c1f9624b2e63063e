#pragma once
// `rewardbench tokenize` and `rewardbench render`: show users exactly what their model sees
// (the reference's most common bug reports are template and BOS mistakes).
#include <iosfwd>
#include <string>

#include "app/option_table.h"

namespace rb::app {

struct TokenizeOptions {
  std::string tokenizer_dir;
  std::string jsonl_path;
  std::string field = "text";
  bool add_special_tokens = true;
};

const OptionTable<TokenizeOptions>& tokenize_options_table();

// One JSON array of token ids per input line, as tokenizer(text) gives them.
int run_tokenize(const TokenizeOptions& options, std::ostream& out);

struct RenderOptions {
  std::string tokenizer_dir;
  std::string jsonl_path;
  std::string chat_template = "tulu";  // FastChat fallback when the tokenizer has no template
  bool add_generation_prompt = false;
  std::string date;  // --date (strftime_now's day); default SOURCE_DATE_EPOCH, else now
};

const OptionTable<RenderOptions>& render_options_table();

// Lines {"messages": [...]} in, one line {"text": ...} or {"error": ...} out per input line.
int run_render(const RenderOptions& options, std::ostream& out);

}  // namespace rb::app
