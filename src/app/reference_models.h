#pragma once
// The reference's leaderboard configuration (scripts/configs/eval_configs.yaml, 122 models) with
// how each loads here (tools/models/coverage.tsv), compiled in from reference_models_data.inc
// (regenerate with tools/models/generate_reference_models.py). `rewardbench models` prints it.
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace rb::app {

enum class QuantizedSetting { Unset, Yes, No };

struct ReferenceModel {
  std::string model;         // the registry key (a Hub id)
  std::string architecture;  // the class or pipeline it needs
  std::string status;        // "supported", "needs-multi-gpu" or "unsupported"
  std::string fixtures;      // the parity fixtures that prove it ("" when none)
  std::string why;           // what is missing, for anything not supported
  // eval_configs.yaml's settings: "" / 0 when the file leaves them unset.
  std::string chat_template;
  int batch_size = 0;
  int max_length = 0;
  bool dpo = false;
  std::string ref_model;
  QuantizedSetting quantized = QuantizedSetting::Unset;
  bool trust_remote_code = false;
  std::string torch_dtype;
};

const std::vector<ReferenceModel>& reference_models();

// Models per status, in the order supported, needs-multi-gpu, unsupported.
std::map<std::string, int> coverage_counts();

// {"architectures": {"reward_models": [...], "causal_lms": [...]}, "counts": {...},
//  "coverage": [{"model", "status", "fixture", "architecture", "why"}, ...]}
nlohmann::ordered_json models_json();

// The README's coverage table (GitHub markdown), one row per model, preceded by the counts.
std::string coverage_markdown();

}  // namespace rb::app
