#pragma once
// What a judge run asks: the examples (v1 preference pairs or RewardBench 2 prompts), the answer
// orders each is shown in, and the distinct requests, before anything is sent. Orders come from
// a hash of (seed, example id), not from a shared random stream, so they do not depend on
// scheduling, concurrency or which requests were already cached.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "eval/dataset.h"
#include "eval/v2_dataset.h"
#include "judge/chat_api.h"
#include "judge/judge_prompt.h"

namespace rb::judge {

struct JudgeSetup {
  int version = 1;       // 1: pairwise (two answers); 2: RewardBench 2 (four-way rankings)
  bool ratings = false;  // rate each answer 1-10 instead (always so for v2 Ties)
  bool debias = false;   // also judge the other order (v1) / every rotation (v2)
  uint64_t seed = 0;
  std::vector<std::string> models;         // one judge, or an odd number for a majority vote
  std::vector<ApiEndpoint> endpoints;      // one per model
  std::optional<PromptStyle> style;        // nullopt: by model name (ensembles: MT-Bench, as the reference)
};

struct JudgeExample {
  std::string origin;  // "file:line"
  std::string subset;
  eval::Json id;
  std::string question;
  // Index 0 is the chosen / correct answer. v1: whole conversations (prompt turns + answer);
  // v2: [user: prompt, assistant: completion].
  std::vector<eval::Messages> answers;
  int version = 1;          // 1: a v1 preference pair; 2: a RewardBench 2 prompt
  int64_t num_correct = 1;  // v2: answers before this index are correct
  bool ties = false;        // v2 Ties: rated with the Ties prompt, scored by the composite
  bool rated = false;       // judged by 1-10 ratings of each answer
  // Pairwise only: orders[k][slot] = the answer shown in that slot; orders[0] is the seeded one
  // that the reference-compatible score uses; the others exist in debias mode.
  std::vector<std::vector<int>> orders;
};

// One request's place: which example, which order (pairwise) or answer (ratings), which judge.
struct JudgeCall {
  size_t example = 0;
  size_t item = 0;  // order index or answer index
  size_t judge = 0;
  size_t request = 0;  // index into JudgePlan::requests
};

struct PlannedRequest {
  ChatRequest request;
  RequestKind kind = RequestKind::kVerdict;
  size_t judge = 0;
};

struct JudgePlan {
  std::vector<JudgeExample> examples;
  std::vector<JudgeCall> calls;          // grouped by example, in example order
  std::vector<PlannedRequest> requests;  // distinct requests (identical ones are asked once)
  std::vector<PromptStyle> styles;       // per judge
  size_t dropped_rows = 0;               // v1 conversations over 4 messages (the reference's max_turns=4)
};

// The seeded order of one example: v1 swaps the two answers or not; v2 swaps the correct answer
// into slot k (the reference's single transposition), k in 0..3.
std::vector<int> seeded_order(uint64_t seed, const eval::Json& id, int num_answers);
// Debias orders: v1 both orders; v2 the four rotations (slot s shows answer (s - r) mod 4); the
// seeded order first, no duplicates.
std::vector<std::vector<int>> judged_orders(uint64_t seed, const eval::Json& id, int num_answers, bool debias);

std::vector<JudgeExample> examples_from_v1(const std::vector<eval::PreferenceRow>& rows, const JudgeSetup& setup,
                                           size_t* dropped_rows);
std::vector<JudgeExample> examples_from_v2(const std::vector<eval::V2Row>& rows, const JudgeSetup& setup);

// Builds every prompt and request. Throws rb::InputError for combinations the reference cannot
// judge (ratings with an ensemble, multi-turn with ratings or a model-specific prompt).
JudgePlan plan_requests(std::vector<JudgeExample> examples, const JudgeSetup& setup);

}  // namespace rb::judge
