#include "app/models_run.h"

#include <iostream>

#include "app/reference_models.h"
#include "model/architecture.h"

namespace rb::app {

const OptionTable<ModelsOptions>& models_options_table() {
  static const OptionTable<ModelsOptions> table = [] {
    OptionTable<ModelsOptions> t;
    t.flag({"--json", "json", "One JSON object: architectures, counts and a coverage list {model, status, fixture}"},
           &ModelsOptions::json)
        .flag({"--markdown", "markdown", "The coverage table as the README shows it"}, &ModelsOptions::markdown);
    return t;
  }();
  return table;
}

int run_models(const ModelsOptions& options) {
  if (options.json) {
    std::cout << models_json().dump(2) << "\n";
    return 0;
  }
  if (options.markdown) {
    std::cout << coverage_markdown();
    return 0;
  }
  std::cout << "reward models (config.json architectures):\n";
  for (const std::string& name : model::reward_model_classes()) std::cout << "  " << name << "\n";
  std::cout << "causal LMs (dpo):\n";
  for (const std::string& name : model::causal_lm_classes()) std::cout << "  " << name << "\n";
  const auto counts = coverage_counts();
  std::cout << "\nthe reference's " << reference_models().size() << " leaderboard models: " << counts.at("supported")
            << " supported, " << counts.at("needs-multi-gpu") << " need several GPUs, " << counts.at("unsupported")
            << " not yet (rewardbench models --markdown lists them with the reason)\n";
  return 0;
}

}  // namespace rb::app
