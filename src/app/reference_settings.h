#pragma once
// The reference's per-model settings as defaults: when --model names a leaderboard model of
// eval_configs.yaml (its Hub id, a Hugging Face cache snapshot of it, or a local folder with its
// name), eval and dpo take that model's chat template, batch size, max length, dtype and (dpo)
// reference model, except where the user typed the flag. What was applied is printed and
// recorded in run.json (invocation.options.reference_settings); settings this build does not
// act on (8-bit quantization, trust_remote_code) are recorded as not applied.
#include <string>

#include <nlohmann/json.hpp>

#include "app/reference_models.h"
#include "app/run_options.h"

namespace rb::app {

// The leaderboard entry `model_argument` names, or nullptr.
const ReferenceModel* find_reference_model(const std::string& model_argument);

// Applies the entry's settings to `options` (and `ref_model` for dpo when given a pointer).
// Returns {"model", "applied": {...}, "not_applied": {...}}, or null when no entry matches.
nlohmann::ordered_json apply_reference_settings(ScoringRunOptions& options, std::string* ref_model);

}  // namespace rb::app
