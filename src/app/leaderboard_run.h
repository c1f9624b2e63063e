#pragma once
// `rewardbench leaderboard`'s flags (the command itself is report/leaderboard_command.h).
#include "app/option_table.h"
#include "report/leaderboard_command.h"

namespace rb::app {

const OptionTable<report::LeaderboardOptions>& leaderboard_options_table();

// Tables on stdout, skipped files and notes on stderr; 0 when a row was printed.
int run_leaderboard(const report::LeaderboardOptions& options);

}  // namespace rb::app
