#include "judge/judge_verdicts.h"

#include <algorithm>

#include "judge/prompt_texts.h"
#include "judge/scoring.h"
#include "judge/verdict_parser.h"

namespace rb::judge {
namespace {

Judgment read_answer(const JudgeExample& example, const JudgeCall& call, const RequestAnswer& answer,
                     PromptStyle style) {
  Judgment judgment;
  judgment.judge = call.judge;
  judgment.item = call.item;
  judgment.request_failed = !answer.ok;
  judgment.error = answer.error;
  judgment.text = answer.ok ? answer.text : prompts::kApiErrorOutput;
  if (example.rated) {
    judgment.parsed = parse_rating(judgment.text);
  } else {
    const auto& order = example.orders[call.item];
    judgment.parsed = parse_verdict(style, judgment.text, static_cast<int>(order.size()));
    judgment.picked = answer_of_slot(judgment.parsed, order);
  }
  return judgment;
}

void decide_pairwise(const JudgeExample& example, ExampleVerdict& verdict) {
  const size_t num_answers = example.answers.size();
  for (size_t o = 0; o < example.orders.size(); ++o) {
    std::vector<int> votes;
    for (const auto& judgment : verdict.judgments)
      if (judgment.item == o) votes.push_back(judgment.picked);
    verdict.picked_per_order.push_back(majority_vote(votes));
  }
  verdict.result = choice_score(verdict.picked_per_order.front(), static_cast<int>(num_answers));
  const auto& picks = verdict.picked_per_order;
  verdict.consistent = picks.front() >= 0 && std::all_of(picks.begin(), picks.end(), [&](int p) { return p == picks.front(); });
  verdict.consistently_correct = verdict.consistent && picks.front() == 0;
}

void decide_ratings(const JudgeExample& example, ExampleVerdict& verdict) {
  verdict.ratings.assign(example.answers.size(), -1);
  for (const auto& judgment : verdict.judgments) verdict.ratings[judgment.item] = judgment.parsed;
  if (example.ties) {
    verdict.result = 0.0;  // scored by the Ties composite over the ratings instead
  } else if (example.version == 1) {
    verdict.result = pair_rating_score(verdict.ratings[0], verdict.ratings[1]);
  } else {
    verdict.result = best_of_ratings_score(verdict.ratings);
  }
}

}  // namespace

ExampleVerdict decide_example(const JudgeExample& example, const std::vector<JudgeCall>& calls,
                              const std::vector<RequestAnswer>& answers, const std::vector<PromptStyle>& styles) {
  ExampleVerdict verdict;
  for (const auto& call : calls) {
    Judgment judgment = read_answer(example, call, answers[call.request], styles[call.judge]);
    if (judgment.request_failed) {
      ++verdict.request_failures;
    } else if (judgment.parsed < 0) {
      ++verdict.parse_failures;
    }
    verdict.judgments.push_back(std::move(judgment));
  }
  if (example.rated) {
    decide_ratings(example, verdict);
  } else {
    decide_pairwise(example, verdict);
  }
  return verdict;
}

std::vector<ExampleVerdict> decide_all(const JudgePlan& plan, const std::vector<RequestAnswer>& answers) {
  std::vector<std::vector<JudgeCall>> calls_of(plan.examples.size());
  for (const auto& call : plan.calls) calls_of[call.example].push_back(call);
  std::vector<ExampleVerdict> verdicts;
  verdicts.reserve(plan.examples.size());
  for (size_t e = 0; e < plan.examples.size(); ++e)
    verdicts.push_back(decide_example(plan.examples[e], calls_of[e], answers, plan.styles));
  return verdicts;
}

std::map<std::string, SubsetJudgeStats> subset_stats(const JudgePlan& plan, const std::vector<ExampleVerdict>& verdicts) {
  std::map<std::string, SubsetJudgeStats> stats;
  for (size_t e = 0; e < plan.examples.size(); ++e) {
    SubsetJudgeStats& entry = stats[plan.examples[e].subset];
    const ExampleVerdict& verdict = verdicts[e];
    ++entry.examples;
    entry.results_sum += verdict.result;
    entry.parse_failures += verdict.parse_failures;
    entry.request_failures += verdict.request_failures;
    entry.judged_in_orders += !plan.examples[e].rated;
    entry.consistent += verdict.consistent;
    entry.consistently_correct += verdict.consistently_correct;
  }
  return stats;
}

}  // namespace rb::judge
