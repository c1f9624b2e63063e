#include "template/chat_template.h"

#include "common/error.h"
#include "template/evaluator.h"
#include "template/lexer.h"
#include "template/parser.h"
#include "template/validate.h"

namespace rb::tmpl {

class ChatTemplate::Impl {
 public:
  Impl(const std::string& source, std::string origin, TemplateClock clock)
      : origin_(std::move(origin)), clock_(clock) {
    // Hugging Face compiles chat templates with trim_blocks=True, lstrip_blocks=True.
    LexerOptions options;
    options.trim_blocks = true;
    options.lstrip_blocks = true;
    body_ = parse_template(tokenize(source, origin_, options), origin_);
    validate_filter_and_test_names(body_, origin_);
  }

  std::string render(const Json& context) const {
    if (!context.is_object()) throw TemplateError(origin_ + ": render context must be a JSON object");
    Dict variables;
    for (auto it = context.begin(); it != context.end(); ++it) {
      variables.items.emplace_back(Value::string(it.key()), Value::from_json(it.value()));
    }
    return render_template(body_, variables, origin_, limits_, clock_);
  }

 private:
  std::string origin_;
  Body body_;
  RenderLimits limits_;
  TemplateClock clock_;
};

ChatTemplate::ChatTemplate(const std::string& source, const std::string& origin, TemplateClock clock)
    : impl_(std::make_shared<const Impl>(source, origin, clock)) {}

std::string ChatTemplate::render(const Json& context) const { return impl_->render(context); }

std::string apply_chat_template(const ChatTemplate& tmpl, const Json& messages, const SpecialTokens& tokens,
                                bool add_generation_prompt) {
  // transformers renders with messages, tools=None, documents=None, add_generation_prompt and
  // the tokenizer's special_tokens_map (only the tokens the tokenizer defines).
  Json context = Json::object();
  context["messages"] = messages;
  context["tools"] = nullptr;
  context["documents"] = nullptr;
  context["add_generation_prompt"] = add_generation_prompt;
  if (tokens.has_bos) context["bos_token"] = tokens.bos_token;
  if (tokens.has_eos) context["eos_token"] = tokens.eos_token;
  if (tokens.has_unk) context["unk_token"] = tokens.unk_token;
  if (tokens.has_pad) context["pad_token"] = tokens.pad_token;
  return tmpl.render(context);
}

}  // namespace rb::tmpl
