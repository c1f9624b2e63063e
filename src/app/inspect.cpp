#include "app/inspect.h"

#include <ostream>

#include "app/run_options.h"
#include "app/scoring_setup.h"
#include "common/error.h"
#include "io/json_file.h"
#include "pipeline/text_builder.h"
#include "pipeline/tokenizer_folder.h"
#include "template/fastchat.h"

namespace rb::app {

const OptionTable<TokenizeOptions>& tokenize_options_table() {
  static const OptionTable<TokenizeOptions> table = [] {
    OptionTable<TokenizeOptions> t;
    t.value({"--tokenizer", "tokenizer", "Folder with tokenizer.json (and tokenizer_config.json)", {}, true},
            &TokenizeOptions::tokenizer_dir)
        .value({"--jsonl", "jsonl", "Input lines (JSON objects)", {}, true}, &TokenizeOptions::jsonl_path)
        .value({"--field", "field", "Field holding the text"}, &TokenizeOptions::field)
        .action({"--no-special-tokens", "", "Do not run the post-processor (no BOS/EOS added)"},
                [](TokenizeOptions& o) { o.add_special_tokens = false; });
    return t;
  }();
  return table;
}

const OptionTable<RenderOptions>& render_options_table() {
  static const OptionTable<RenderOptions> table = [] {
    OptionTable<RenderOptions> t;
    t.value({"--tokenizer", "tokenizer", "Folder with tokenizer_config.json / chat_template.jinja", {}, true},
            &RenderOptions::tokenizer_dir)
        .value({"--jsonl", "jsonl", "Input lines {\"messages\": [{\"role\", \"content\"}, ...]}", {}, true},
               &RenderOptions::jsonl_path)
        .value({"--chat_template,--chat-template", "chat_template",
                "FastChat template used only when the tokenizer has no chat template"},
               &RenderOptions::chat_template)
        .flag({"--add_generation_prompt,--add-generation-prompt", "add_generation_prompt",
               "Pass add_generation_prompt=True to the template"},
              &RenderOptions::add_generation_prompt)
        .value({"--date", "date", kDateHelp}, &RenderOptions::date);
    return t;
  }();
  return table;
}

int run_tokenize(const TokenizeOptions& options, std::ostream& out) {
  const auto folder = pipeline::load_tokenizer_folder(options.tokenizer_dir);
  for (const auto& row : io::read_json_rows(options.jsonl_path)) {
    auto it = row.value.find(options.field);
    if (it == row.value.end()) throw InputError(row.origin + ": field \"" + options.field + "\" is missing");
    if (!it->is_string())
      throw InputError(row.origin + ": field \"" + options.field + "\": expected a string, got " + it->type_name());
    const auto ids = folder.tokenizer.encode(it->get<std::string>(), options.add_special_tokens);
    out << nlohmann::json(ids).dump() << '\n';
  }
  return 0;
}

int run_render(const RenderOptions& options, std::ostream& out) {
  const auto folder = pipeline::load_tokenizer_folder(options.tokenizer_dir);
  const pipeline::TextBuilder builder(folder, options.chat_template, run_template_clock(options.date));
  for (const auto& row : io::read_json_rows(options.jsonl_path)) {
    auto it = row.value.find("messages");
    if (it == row.value.end() || !it->is_array())
      throw InputError(row.origin + ": field \"messages\": expected a list of {role, content} messages");
    nlohmann::ordered_json line;
    try {
      line["text"] = builder.render_messages(*it, options.add_generation_prompt);
    } catch (const TemplateError& e) {
      line = nlohmann::ordered_json{{"error", e.what()}};
    }
    out << line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
  }
  return 0;
}

}  // namespace rb::app
