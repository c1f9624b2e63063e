#pragma once
// The `judge` subcommand's flags, for src/cli/main.cpp to register:
//   rb::judge::JudgeOptions judge_options;
//   rb::judge::add_judge_command(app, judge_options);
//   ... if (command == "judge") { judge_options.command_line = ...; return rb::judge::run_judge(judge_options); }
// Flag names follow scripts/run_generative.py (--model nargs+, --score_w_ratings, --num_threads,
// --debug) with hyphenated aliases. API keys come only from the environment (OPENAI_API_KEY,
// ANTHROPIC_API_KEY): a key on the command line would land in run.json and the process list.
#include <CLI/CLI.hpp>

#include "judge/judge_command.h"

namespace rb::judge {

CLI::App* add_judge_command(CLI::App& app, JudgeOptions& options);

}  // namespace rb::judge
