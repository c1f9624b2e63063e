#pragma once
// One `rewardbench` subcommand: its name, what --help says, and how it runs. A command file
// (cli/<name>_command.cpp) builds one from the application's option table and run function;
// main.cpp's dispatch table lists them.
#include <CLI/CLI.hpp>

#include <functional>
#include <memory>
#include <string>
#include <type_traits>

#include "app/option_table.h"
#include "app/run_options.h"
#include "cli/option_binding.h"

namespace rb::cli {

struct Command {
  std::string name;
  std::string description;
  std::string footer;  // shown after the flags in --help
  // Declares the command's flags on `subcommand`, parsed into options the command owns.
  std::function<void(CLI::App& subcommand)> declare;
  // Runs with the parsed flags; `command_line` is what run.json records.
  std::function<int(const std::string& command_line)> run;
};

// A command whose flags are `table` and whose work is `run`. Options of commands that write
// run.json (app::RunOptions) get the command line to record there.
template <class Options>
Command table_command(std::string name, std::string description, const app::OptionTable<Options>& table,
                      std::function<int(const Options&)> run, std::string footer = {}) {
  auto options = std::make_shared<Options>();
  auto bound = std::make_shared<BoundOptions>();
  Command command{std::move(name), std::move(description), std::move(footer), {}, {}};
  command.declare = [options, bound, &table](CLI::App& subcommand) {
    bind_options(subcommand, table, *options, bound.get());
  };
  command.run = [options, bound, run = std::move(run)](const std::string& command_line) {
    if constexpr (std::is_base_of_v<app::RunOptions, Options>) {
      options->command_line = command_line;
      options->given = given_keys(*bound);
    }
    return run(*options);
  };
  return command;
}

// The subcommands (model_commands.cpp, judge_command.cpp, inspect_commands.cpp, report_commands.cpp).
Command eval_command();
Command dpo_command();
Command judge_command();
Command tokenize_command();
Command render_command();
Command demo_command();
Command leaderboard_command();
Command download_command();
Command baseline_command();
Command compare_command();
Command report_command();
Command models_command();

}  // namespace rb::cli
