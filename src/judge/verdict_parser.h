#pragma once
// Reading the judge's answer the way the reference's process_judgement / con_j_evaluate /
// _get_single_rating read it. A verdict is the display slot the judge picked (0 = A, 1 = B, ...)
// or kNoVerdict when the text does not parse (the reference's "error"/"None").
#include <string>

#include "judge/judge_prompt.h"

namespace rb::judge {

inline constexpr int kNoVerdict = -1;

// `num_slots` is 2 (v1) or 4 (v2): letters past it never parse.
//   default  first of "[[A]]", "[[B]]" (, "[[C]]", "[[D]]") contained, in that order
//   prometheus  needs "[RESULT]" anywhere; then the LAST character must be a slot letter
//   offsetbias  first of "Output (a)", "Output (b)", ... contained
//   atla     regex \*\*Result:\*\*\s*(\w+); the captured word must be exactly a slot letter
//   con-j    JSON / keyword extraction of "更好的回答" (1 -> A, 2 -> B, 3 -> C, 4 -> D)
int parse_verdict(PromptStyle style, const std::string& judgment, int num_slots);

// Con-J's multi-stage extraction alone (exposed for tests).
int parse_con_j_verdict(const std::string& judgment, int num_slots);

// A trailing rating 1..10: re.search(r"\b([1-9]|10)\b\s*$", text.strip()); -1 when absent, for
// an empty text and for the reference's failure text "$ERROR$".
int parse_rating(const std::string& judgment);

}  // namespace rb::judge
