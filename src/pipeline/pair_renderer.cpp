#include "pipeline/pair_renderer.h"

#include "common/error.h"
#include "eval/conversation.h"

namespace rb::pipeline {

std::vector<eval::RenderedTexts> render_pairs(const std::vector<eval::PreferenceRow>& rows, const TextBuilder& builder) {
  std::vector<eval::RenderedTexts> texts;
  texts.reserve(rows.size());
  for (const auto& row : rows) {
    try {
      texts.push_back(builder.render(eval::build_conversation(row)));
    } catch (const TemplateError& e) {
      throw InputError(row.origin + ": the chat template raised: " + e.what());
    }
  }
  return texts;
}

}  // namespace rb::pipeline
