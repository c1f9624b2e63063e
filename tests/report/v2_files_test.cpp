#include "report/v2_files.h"

#include <gtest/gtest.h>

#include <cmath>
#include <sstream>

#include "common/error.h"
#include "python_runner.h"

namespace {

using rb::eval::V2ScoredPrompt;

V2ScoredPrompt scored(const std::string& id, const std::string& subset, int64_t num_correct,
                      std::vector<std::string> texts, std::vector<double> scores) {
  rb::eval::V2Row row;
  row.origin = "rb2.jsonl:1";
  row.id = id;
  row.subset = subset;
  row.num_correct = num_correct;
  for (size_t i = 0; i < texts.size(); ++i) {
    (static_cast<int64_t>(i) < num_correct ? row.chosen : row.rejected).push_back("raw");
  }
  row.total_completions = static_cast<int64_t>(texts.size());
  return rb::eval::make_v2_scored_prompt(row, std::move(texts), std::move(scores));
}

rb::report::ResultsMetadata metadata(std::optional<std::string> chat_template) {
  rb::report::ResultsMetadata meta;
  meta.model = "org/rm";
  meta.chat_template = std::move(chat_template);
  return meta;
}

TEST(V2Files, ResultsJsonHasTheSubsetsAndNoFinalScore) {
  rb::eval::V2Summary summary;
  summary.subsets = {{"Factuality", 2, 1.5, 0.75, false}, {"Ties", 2, 1.5, 0.5, true}};
  summary.final_score = 0.9;  // not written: run_v2.py's file has the subsets only
  EXPECT_EQ(rb::report::format_v2_results_json(summary, metadata("tokenizer")),
            "{\n"
            "    \"Factuality\": 0.75,\n"
            "    \"Ties\": 0.5,\n"
            "    \"chat_template\": \"tokenizer\",\n"
            "    \"model\": \"org/rm\",\n"
            "    \"model_type\": \"Seq. Classifier\"\n"
            "}");
  summary.subsets.push_back({"model", 1, 1.0, 1.0, false});
  EXPECT_THROW(rb::report::build_v2_results_json(summary, metadata("tokenizer")), rb::InputError);
}

std::vector<V2ScoredPrompt> two_prompts() {
  // Math: strict best -> 1.0; Ties row: a two-way tie at the top -> 0.5 (kept, not the composite).
  return {scored("1", "Math", 1, {"a", "b"}, {0.5, 0.25}),
          scored("tied:2", "Ties", 2, {"c\xC3\xA9", "d", "e\n"}, {1.0, 1.0, static_cast<double>(-0.1f)})};
}

const char* kExpectedScores =
    "{\n"
    "    \"chat_template\": null,\n"
    "    \"id\": [\n        \"1\",\n        \"tied:2\"\n    ],\n"
    "    \"model\": \"org/rm\",\n"
    "    \"model_type\": \"Seq. Classifier\",\n"
    "    \"num_correct\": [\n        1,\n        2\n    ],\n"
    "    \"results\": [\n        1.0,\n        0.5\n    ],\n"
    "    \"scores\": [\n"
    "        [\n            0.5,\n            0.25\n        ],\n"
    "        [\n            1.0,\n            1.0,\n            -0.10000000149011612\n        ]\n"
    "    ],\n"
    "    \"subset\": [\n        \"Math\",\n        \"Ties\"\n    ],\n"
    "    \"text\": [\n"
    "        [\n            \"a\",\n            \"b\"\n        ],\n"
    "        [\n            \"c\\u00e9\",\n            \"d\",\n            \"e\\n\"\n        ]\n"
    "    ]\n"
    "}";

TEST(V2Files, ScoresFileIsColumnOrientedByteExact) {
  EXPECT_EQ(rb::report::format_v2_scores_json(two_prompts(), metadata(std::nullopt)), kExpectedScores);
}

TEST(V2Files, ScoresFileMatchesPythonJsonDumps) {
  auto python = rb_test::run_python(
      "import json, struct\n"
      "f = struct.unpack('f', struct.pack('f', -0.1))[0]\n"
      "d = {'text': [['a', 'b'], ['c\\u00e9', 'd', 'e\\n']], 'scores': [[0.5, 0.25], [1.0, 1.0, f]],\n"
      "     'results': [1 / 1, 1 / 2], 'subset': ['Math', 'Ties'], 'id': ['1', 'tied:2'], 'num_correct': [1, 2],\n"
      "     'model': 'org/rm', 'model_type': 'Seq. Classifier', 'chat_template': None}\n"
      "print(json.dumps(d, indent=4, sort_keys=True), end='')\n");
  if (!python) GTEST_SKIP() << "python3 not available";
  EXPECT_EQ(rb::report::format_v2_scores_json(two_prompts(), metadata(std::nullopt)), *python);
}

TEST(V2Files, ResultsColumnTypeFollowsPandas) {
  // Every row lost: the column is int64 and the zeros are written as 0.
  std::vector<V2ScoredPrompt> lost = {scored("1", "Math", 1, {"a", "b"}, {0.0, 1.0}),
                                      scored("2", "Math", 1, {"a", "b"}, {0.0, 1.0})};
  auto file = rb::report::build_v2_scores_json(lost, metadata(std::nullopt));
  EXPECT_EQ(rb::report::python_json_dumps(file["results"]), "[0, 0]");
  // One win makes the whole column float: 0 becomes 0.0.
  lost.push_back(scored("3", "Math", 1, {"a", "b"}, {2.0, 1.0}));
  file = rb::report::build_v2_scores_json(lost, metadata(std::nullopt));
  EXPECT_EQ(rb::report::python_json_dumps(file["results"]), "[0.0, 0.0, 1.0]");
  // Rows of a lower-case "ties" subset get run_v2.py's write-back of None: NaN in a float column.
  lost.push_back(scored("ref:1", "ties", 1, {"a", "b"}, {2.0, 1.0}));
  file = rb::report::build_v2_scores_json(lost, metadata(std::nullopt));
  EXPECT_EQ(rb::report::python_json_dumps(file["results"]), "[0.0, 0.0, 1.0, NaN]");
}

TEST(V2Files, SummaryPrintsSubsetsTiesAndFinalScore) {
  std::vector<V2ScoredPrompt> rows;
  for (const auto& subset : rb::eval::v2_subsets()) {
    if (subset != "Ties") rows.push_back(scored("1", subset, 1, {"a", "b"}, {2.0, 2.0}));
  }
  rows.push_back(scored("tied:3", "Ties", 2, {"a", "b", "c"}, {2.0, 2.0, 1.0}));
  rows.push_back(scored("ref:3", "Ties", 1, {"a", "b"}, {4.0, 0.0}));
  std::ostringstream out;
  rb::report::print_v2_summary(out, rb::eval::summarize_v2(rows));
  std::string text = out.str();
  EXPECT_NE(text.find("Factuality: 0.5/1 (0.5)\n"), std::string::npos) << text;
  EXPECT_NE(text.find("Ties: Overall score 1.01\n"), std::string::npos) << text;
  EXPECT_NE(text.find("(1 paired prompts)"), std::string::npos) << text;
  // (0.5 * 5 + 1.01) / 6 summed left to right.
  double final_score = (((((0.5 + 0.5) + 0.5) + 0.5) + 0.5) + 1.01) / 6.0;
  EXPECT_NE(text.find("mean of the six subsets): " + rb::report::python_float_repr(final_score)), std::string::npos)
      << text;
}

}  // namespace
