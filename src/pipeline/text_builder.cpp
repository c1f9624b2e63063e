#include "pipeline/text_builder.h"

#include "common/error.h"
#include "template/fastchat.h"

namespace rb::pipeline {

TextBuilder::TextBuilder(const TokenizerFolder& folder, std::string fastchat_name, tmpl::TemplateClock clock)
    : special_tokens_(folder.special_tokens), fastchat_name_(std::move(fastchat_name)), clock_(std::move(clock)) {
  if (folder.chat_template) {
    template_origin_ = folder.chat_template_origin;
    template_ = std::make_shared<const tmpl::ChatTemplate>(*folder.chat_template, template_origin_, clock_);
    return;
  }
  if (!tmpl::has_fastchat_template(fastchat_name_)) {
    std::string known;
    for (const auto& name : tmpl::fastchat_template_names()) known += (known.empty() ? "" : ", ") + name;
    throw InputError(folder.dir + ": the tokenizer has no chat template and --chat_template \"" + fastchat_name_ +
                     "\" is not a known template (known: " + known + ")");
  }
}

std::string TextBuilder::render_messages(const nlohmann::ordered_json& messages, bool add_generation_prompt) const {
  if (template_) return tmpl::apply_chat_template(*template_, messages, special_tokens_, add_generation_prompt);
  return tmpl::render_fastchat(fastchat_name_, messages);
}

eval::RenderedTexts TextBuilder::render(const eval::Conversation& conversation) const {
  return {render_messages(eval::to_json(conversation.prompt_messages)),
          render_messages(eval::to_json(conversation.chosen_messages)),
          render_messages(eval::to_json(conversation.rejected_messages))};
}

std::string TextBuilder::chat_template_label() const { return template_ ? "tokenizer" : fastchat_name_; }

}  // namespace rb::pipeline
