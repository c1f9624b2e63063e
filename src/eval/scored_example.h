#pragma once
// One evaluated preference pair: what the CLI hands to metrics and to the output writers after it
// rendered the conversation with a chat template and scored both texts with a reward model.
#include <string>
#include <vector>

#include "eval/dataset.h"

namespace rb::eval {

struct RenderedTexts {
  std::string prompt;    // the prompt turns rendered without a generation prompt
  std::string chosen;    // prompt + chosen answer
  std::string rejected;  // prompt + rejected answer
};

struct ScoredExample {
  std::string subset;
  Json id;
  std::string prompt;  // rendered prompt (the reference writes this, not the raw prompt)
  std::string text_chosen;
  std::string text_rejected;
  std::vector<double> scores_chosen;    // one value per label (num_labels of the model)
  std::vector<double> scores_rejected;
  int result = 0;                       // 1 if chosen beats rejected (see metrics.h), else 0
  Json columns = Json::object();        // the row's other input columns, echoed to outputs
};

// Fills a ScoredExample and decides `result`. Scores are widened to double exactly as the
// reference's `.float().numpy().tolist()` widens float32 logits to Python floats.
ScoredExample make_scored_example(const PreferenceRow& row, RenderedTexts texts, std::vector<double> scores_chosen,
                                  std::vector<double> scores_rejected);
ScoredExample make_scored_example(const PreferenceRow& row, RenderedTexts texts, const std::vector<float>& scores_chosen,
                                  const std::vector<float>& scores_rejected);

}  // namespace rb::eval
