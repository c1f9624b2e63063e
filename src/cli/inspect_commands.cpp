// `rewardbench tokenize` and `rewardbench render` (app/inspect.h): what a model sees.
#include <iostream>

#include "app/inspect.h"
#include "cli/command.h"

namespace rb::cli {

Command tokenize_command() {
  return table_command<app::TokenizeOptions>(
      "tokenize", "Print the token ids of one field of each JSONL line, one JSON array per line",
      app::tokenize_options_table(), [](const app::TokenizeOptions& options) { return app::run_tokenize(options, std::cout); });
}

Command render_command() {
  return table_command<app::RenderOptions>(
      "render", "Render {\"messages\": [...]} lines with the chat template; prints {\"text\"} or {\"error\"} per line",
      app::render_options_table(), [](const app::RenderOptions& options) { return app::run_render(options, std::cout); });
}

}  // namespace rb::cli
