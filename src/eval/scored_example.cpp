#include "eval/scored_example.h"

#include "eval/metrics.h"

namespace rb::eval {

ScoredExample make_scored_example(const PreferenceRow& row, RenderedTexts texts, std::vector<double> scores_chosen,
                                  std::vector<double> scores_rejected) {
  ScoredExample example;
  example.subset = row.subset;
  example.id = row.id;
  example.prompt = std::move(texts.prompt);
  example.text_chosen = std::move(texts.chosen);
  example.text_rejected = std::move(texts.rejected);
  example.result = pair_result(scores_chosen, scores_rejected);
  example.scores_chosen = std::move(scores_chosen);
  example.scores_rejected = std::move(scores_rejected);
  example.columns = row.columns;
  return example;
}

ScoredExample make_scored_example(const PreferenceRow& row, RenderedTexts texts, const std::vector<float>& scores_chosen,
                                  const std::vector<float>& scores_rejected) {
  return make_scored_example(row, std::move(texts), std::vector<double>(scores_chosen.begin(), scores_chosen.end()),
                             std::vector<double>(scores_rejected.begin(), scores_rejected.end()));
}

}  // namespace rb::eval
