#pragma once
// What the statistics need of one evaluated item, for every kind of run (eval, dpo, judge,
// baseline) and both benchmarks, in one shape:
//   v1   one preference pair: scores [chosen, rejected], num_correct 1, result 1/0 (a judge's tie 0.5)
//   v2   one prompt: scores of its completions (correct ones first), num_correct, result best-of-N
// `group` is the resampling unit inside the subset: items with the same group are drawn together
// (v1: pairs that share a prompt; v2: the prompt; Ties: the id number that pairs ref:N with tied:N).
// `lengths` are the answers' lengths (same order as the answers), in the unit the run states.
// stats.json keeps the items, so `compare` and `report` need nothing else of a run.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace rb::eval {
struct PreferenceRow;
struct ScoredExample;
struct V2Row;
struct V2ScoredPrompt;
}  // namespace rb::eval

namespace rb::stats {

using Json = nlohmann::ordered_json;

enum class Benchmark { kV1, kV2 };
const char* benchmark_name(Benchmark benchmark);      // "v1", "v2"
Benchmark parse_benchmark(const std::string& name, const std::string& context);

struct StatsItem {
  std::string subset;
  Json id;  // the row's id as given (integer or string)
  std::string group;
  double result = 0.0;
  std::vector<double> scores;   // may be empty (a judge without scores)
  int64_t num_correct = 1;
  std::vector<double> lengths;  // one per answer, or empty when unknown

  // The key under which two runs' items are paired: subset and id.
  std::string key() const;
};

// Lengths of answers: characters (Unicode code points) unless a tokenizer counts them.
using LengthFn = double (*)(const std::string& text, const void* context);
struct AnswerLength {
  std::string unit = "characters";  // or "tokens (<tokenizer>)"
  LengthFn measure = nullptr;       // null: code points
  const void* context = nullptr;
  double operator()(const std::string& text) const;
};

double code_points(const std::string& text);

// The text that groups v1 pairs by prompt: the prompt string, or its messages role by role.
std::string prompt_group(const eval::PreferenceRow& row);

// Items of a v1 run: rows[i] with its scored example (same order).
std::vector<StatsItem> pair_items(const std::vector<eval::PreferenceRow>& rows,
                                  const std::vector<eval::ScoredExample>& examples, const AnswerLength& length);
// Items of a v2 run: rows[i] with its scored prompt (same order).
std::vector<StatsItem> v2_items(const std::vector<eval::V2Row>& rows, const std::vector<eval::V2ScoredPrompt>& prompts,
                                const AnswerLength& length);
// The Ties group of an id "ref:12" / "tied:12": "12"; other ids are their own group.
std::string ties_group(const std::string& id);

// Renames groups to short labels ("g0", "g1", ... in first-seen order; equal groups stay equal) so
// stats.json does not repeat every prompt.
void compact_groups(std::vector<StatsItem>& items);

Json items_to_json(const std::vector<StatsItem>& items);
// `context` names the file in errors.
std::vector<StatsItem> items_from_json(const Json& json, const std::string& context);

}  // namespace rb::stats
