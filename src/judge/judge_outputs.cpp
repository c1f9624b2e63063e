#include "judge/judge_outputs.h"

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

}  // namespace rb::judge
