#pragma once
// Preference rows -> the three texts the reference renders for each (prompt, chosen, rejected).
#include <vector>

#include "eval/dataset.h"
#include "eval/scored_example.h"
#include "pipeline/text_builder.h"

namespace rb::pipeline {

// Renders every row; a template that raises becomes an rb::InputError naming the row.
std::vector<eval::RenderedTexts> render_pairs(const std::vector<eval::PreferenceRow>& rows, const TextBuilder& builder);

}  // namespace rb::pipeline
