#include "judge/judge_plan.h"

#include <algorithm>
#include <array>
#include <unordered_map>
#include <utility>

#include "common/error.h"
#include "eval/conversation.h"
#include "common/sha256.h"

namespace rb::judge {
namespace {

uint64_t order_hash(uint64_t seed, const eval::Json& id) {
  const auto digest = sha256("rb-judge-order\n" + std::to_string(seed) + "\n" + id.dump());
  uint64_t value = 0;
  for (int i = 0; i < 8; ++i) value = (value << 8) | digest[static_cast<size_t>(i)];
  return value;
}

eval::Messages single_turn(const std::string& prompt, const std::string& completion) {
  return {{"user", prompt}, {"assistant", completion}};
}

PromptStyle style_for(const JudgeSetup& setup, size_t judge) {
  if (setup.style) return *setup.style;
  // The reference's ensembles call each judge without the model modifier.
  return setup.models.size() > 1 ? PromptStyle::kMtBench : prompt_style_for_model(setup.models[judge]);
}

ChatPrompt pairwise_prompt(const JudgeExample& example, const std::vector<int>& order, PromptStyle style) {
  if (order.size() == 2)
    return build_pair_prompt(style, example.answers[static_cast<size_t>(order[0])],
                             example.answers[static_cast<size_t>(order[1])]);
  std::array<std::string, 4> shown;
  for (size_t slot = 0; slot < 4; ++slot) shown[slot] = example.answers[static_cast<size_t>(order[slot])].back().content;
  return build_four_prompt(style, example.question, shown);
}

void check_setup(const JudgeSetup& setup) {
  if (setup.models.empty()) throw InputError("judge: no judge model given");
  if (setup.models.size() % 2 == 0)
    throw InputError("judge: an ensemble needs an odd number of judges for a majority vote, got " +
                     std::to_string(setup.models.size()));
  if (setup.endpoints.size() != setup.models.size()) throw InputError("judge: one endpoint per judge model expected");
  if (setup.version != 1 && setup.version != 2) throw InputError("judge: benchmark version must be 1 or 2");
}

}  // namespace

std::vector<int> seeded_order(uint64_t seed, const eval::Json& id, int num_answers) {
  const uint64_t hash = order_hash(seed, id);
  std::vector<int> order(static_cast<size_t>(num_answers));
  for (int i = 0; i < num_answers; ++i) order[static_cast<size_t>(i)] = i;
  const size_t slot = static_cast<size_t>(hash % static_cast<uint64_t>(num_answers));
  std::swap(order[0], order[slot]);
  return order;
}

std::vector<std::vector<int>> judged_orders(uint64_t seed, const eval::Json& id, int num_answers, bool debias) {
  std::vector<std::vector<int>> orders = {seeded_order(seed, id, num_answers)};
  if (!debias) return orders;
  for (int rotation = 0; rotation < num_answers; ++rotation) {
    std::vector<int> order(static_cast<size_t>(num_answers));
    for (int slot = 0; slot < num_answers; ++slot)
      order[static_cast<size_t>(slot)] = ((slot - rotation) % num_answers + num_answers) % num_answers;
    if (std::find(orders.begin(), orders.end(), order) == orders.end()) orders.push_back(std::move(order));
  }
  return orders;
}

std::vector<JudgeExample> examples_from_v1(const std::vector<eval::PreferenceRow>& rows, const JudgeSetup& setup,
                                           size_t* dropped_rows) {
  std::vector<JudgeExample> examples;
  size_t dropped = 0;
  for (const auto& row : rows) {
    eval::Conversation conversation = eval::build_conversation(row);
    // load_eval_dataset(max_turns=4) drops longer conversations before judging.
    if (conversation.chosen_messages.size() > 4) {
      ++dropped;
      continue;
    }
    JudgeExample example;
    example.origin = row.origin;
    example.subset = row.subset;
    example.id = row.id;
    example.question = conversation.chosen_messages.front().content;
    example.answers = {std::move(conversation.chosen_messages), std::move(conversation.rejected_messages)};
    example.rated = setup.ratings;
    if (!example.rated) example.orders = judged_orders(setup.seed, row.id, 2, setup.debias);
    examples.push_back(std::move(example));
  }
  if (dropped_rows) *dropped_rows = dropped;
  return examples;
}

std::vector<JudgeExample> examples_from_v2(const std::vector<eval::V2Row>& rows, const JudgeSetup& setup) {
  std::vector<JudgeExample> examples;
  for (const auto& row : rows) {
    JudgeExample example;
    example.origin = row.origin;
    example.subset = row.subset;
    example.id = row.id;
    example.question = row.prompt;
    example.version = 2;
    example.num_correct = row.num_correct;
    example.ties = eval::is_ties_subset(row.subset);
    example.rated = setup.ratings || example.ties;
    if (example.rated) {
      for (size_t i = 0; i < row.completion_count(); ++i) example.answers.push_back(single_turn(row.prompt, row.completion(i)));
    } else {
      // run_judge_four shows texts_chosen[0] and texts_rejected[0..2].
      if (row.chosen.empty() || row.rejected.size() < 3)
        throw InputError(row.origin + ": four-way judging needs 1 chosen and 3 rejected completions, got " +
                         std::to_string(row.chosen.size()) + " and " + std::to_string(row.rejected.size()));
      example.answers.push_back(single_turn(row.prompt, row.chosen[0]));
      for (size_t i = 0; i < 3; ++i) example.answers.push_back(single_turn(row.prompt, row.rejected[i]));
      example.orders = judged_orders(setup.seed, example.id, 4, setup.debias);
    }
    examples.push_back(std::move(example));
  }
  return examples;
}

JudgePlan plan_requests(std::vector<JudgeExample> examples, const JudgeSetup& setup) {
  check_setup(setup);
  JudgePlan plan;
  for (size_t judge = 0; judge < setup.models.size(); ++judge) plan.styles.push_back(style_for(setup, judge));
  std::unordered_map<std::string, size_t> request_of_key;

  auto add_call = [&](size_t example, size_t item, size_t judge, const ChatPrompt& prompt, RequestKind kind) {
    ChatRequest request = build_chat_request(setup.endpoints[judge], setup.models[judge], prompt, kind);
    auto [it, inserted] = request_of_key.emplace(request.cache_key, plan.requests.size());
    if (inserted) plan.requests.push_back({std::move(request), kind, judge});
    plan.calls.push_back({example, item, judge, it->second});
  };

  for (size_t e = 0; e < examples.size(); ++e) {
    const JudgeExample& example = examples[e];
    if (example.rated) {
      if (setup.models.size() > 1)
        throw InputError(example.origin + ": ratings need a single judge (the reference has no rating ensembles)");
      if (example.answers.front().size() > 2)
        throw InputError(example.origin + ": ratings do not support multi-turn prompts (as in the reference)");
      for (size_t a = 0; a < example.answers.size(); ++a)
        add_call(e, a, 0, build_rating_prompt(example.question, example.answers[a].back().content, example.ties),
                 RequestKind::kRating);
      continue;
    }
    for (size_t o = 0; o < example.orders.size(); ++o)
      for (size_t judge = 0; judge < setup.models.size(); ++judge) {
        try {
          add_call(e, o, judge, pairwise_prompt(example, example.orders[o], plan.styles[judge]), RequestKind::kVerdict);
        } catch (const InputError& error) {
          throw InputError(example.origin + ": " + error.what());
        }
      }
  }
  plan.examples = std::move(examples);
  return plan;
}

}  // namespace rb::judge
