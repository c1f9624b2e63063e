#pragma once
// Chat templates as transformers' apply_chat_template renders them: our own Jinja
// interpreter run with Hugging Face's settings (trim_blocks, lstrip_blocks, the globals
// raise_exception and strftime_now, a tojson filter like json.dumps(ensure_ascii=False)).
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "template/template_clock.h"

namespace rb::tmpl {

using Json = nlohmann::ordered_json;

class ChatTemplate {
 public:
  // Parses the template once; throws rb::TemplateError with line and column on syntax errors.
  explicit ChatTemplate(const std::string& source, const std::string& origin = "<chat template>",
                        TemplateClock clock = {});

  // Renders with an arbitrary top-level context (messages, bos_token, eos_token,
  // add_generation_prompt, tools, ...). Throws rb::TemplateError when the template raises.
  std::string render(const Json& context) const;

  class Impl;

 private:
  std::shared_ptr<const Impl> impl_;
};

// The context transformers builds for apply_chat_template(messages, tokenize=False, ...):
// messages, tools=None, documents=None, add_generation_prompt, plus the tokenizer's special
// tokens as strings (absent ones left undefined). Other template kwargs (enable_thinking, ...)
// go through ChatTemplate::render with a context of your own.
struct SpecialTokens {
  std::string bos_token, eos_token, unk_token, pad_token;
  bool has_bos = false, has_eos = false, has_unk = false, has_pad = false;
};

std::string apply_chat_template(const ChatTemplate& tmpl, const Json& messages,
                                const SpecialTokens& tokens, bool add_generation_prompt = false);

}  // namespace rb::tmpl
