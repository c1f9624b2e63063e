#include "report/outputs_file.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <unistd.h>

#include "python_runner.h"

namespace {

using rb::eval::Json;
using rb::eval::ScoredExample;

ScoredExample one_label_example() {
  ScoredExample example;
  example.subset = "alpacaeval-easy";
  example.id = 30;
  example.prompt = "<|user|>\nHi \xC3\xA9<|endoftext|>\n";
  example.text_chosen = "tc";
  example.text_rejected = "tr";
  example.scores_chosen = {0.5};
  example.scores_rejected = {-1.25};
  example.result = 1;
  example.columns = Json::object();
  example.columns["chosen"] = "c";
  example.columns["rejected"] = "r";
  example.columns["subset"] = "alpacaeval-easy";
  example.columns["id"] = 30;
  example.columns["results"] = 99;  // an input column named like ours never overwrites it
  return example;
}

TEST(OutputsFile, OneLinePerExampleInTheReferenceKeyOrder) {
  std::string text = rb::report::format_outputs_jsonl({one_label_example()});
  EXPECT_EQ(text,
            "{\"prompt\": \"<|user|>\\nHi \\u00e9<|endoftext|>\\n\", \"results\": 1, \"scores_chosen\": 0.5, "
            "\"scores_rejected\": -1.25, \"text_chosen\": \"tc\", \"text_rejected\": \"tr\", \"chosen\": \"c\", "
            "\"rejected\": \"r\", \"subset\": \"alpacaeval-easy\", \"id\": 30}\n");
}

TEST(OutputsFile, ScoresAreListsForSeveralLabelsAndNullForNone) {
  ScoredExample several = one_label_example();
  several.scores_chosen = {1.0, 0.25};
  several.scores_rejected = {1.0, 0.125};
  several.result = 1;
  ScoredExample none = one_label_example();
  none.scores_chosen.clear();
  none.scores_rejected.clear();
  none.result = 0;
  auto record = rb::report::output_record(several);
  EXPECT_EQ(record["scores_chosen"], Json::parse("[1.0, 0.25]"));
  std::string text = rb::report::format_outputs_jsonl({several, none});
  auto newline = text.find('\n');
  ASSERT_NE(newline, std::string::npos);
  EXPECT_NE(text.substr(0, newline).find("\"scores_chosen\": [1.0, 0.25], \"scores_rejected\": [1.0, 0.125]"),
            std::string::npos);
  EXPECT_NE(text.substr(newline + 1).find("\"results\": 0, \"scores_chosen\": null, \"scores_rejected\": null"),
            std::string::npos);
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 2);
}

TEST(OutputsFile, MatchesPythonJsonDump) {
  ScoredExample example = one_label_example();
  example.scores_chosen = {static_cast<double>(0.6826171875f)};
  example.scores_rejected = {static_cast<double>(-3.1415927f)};
  example.text_chosen = "emoji \xF0\x9F\xA4\x96 tab\t quote\" backslash\\ ctrl\x02";
  example.columns["meta"] = Json::parse(R"({"n": [1, 2.5e-7, null, false], "s": "\u4e2d"})");
  example.columns["chosen_model"] = "GPT-4";
  auto record = rb::report::output_record(example);
  // json.loads keeps key order, so Python dumps the same dict we built.
  std::string script = "import json, sys\nrecord = json.loads(" + Json(record.dump()).dump() +
                       ")\nsys.stdout.write(json.dumps(record) + '\\n')\n";
  auto python = rb_test::run_python(script);
  if (!python) GTEST_SKIP() << "python3 not available";
  EXPECT_EQ(rb::report::format_outputs_jsonl({example}), *python);
}

TEST(OutputsFile, WriteProducesTheFormattedText) {
  auto folder = std::filesystem::temp_directory_path() / ("rb_outputs_test_" + std::to_string(::getpid()));
  auto path = (folder / "org" / "m_outputs.jsonl").string();
  rb::report::write_outputs_jsonl(path, {one_label_example(), one_label_example()});
  std::ifstream in(path, std::ios::binary);
  std::ostringstream contents;
  contents << in.rdbuf();
  EXPECT_EQ(contents.str(), rb::report::format_outputs_jsonl({one_label_example(), one_label_example()}));
  std::filesystem::remove_all(folder);
}

}  // namespace
