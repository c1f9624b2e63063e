#include "app/reference_models.h"

#include <sstream>

#include "model/architecture.h"

namespace rb::app {

const std::vector<ReferenceModel>& reference_models() {
  static const std::vector<ReferenceModel> models = {
#include "app/reference_models_data.inc"
  };
  return models;
}

std::map<std::string, int> coverage_counts() {
  std::map<std::string, int> counts = {{"supported", 0}, {"needs-multi-gpu", 0}, {"unsupported", 0}};
  for (const ReferenceModel& model : reference_models()) ++counts[model.status];
  return counts;
}

nlohmann::ordered_json models_json() {
  nlohmann::ordered_json coverage = nlohmann::ordered_json::array();
  for (const ReferenceModel& model : reference_models())
    coverage.push_back({{"model", model.model},
                        {"status", model.status},
                        {"fixture", model.fixtures},
                        {"architecture", model.architecture},
                        {"why", model.why}});
  const auto counts = coverage_counts();
  return {{"architectures", {{"reward_models", model::reward_model_classes()}, {"causal_lms", model::causal_lm_classes()}}},
          {"counts",
           {{"models", reference_models().size()},
            {"supported", counts.at("supported")},
            {"needs-multi-gpu", counts.at("needs-multi-gpu")},
            {"unsupported", counts.at("unsupported")}}},
          {"coverage", coverage}};
}

std::string coverage_markdown() {
  const auto counts = coverage_counts();
  std::ostringstream out;
  out << "Of the reference's " << reference_models().size() << " leaderboard models (eval_configs.yaml): "
      << counts.at("supported") << " supported (scored with the parity fixtures named), " << counts.at("needs-multi-gpu")
      << " need several GPUs, " << counts.at("unsupported") << " not supported yet.\n\n";
  out << "| model | loads as | status | fixtures | why not |\n|---|---|---|---|---|\n";
  for (const ReferenceModel& model : reference_models())
    out << "| " << model.model << " | " << model.architecture << " | " << model.status << " | "
        << (model.fixtures.empty() ? "-" : model.fixtures) << " | " << (model.why.empty() ? "-" : model.why) << " |\n";
  return out.str();
}

}  // namespace rb::app
