// rewardbench: RewardBench in native C++. main() parses the command line and dispatches to the
// subcommands of its table (each one file in src/cli, its work in src/app).
#include <CLI/CLI.hpp>

#include <iostream>
#include <sstream>
#include <vector>

#include "cli/command.h"
#include "common/error.h"
#include "common/version.h"
#include "model/cpu_blas.h"

namespace {

std::string joined_command_line(int argc, char** argv) {
  std::ostringstream out;
  for (int i = 0; i < argc; ++i) out << (i ? " " : "") << argv[i];
  return out.str();
}

// The dispatch table: `rewardbench --help` lists them in this order.
std::vector<rb::cli::Command> commands() {
  std::vector<rb::cli::Command> table = {rb::cli::eval_command(),        rb::cli::dpo_command(),
                                         rb::cli::tokenize_command(),    rb::cli::render_command(),
                                         rb::cli::demo_command(),        rb::cli::leaderboard_command(),
                                         rb::cli::baseline_command(),    rb::cli::compare_command(),
                                         rb::cli::report_command(),         rb::cli::models_command()};
#ifdef RB_WITH_JUDGE
  table.push_back(rb::cli::judge_command());
#endif
#ifdef RB_WITH_HUB
  table.push_back(rb::cli::download_command());
#endif
  return table;
}

}  // namespace

int main(int argc, char** argv) {
  rb::model::ensure_position_independent_blas(argv);  // may re-execute this program once
  CLI::App app{"rewardbench: RewardBench (reward-model evaluation) in native C++"};
  app.set_version_flag("--version", std::string("rewardbench ") + rb::kVersion);
  app.require_subcommand(1);
  std::vector<rb::cli::Command> table = commands();
  for (rb::cli::Command& command : table) {
    CLI::App* subcommand = app.add_subcommand(command.name, command.description);
    if (!command.footer.empty()) subcommand->footer(command.footer);
    command.declare(*subcommand);
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {  // --help, --version
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);  // prints the message and the --help hint
    return 2;     // a usage error, whatever CLI11's own code for it
  }

  const std::string chosen = app.get_subcommands().front()->get_name();
  try {
    for (const rb::cli::Command& command : table)
      if (command.name == chosen) return command.run(joined_command_line(argc, argv));
  } catch (const rb::Error& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "internal error: " << e.what() << "\n";
    return 3;
  }
  return 2;
}
