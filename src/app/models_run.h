#pragma once
// `rewardbench models`: the architectures this build loads and its coverage of the reference's
// leaderboard models (reference_models.h): a summary, the table with --markdown, JSON with --json.
#include "app/option_table.h"

namespace rb::app {

struct ModelsOptions {
  bool json = false;
  bool markdown = false;
};

const OptionTable<ModelsOptions>& models_options_table();

int run_models(const ModelsOptions& options);

}  // namespace rb::app
