#include "judge/judge_outputs.h"

#include <algorithm>
#include <cstdio>

namespace rb::judge {
namespace {

using report::Json;

Json nullable(int value) { return value < 0 ? Json(nullptr) : Json(value); }

Json judgment_record(const Judgment& judgment, const JudgeExample& example, const std::vector<std::string>& models) {
  Json record = {{"judge", models[judgment.judge]}};
  if (example.rated) {
    record["answer"] = judgment.item;
    record["rating"] = nullable(judgment.parsed);
  } else {
    record["order"] = judgment.item;
    record["verdict"] = judgment.parsed < 0 ? Json(nullptr) : Json(std::string(1, static_cast<char>('A' + judgment.parsed)));
    record["picked"] = nullable(judgment.picked);
  }
  record["parse_failed"] = !judgment.request_failed && judgment.parsed < 0;
  record["request_failed"] = judgment.request_failed;
  if (judgment.request_failed) record["error"] = judgment.error;
  record["text"] = judgment.text;
  return record;
}

}  // namespace

std::string format_verdicts_jsonl(const JudgePlan& plan, const std::vector<ExampleVerdict>& verdicts,
                                  const std::vector<std::string>& models) {
  std::string out;
  for (size_t e = 0; e < plan.examples.size(); ++e) {
    const JudgeExample& example = plan.examples[e];
    const ExampleVerdict& verdict = verdicts[e];
    Json record = {{"id", example.id}, {"subset", example.subset}};
    if (example.ties) {
      record["results"] = nullptr;  // the Ties composite scores the subset, not single rows
    } else {
      record["results"] = verdict.result;
    }
    if (example.rated) {
      record["ratings"] = verdict.ratings;
    } else {
      record["orders"] = example.orders;
      Json picks = Json::array();
      for (int pick : verdict.picked_per_order) picks.push_back(nullable(pick));
      record["picked"] = picks;
      if (example.orders.size() > 1) record["consistent"] = verdict.consistent;
    }
    if (example.version == 2) record["num_correct"] = example.num_correct;
    Json judgments = Json::array();
    for (const auto& judgment : verdict.judgments) judgments.push_back(judgment_record(judgment, example, models));
    record["judgments"] = std::move(judgments);
    out += report::python_json_dumps(record) + "\n";
  }
  return out;
}

Json build_judge_metrics(const std::map<std::string, SubsetJudgeStats>& stats, const std::map<std::string, double>& scores,
                         bool debias, size_t dropped_rows) {
  Json subsets = Json::object();
  size_t parse_failures = 0, request_failures = 0, examples = 0;
  for (const auto& [name, entry] : stats) {
    Json subset = {{"examples", entry.examples},
                   {"score", scores.count(name) ? scores.at(name) : entry.results_sum / double(entry.examples)},
                   {"parse_failures", entry.parse_failures},
                   {"request_failures", entry.request_failures}};
    if (debias && entry.judged_in_orders > 0) {
      subset["position_consistency"] = double(entry.consistent) / double(entry.judged_in_orders);
      subset["consistent_accuracy"] = double(entry.consistently_correct) / double(entry.judged_in_orders);
    }
    subsets[name] = std::move(subset);
    parse_failures += entry.parse_failures;
    request_failures += entry.request_failures;
    examples += entry.examples;
  }
  return Json{{"subsets", std::move(subsets)},
              {"examples", examples},
              {"parse_failures", parse_failures},
              {"request_failures", request_failures},
              {"dropped_rows", dropped_rows}};
}

void print_judge_summary(std::ostream& out, const Json& metrics) {
  char line[256];
  std::snprintf(line, sizeof line, "%-28s %8s %9s %7s %8s\n", "subset", "score", "examples", "parse", "request");
  out << line;
  for (const auto& [name, subset] : metrics["subsets"].items()) {
    std::snprintf(line, sizeof line, "%-28s %8.4f %9zu %7zu %8zu", name.c_str(), subset["score"].get<double>(),
                  subset["examples"].get<size_t>(), subset["parse_failures"].get<size_t>(),
                  subset["request_failures"].get<size_t>());
    out << line;
    if (subset.contains("position_consistency"))
      out << "  consistency " << subset["position_consistency"].get<double>() << ", consistent accuracy "
          << subset["consistent_accuracy"].get<double>();
    out << "\n";
  }
  out << "(parse = answers without a verdict, request = requests that failed after every retry)\n";
}

namespace {

// The reference's API model lists (rewardbench/generative.py and generative_v2.py), used only for
// the org prefix of the results name.
const std::vector<std::string> kOpenAIModels = {
    "gpt-3.5-turbo", "gpt-3.5-turbo-0301", "gpt-3.5-turbo-0613", "gpt-3.5-turbo-1106", "gpt-3.5-turbo-0125",
    "gpt-4", "gpt-4-0314", "gpt-4-0613", "gpt-4-turbo", "gpt-4-1106-preview", "gpt-4-0125-preview",
    "gpt-4-turbo-2024-04-09", "gpt-4o-2024-05-13", "gpt-4o-mini-2024-07-18", "gpt-4o-2024-08-06",
    "o1-preview-2024-09-12", "o1-mini-2024-09-12", "gpt-4.1-mini-2025-04-14", "gpt-4.1-nano-2025-04-14",
    "gpt-4.1-2025-04-14"};
const std::vector<std::string> kAnthropicModels = {
    "claude-1", "claude-2", "claude-2.0", "claude-2.1", "claude-instant-1", "claude-instant-1.2",
    "claude-3-opus-20240229", "claude-3-sonnet-20240229", "claude-3-haiku-20240307", "claude-3-5-sonnet-20240620",
    "claude-3-7-sonnet-20250219", "claude-opus-4-20250514", "claude-sonnet-4-20250514"};
const std::vector<std::string> kGeminiModels = {
    "gemini-1.5-flash-001", "gemini-1.5-pro-001", "gemini-1.5-pro-exp-0801", "gemini-1.5-pro-exp-0827",
    "gemini-1.5-flash-exp-0827", "gemini-1.5-flash-8b", "gemini-1.5-flash-8b-exp-0827", "gemini-2.0-flash",
    "gemini-2.0-flash-lite", "gemini-2.5-pro-preview-05-06", "gemini-2.5-flash-preview-04-17",
    "gemini-3-pro-preview", "gemini-3-flash-preview"};

bool listed(const std::vector<std::string>& list, const std::string& name) {
  return std::find(list.begin(), list.end(), name) != list.end();
}

}  // namespace

std::string judge_model_label(const std::vector<std::string>& models) {
  if (models.size() > 1) {
    std::string joined;
    for (const auto& model : models) joined += (joined.empty() ? "" : "_") + model;
    return "PoLL/" + joined;
  }
  const std::string& model = models.at(0);
  if (listed(kOpenAIModels, model)) return "openai/" + model;
  if (listed(kAnthropicModels, model)) return "anthropic/" + model;
  if (listed(kGeminiModels, model)) return "google/" + model;
  return model;
}

eval::EvalSummary judge_v1_summary(const std::map<std::string, SubsetJudgeStats>& stats,
                                   std::map<std::string, double>& scores) {
  std::vector<eval::SubsetAccuracy> accuracies;
  for (const auto& [name, entry] : stats) {
    eval::SubsetAccuracy accuracy;
    accuracy.subset = name;
    accuracy.num_total = static_cast<int64_t>(entry.examples);
    accuracy.num_correct = static_cast<int64_t>(entry.results_sum);  // whole wins; halves are in accuracy
    accuracy.accuracy = entry.results_sum / static_cast<double>(entry.examples);
    scores[name] = accuracy.accuracy;
    accuracies.push_back(accuracy);
  }
  return eval::summarize_accuracies(std::move(accuracies));
}

eval::V2Summary judge_v2_summary(const JudgePlan& plan, const std::vector<ExampleVerdict>& verdicts,
                                 std::map<std::string, double>& scores) {
  std::vector<eval::V2ScoredPrompt> prompts;
  for (size_t e = 0; e < plan.examples.size(); ++e) {
    const JudgeExample& example = plan.examples[e];
    eval::V2ScoredPrompt prompt;
    prompt.id = example.id.is_string() ? example.id.get<std::string>() : example.id.dump();
    prompt.subset = example.subset;
    prompt.num_correct = example.num_correct;
    for (int rating : verdicts[e].ratings) prompt.scores.push_back(rating);
    prompt.result = verdicts[e].result;
    prompts.push_back(std::move(prompt));
  }
  const eval::V2Summary summary = eval::summarize_v2(prompts);
  for (const auto& subset : summary.subsets) scores[subset.subset] = subset.score;
  return summary;
}

}  // namespace rb::judge
