#include "report/v2_files.h"

#include <cmath>
#include <cstdio>
#include <limits>

#include "common/error.h"
#include "io/atomic_file.h"

namespace rb::report {
namespace {

Json metadata_object(const ResultsMetadata& metadata) {
  Json results = Json::object();
  results["model"] = metadata.model;
  results["model_type"] = metadata.model_type;
  results["chat_template"] = metadata.chat_template ? Json(*metadata.chat_template) : Json(nullptr);
  return results;
}

// The `results` column: pandas keeps int64 only when every value is the int 0.
Json results_column(const std::vector<eval::V2ScoredPrompt>& prompts) {
  bool all_integers = true;
  for (const auto& prompt : prompts) all_integers = all_integers && prompt.result_is_integer;
  Json column = Json::array();
  for (const auto& prompt : prompts) {
    if (prompt.subset == "ties") {
      column.push_back(std::numeric_limits<double>::quiet_NaN());
    } else if (all_integers) {
      column.push_back(static_cast<int64_t>(prompt.result));
    } else {
      column.push_back(prompt.result);
    }
  }
  return column;
}

std::string python_float_text(double value) { return python_float_repr(value); }

}  // namespace

Json build_v2_results_json(const eval::V2Summary& summary, const ResultsMetadata& metadata) {
  Json results = metadata_object(metadata);
  for (const auto& subset : summary.subsets) {
    if (results.contains(subset.subset)) {
      throw InputError("results: subset name \"" + subset.subset + "\" clashes with a key of the results file");
    }
    results[subset.subset] = subset.score;
  }
  return results;
}

std::string format_v2_results_json(const eval::V2Summary& summary, const ResultsMetadata& metadata) {
  return format_results_json(build_v2_results_json(summary, metadata));
}

void write_v2_results_json(const std::string& path, const eval::V2Summary& summary, const ResultsMetadata& metadata) {
  io::write_file_atomically(path, format_v2_results_json(summary, metadata));
}

Json build_v2_scores_json(const std::vector<eval::V2ScoredPrompt>& prompts, const ResultsMetadata& metadata) {
  Json text = Json::array(), scores = Json::array(), subset = Json::array(), id = Json::array(),
       num_correct = Json::array();
  for (const auto& prompt : prompts) {
    text.push_back(prompt.texts);
    Json row_scores = Json::array();
    for (double score : prompt.scores) row_scores.push_back(score);
    scores.push_back(std::move(row_scores));
    subset.push_back(prompt.subset);
    id.push_back(prompt.id);
    num_correct.push_back(prompt.num_correct);
  }
  Json file = Json::object();
  file["text"] = std::move(text);
  file["scores"] = std::move(scores);
  file["results"] = results_column(prompts);
  file["subset"] = std::move(subset);
  file["id"] = std::move(id);
  file["num_correct"] = std::move(num_correct);
  const Json run = metadata_object(metadata);  // named: items() must not outlive a temporary
  for (const auto& [key, value] : run.items()) file[key] = value;
  return file;
}

std::string format_v2_scores_json(const std::vector<eval::V2ScoredPrompt>& prompts, const ResultsMetadata& metadata) {
  return format_results_json(build_v2_scores_json(prompts, metadata));
}

void write_v2_scores_json(const std::string& path, const std::vector<eval::V2ScoredPrompt>& prompts,
                          const ResultsMetadata& metadata) {
  io::write_file_atomically(path, format_v2_scores_json(prompts, metadata));
}

void print_v2_summary(std::ostream& out, const eval::V2Summary& summary, const Intervals* intervals) {
  auto interval = [&](const std::string& name) {
    const std::string text = intervals ? intervals->format(name) : "";
    return text.empty() ? text : " " + intervals->header() + " " + text;
  };
  for (const auto& subset : summary.subsets) {
    if (subset.composite) {
      out << subset.subset << ": Overall score " << python_float_text(subset.score) << interval(subset.subset) << "\n";
      continue;
    }
    out << subset.subset << ": " << python_float_text(subset.results_sum) << "/" << subset.num_prompts << " ("
        << python_float_text(subset.score) << ")" << interval(subset.subset) << "\n";
  }
  if (summary.ties) {
    const auto& ties = *summary.ties;
    out << "Ties breakdown: ref accuracy " << python_float_text(ties.ref_accuracy) << " (" << ties.ref_prompts
        << " prompts), tied accuracy " << python_float_text(ties.tied_accuracy) << " (" << ties.tied_prompts
        << " prompts), correctness preferred " << python_float_text(ties.correctness_preferred)
        << ", preferred (hard) " << python_float_text(ties.correctness_preferred_hard) << ", margin score "
        << python_float_text(ties.margin_score) << " (" << ties.paired_prompts << " paired prompts)\n";
  }
  if (!std::isnan(summary.final_score)) {
    out << "RewardBench 2 score (mean of the six subsets): " << python_float_text(summary.final_score)
        << interval("final") << "\n";
  } else {
    out << "RewardBench 2 score: not computed (needs all six subsets: Factuality, Precise IF, Math, Safety, "
           "Focus, Ties)\n";
  }
}

}  // namespace rb::report
