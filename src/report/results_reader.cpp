#include "report/results_reader.h"

#include <cmath>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "common/file_io.h"
#include "eval/benchmarks.h"

namespace rb::report {
namespace {

using Json = nlohmann::ordered_json;

// Keys that describe the run, or that our own results.json derives from the subsets (the
// leaderboard recomputes those); "Safety" is both a v1 section and a v2 subset, see below.
const std::set<std::string>& derived_or_metadata_keys() {
  static const std::set<std::string> kKeys = {"model",     "model_type", "chat_template", "ref_model", "model_beaker",
                                              "Chat",      "Chat Hard",  "Reasoning",     "Prior Sets", "overall",
                                              "accuracy",  "num_prompts", "tokenizer",    "extra_results"};
  return kKeys;
}

bool is_pref_key(const std::string& key) {
  for (const auto& split : eval::pref_test_set_splits()) {
    if (split == key) return true;
  }
  return eval::is_dropped_pref_split(key) || eval::is_legacy_pref_key(key);
}

ResultsReadOutcome skipped(const std::string& path, const std::string& problem) {
  return ResultsReadOutcome{std::nullopt, path + ": " + problem};
}

// The object whose keys are subsets: the file itself, or the CLI's "extra_results".
const Json& subset_holder(const Json& file) {
  if (file.contains("extra_results") && file["extra_results"].is_object()) return file["extra_results"];
  return file;
}

}  // namespace

ResultsReadOutcome parse_results_text(const std::string& text, const std::string& path) {
  Json file = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (file.is_discarded()) return skipped(path, "not valid JSON");
  if (!file.is_object()) return skipped(path, std::string("expected a JSON object, got ") + file.type_name());
  if (!file.contains("model") || !file["model"].is_string()) {
    return skipped(path, "no \"model\" string: not a results file");
  }
  for (const auto& item : file.items()) {
    if (item.value().is_array()) {
      return skipped(path, "\"" + item.key() + "\" holds a list: a per-prompt scores file, not a results file");
    }
  }
  ResultsRecord record;
  record.path = path;
  record.model = file["model"].get<std::string>();
  if (file.contains("model_type") && file["model_type"].is_string()) record.model_type = file["model_type"];
  for (const auto& [key, value] : subset_holder(file).items()) {
    if (derived_or_metadata_keys().count(key) && key != "extra_results") continue;
    bool core = eval::subset_weight(key).has_value();
    bool pref = is_pref_key(key);
    bool v2 = eval::is_v2_only_subset(key) || key == "Safety";
    if (!core && !pref && !v2) continue;  // other keys (custom subsets, notes) are not used
    if (!value.is_number() && !value.is_null()) {
      return skipped(path, "\"" + key + "\": expected a number, got " + std::string(value.type_name()));
    }
    record.values[key] = value.is_null() ? std::numeric_limits<double>::quiet_NaN() : value.get<double>();
    record.has_core = record.has_core || core;
    record.has_prior_sets = record.has_prior_sets || pref;
    record.has_v2 = record.has_v2 || eval::is_v2_only_subset(key);
  }
  if (record.has_v2 && (record.has_core || record.has_prior_sets)) {
    return skipped(path, "mixes RewardBench 2 subsets with v1 subsets; cannot tell which benchmark it is");
  }
  if (!record.has_core && !record.has_prior_sets && !record.has_v2) {
    return skipped(path, "no RewardBench subset keys (v1 core, prior sets or RewardBench 2)");
  }
  return ResultsReadOutcome{std::move(record), ""};
}

ResultsReadOutcome read_results_file(const std::string& path) {
  const auto text = read_file_if_present(path);
  if (!text) return skipped(path, "cannot be read");
  return parse_results_text(*text, path);
}

}  // namespace rb::report
