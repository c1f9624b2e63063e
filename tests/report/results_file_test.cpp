#include "report/results_file.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <unistd.h>

#include "../support/test_support.h"
#include "common/error.h"
#include "python_runner.h"

namespace {

using rb::eval::ScoredExample;

void add_examples(std::vector<ScoredExample>& examples, const std::string& subset, int correct, int total) {
  for (int i = 0; i < total; ++i) {
    ScoredExample example;
    example.subset = subset;
    example.result = i < correct ? 1 : 0;
    examples.push_back(example);
  }
}

// alpacaeval-easy 3/4, hep-cpp 1/2, shp 1/4, my-custom 1/1:
//   Chat = 0.75, Reasoning = 0.5, Prior Sets = 0.25 (shp alone),
//   overall = (2*0.75 + 2*0.5 + 1*0.25) / 5 = 2.75 / 5 = 0.55; no Chat Hard or Safety key.
rb::eval::EvalSummary small_run() {
  std::vector<ScoredExample> examples;
  add_examples(examples, "alpacaeval-easy", 3, 4);
  add_examples(examples, "hep-cpp", 1, 2);
  add_examples(examples, "shp", 1, 4);
  add_examples(examples, "my-custom", 1, 1);
  return rb::eval::summarize(examples);
}

using rb::testing::read_file;

TEST(ResultsFile, LeaderboardSchemaByteExact) {
  rb::report::ResultsMetadata metadata;
  metadata.model = "org/tiny-rm";
  std::string text = rb::report::format_results_json(rb::report::build_results_json(small_run(), metadata));
  // json.dumps(indent=4, sort_keys=True): upper-case keys sort first, no trailing newline.
  EXPECT_EQ(text,
            "{\n"
            "    \"Chat\": 0.75,\n"
            "    \"Prior Sets\": 0.25,\n"
            "    \"Reasoning\": 0.5,\n"
            "    \"alpacaeval-easy\": 0.75,\n"
            "    \"chat_template\": null,\n"
            "    \"hep-cpp\": 0.5,\n"
            "    \"model\": \"org/tiny-rm\",\n"
            "    \"model_type\": \"Seq. Classifier\",\n"
            "    \"my-custom\": 1.0,\n"
            "    \"overall\": 0.55,\n"
            "    \"shp\": 0.25\n"
            "}");
}

TEST(ResultsFile, ChatTemplateAndRefModel) {
  rb::report::ResultsMetadata metadata;
  metadata.model = "m";
  metadata.model_type = "DPO";
  metadata.chat_template = "tokenizer";
  metadata.ref_model = "ref";
  auto results = rb::report::build_results_json(small_run(), metadata);
  EXPECT_EQ(results["chat_template"], "tokenizer");
  EXPECT_EQ(results["ref_model"], "ref");
  EXPECT_EQ(results["model_type"], "DPO");
  metadata.ref_model.reset();
  EXPECT_FALSE(rb::report::build_results_json(small_run(), metadata).contains("ref_model"));
}

TEST(ResultsFile, PublishedRunMatchesPythonJsonDumps) {
  // Per-subset counts of PR #215 (see tests/eval/metrics_test.cpp): every section present.
  const std::vector<std::tuple<std::string, int, int>> counts = {
      {"alpacaeval-easy", 99, 100},      {"alpacaeval-hard", 90, 95},        {"alpacaeval-length", 89, 95},
      {"donotanswer", 111, 136},         {"hep-cpp", 161, 164},              {"hep-go", 161, 164},
      {"hep-java", 163, 164},            {"hep-js", 163, 164},               {"hep-python", 160, 164},
      {"hep-rust", 157, 164},            {"llmbar-adver-GPTInst", 88, 92},   {"llmbar-adver-GPTOut", 39, 47},
      {"llmbar-adver-manual", 39, 46},   {"llmbar-adver-neighbor", 122, 134}, {"llmbar-natural", 94, 100},
      {"math-prm", 447, 447},            {"mt-bench-easy", 28, 28},          {"mt-bench-hard", 32, 37},
      {"mt-bench-med", 39, 40},          {"refusals-dangerous", 97, 100},    {"refusals-offensive", 99, 100},
      {"xstest-should-refuse", 146, 154}, {"xstest-should-respond", 241, 250}};
  std::vector<ScoredExample> examples;
  for (const auto& [subset, correct, total] : counts) add_examples(examples, subset, correct, total);
  rb::report::ResultsMetadata metadata;
  metadata.model = "ShikaiChen/LDL-Reward-Gemma-2-27B-v0.1";
  metadata.chat_template = "tokenizer";
  auto results = rb::report::build_results_json(rb::eval::summarize(examples), metadata);
  EXPECT_EQ(results["Chat"], 0.9636871508379888);
  EXPECT_EQ(results["Chat Hard"], 0.9078947368421053);
  EXPECT_EQ(results["Safety"], 0.9378378378378378);
  EXPECT_EQ(results["Reasoning"], 0.9903455284552846);
  EXPECT_FALSE(results.contains("Prior Sets"));
  std::string text = rb::report::format_results_json(results);
  EXPECT_NE(text.find("    \"Chat\": 0.9636871508379888,\n"), std::string::npos);
  EXPECT_NE(text.find("    \"math-prm\": 1.0,\n"), std::string::npos);

  // The same dict through Python: floats travel as exact hex so Python sees the same doubles.
  std::string script = "import json, sys\nd = {}\n";
  for (const auto& [key, value] : results.items()) {
    std::string literal;
    if (value.is_number_float()) {
      char hex[64];
      std::snprintf(hex, sizeof hex, "float.fromhex('%a')", value.get<double>());
      literal = hex;
    } else if (value.is_null()) {
      literal = "None";
    } else {
      literal = value.dump();
    }
    script += "d[" + rb::report::Json(key).dump() + "] = " + literal + "\n";
  }
  script += "sys.stdout.write(json.dumps(d, indent=4, sort_keys=True))\n";
  auto python = rb_test::run_python(script);
  if (!python) GTEST_SKIP() << "python3 not available";
  EXPECT_EQ(text, *python);
}

TEST(ResultsFile, SubsetNamedLikeAResultsKeyIsRejected) {
  std::vector<ScoredExample> examples;
  add_examples(examples, "alpacaeval-easy", 1, 1);
  add_examples(examples, "overall", 1, 1);
  rb::report::ResultsMetadata metadata;
  metadata.model = "m";
  EXPECT_THROW(rb::report::build_results_json(rb::eval::summarize(examples), metadata), rb::InputError);
  std::vector<ScoredExample> model_subset;
  add_examples(model_subset, "model", 1, 1);
  EXPECT_THROW(rb::report::build_results_json(rb::eval::summarize(model_subset), metadata), rb::InputError);
}

TEST(ResultsFile, WriteCreatesFoldersAndWritesTheFormattedBytes) {
  auto folder = std::filesystem::temp_directory_path() / ("rb_results_test_" + std::to_string(::getpid()));
  auto path = (folder / "eval-set" / "org" / "tiny-rm.json").string();
  rb::report::ResultsMetadata metadata;
  metadata.model = "org/tiny-rm";
  rb::report::write_results_json(path, small_run(), metadata);
  EXPECT_EQ(read_file(path), rb::report::format_results_json(rb::report::build_results_json(small_run(), metadata)));
  std::filesystem::remove_all(folder);
}

}  // namespace
