#include "cli/inspect_commands.h"

#include <ostream>

#include "common/error.h"
#include "io/json_file.h"
#include "pipeline/text_builder.h"
#include "pipeline/tokenizer_folder.h"
#include "template/fastchat.h"

namespace rb::cli {

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
  const pipeline::TextBuilder builder(folder, options.chat_template);
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

}  // namespace rb::cli
