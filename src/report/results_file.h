#pragma once
// results.json in the reference's leaderboard schema (eval-set/{org}/{model}.json): one flat
// object written as json.dumps(indent=4, sort_keys=True) with no trailing newline.
#include <optional>
#include <string>

#include "eval/metrics.h"
#include "report/python_json.h"

namespace rb::report {

struct ResultsMetadata {
  std::string model;
  std::string model_type = "Seq. Classifier";
  // "tokenizer" when the tokenizer's own template rendered the texts, else the FastChat template
  // name, else nullopt (written as null).
  std::optional<std::string> chat_template;
  std::optional<std::string> ref_model;  // DPO runs only; the key is absent otherwise
};

// model, model_type, chat_template, one key per subset present, each section with at least one
// subset present ("Chat", "Chat Hard", "Safety", "Reasoning"), "Prior Sets" when any prior set is
// present and "overall" when a core section is present. A subset named like one of those keys
// is an rb::InputError (it would silently overwrite it).
Json build_results_json(const eval::EvalSummary& summary, const ResultsMetadata& metadata);

// The exact bytes of the file.
std::string format_results_json(const Json& results);

void write_results_json(const std::string& path, const eval::EvalSummary& summary, const ResultsMetadata& metadata);

}  // namespace rb::report
