#pragma once
// outputs.jsonl as the reference CLI writes `{model}_outputs.jsonl`: one json.dumps line per
// example with keys prompt, results, scores_chosen, scores_rejected, text_chosen, text_rejected,
// then every other input column in input order (id, subset, chosen, rejected, chosen_model, ...).
#include <string>
#include <vector>

#include "eval/scored_example.h"
#include "report/python_json.h"

namespace rb::report {

// Scores are a number for a one-label model, a list for several and null when the model gave
// none. An input column named like one of our own keys is dropped rather than overwriting it.
Json output_record(const eval::ScoredExample& example);

// Each record as json.dumps(record) (separators ", " and ": ", ASCII escapes) plus "\n".
std::string format_outputs_jsonl(const std::vector<eval::ScoredExample>& examples);

void write_outputs_jsonl(const std::string& path, const std::vector<eval::ScoredExample>& examples);

}  // namespace rb::report
