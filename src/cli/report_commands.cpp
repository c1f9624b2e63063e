// `rewardbench leaderboard` (report/leaderboard_command.h) and `rewardbench download`
// (hub/hub_command.h; left out of builds without the Hub client).
#include "app/leaderboard_run.h"
#include "cli/command.h"
#ifdef RB_WITH_HUB
#include "app/download_run.h"
#endif

namespace rb::cli {

Command leaderboard_command() {
  return table_command<report::LeaderboardOptions>(
      "leaderboard",
      "Section and overall scores of many results.json files, as the reference's leaderboard computes them",
      app::leaderboard_options_table(), app::run_leaderboard);
}

#ifdef RB_WITH_HUB
Command download_command() {
  return table_command<hub::HubDownloadOptions>("download", "Fetch a model or dataset repo into the Hugging Face cache",
                                                app::download_options_table(), app::run_download);
}
#endif

}  // namespace rb::cli
