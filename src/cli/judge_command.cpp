// `rewardbench judge` (app/judge_run.h); left out of builds without the judge layer.
#include "app/judge_run.h"
#include "cli/command.h"

namespace rb::cli {

Command judge_command() {
  const std::string description =
      "Evaluate an LLM judge (Generative RM) through an OpenAI-compatible or Anthropic API server";
  return table_command<app::JudgeOptions>("judge", description, app::judge_options_table(), app::run_judge);
}

}  // namespace rb::cli
