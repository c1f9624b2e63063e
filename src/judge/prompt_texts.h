#pragma once
// The judge prompts of the reference, verbatim: they define the benchmark, so they are data, not
// code to improve. v1 texts come from rewardbench/generative.py, v2 (four answers) from
// rewardbench/generative_v2.py. Templates use Python str.format fields ({name}, {{ and }}), filled
// by python_format() exactly as the reference's .format() calls fill them.
namespace rb::judge::prompts {

// v1, two answers. Default MT-Bench "pair-v2" prompt: system + user template.
extern const char* const kPairSystem;
extern const char* const kPairTemplate;            // {question} {answer_a} {answer_b}
// Two-turn conversations ("pair-v2-multi-turn").
extern const char* const kPairMultiTurnSystem;
extern const char* const kPairMultiTurnTemplate;   // {question_1} {question_2} {answer_a_1} ... {answer_b_2}
// Gemini: no system prompt; this verdict-only text is prepended to the user prompt.
extern const char* const kPairGeminiPreamble;
// Model-specific judges (substring of the model name selects them; see judge_prompt.h).
extern const char* const kPrometheusSystem;
extern const char* const kPrometheusRubric;
extern const char* const kPrometheusPairTemplate;  // {orig_instruction} {response_A} {response_B} {score_rubric}
extern const char* const kOffsetBiasPairTemplate;  // {instruction} {output_1} {output_2}
extern const char* const kConJPairTemplate;        // {instruction} {output_1} {output_2}
extern const char* const kRiseJudgePairTemplate;   // {instruction} {output_1} {output_2}
extern const char* const kAtlaPairTemplate;        // {user_input} {assistant_response_a} {assistant_response_b}
// Absolute 1-10 ratings of one answer ({prompt} {completion}); the Ties variant for RewardBench 2 Ties.
extern const char* const kRatingTemplate;
extern const char* const kRatingTiesTemplate;

// v2, four answers.
extern const char* const kFourSystem;
extern const char* const kFourTemplate;            // {question} {answer_a} .. {answer_d}
extern const char* const kFourGeminiPreamble;
extern const char* const kPrometheusFourTemplate;  // ... {response_C} {response_D}
extern const char* const kOffsetBiasFourTemplate;  // {instruction} {output_1} .. {output_4}
extern const char* const kConJFourTemplate;
extern const char* const kRiseJudgeFourTemplate;
extern const char* const kAtlaFourTemplate;        // ... {assistant_response_c} {assistant_response_d}

// What the reference's API helpers return when every attempt failed.
inline constexpr const char* kApiErrorOutput = "$ERROR$";

}  // namespace rb::judge::prompts
