#include "report/results_file.h"

#include <cmath>

#include "common/error.h"
#include "eval/benchmarks.h"
#include "io/atomic_file.h"

namespace rb::report {
namespace {

void add_unique(Json& results, const std::string& key, Json value) {
  if (results.contains(key)) {
    throw InputError("results.json: subset name \"" + key + "\" clashes with a key of the results file");
  }
  results[key] = std::move(value);
}

}  // namespace

Json build_results_json(const eval::EvalSummary& summary, const ResultsMetadata& metadata) {
  Json results = Json::object();
  results["model"] = metadata.model;
  results["model_type"] = metadata.model_type;
  results["chat_template"] = metadata.chat_template ? Json(*metadata.chat_template) : Json(nullptr);
  if (metadata.ref_model) results["ref_model"] = *metadata.ref_model;
  for (const auto& section : summary.sections) {
    if (section.has_subsets) results[section.section] = section.score;
  }
  if (!std::isnan(summary.prior_sets)) results[eval::kPriorSetsName] = summary.prior_sets;
  if (!std::isnan(summary.overall)) results["overall"] = summary.overall;
  for (const auto& subset : summary.subsets) add_unique(results, subset.subset, subset.accuracy);
  return results;
}

std::string format_results_json(const Json& results) {
  PythonJsonStyle style;
  style.indent = 4;
  style.sort_keys = true;
  return python_json_dumps(results, style);
}

void write_results_json(const std::string& path, const eval::EvalSummary& summary, const ResultsMetadata& metadata) {
  io::write_file_atomically(path, format_results_json(build_results_json(summary, metadata)));
}

}  // namespace rb::report
