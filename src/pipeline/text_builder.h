#pragma once
// Conversation -> text, as the reference builds it: the tokenizer's chat template whenever it has
// one (it always wins over --chat_template), else the named FastChat template. No generation prompt.
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "eval/conversation.h"
#include "eval/scored_example.h"
#include "pipeline/tokenizer_folder.h"
#include "template/template_clock.h"

namespace rb::pipeline {

class TextBuilder {
 public:
  // Parses the tokenizer's template once; throws rb::TemplateError (with the file) if it does not
  // parse, or rb::InputError if there is no template and `fastchat_name` is unknown.
  // `clock`: the moment the template's strftime_now() formats (a run's --date / SOURCE_DATE_EPOCH).
  TextBuilder(const TokenizerFolder& folder, std::string fastchat_name, tmpl::TemplateClock clock = {});

  eval::RenderedTexts render(const eval::Conversation& conversation) const;
  std::string render_messages(const nlohmann::ordered_json& messages, bool add_generation_prompt = false) const;

  bool uses_tokenizer_template() const { return static_cast<bool>(template_); }
  // What results.json records as chat_template: "tokenizer", or the FastChat template name.
  std::string chat_template_label() const;
  const tmpl::TemplateClock& clock() const { return clock_; }

 private:
  std::shared_ptr<const tmpl::ChatTemplate> template_;
  std::string template_origin_;
  tmpl::SpecialTokens special_tokens_;
  std::string fastchat_name_;
  tmpl::TemplateClock clock_;
};

}  // namespace rb::pipeline
