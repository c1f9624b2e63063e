#include "report/instruction_outputs.h"

#include <gtest/gtest.h>

#include "python_runner.h"

namespace {

rb::eval::InstructionRow row_from(const std::string& json) {
  return rb::eval::parse_instruction_row(rb::io::JsonRow{rb::eval::Json::parse(json), "sft.jsonl:3"});
}

TEST(InstructionOutputs, PromptResultsTextThenInputColumns) {
  auto row = row_from(R"({"id": 7, "messages": [{"role": "system", "content": "Be brief."},
                          {"role": "user", "content": "Hi \u00e9"}], "text": "old", "source": "x"})");
  auto scored = rb::report::make_scored_instruction(row, row.prompt, "<s>rendered</s>", {0.25});
  EXPECT_EQ(rb::report::format_instruction_outputs_jsonl({scored}),
            "{\"prompt\": \"Be brief.\", \"results\": 0.25, \"text\": \"<s>rendered</s>\", \"id\": 7, "
            "\"messages\": [{\"role\": \"system\", \"content\": \"Be brief.\"}, {\"role\": \"user\", \"content\": "
            "\"Hi \\u00e9\"}], \"source\": \"x\"}\n");
  auto multi = rb::report::make_scored_instruction(row, "p", "t", {1.0, -2.5});
  EXPECT_EQ(rb::report::instruction_output_record(multi)["results"], rb::report::Json({1.0, -2.5}));
}

TEST(InstructionOutputs, MatchesPythonJsonDump) {
  auto row = row_from(R"({"messages": [{"role": "user", "content": "q\"\n"}], "question": "gone", "meta": {"k": [1, 2.5]}})");
  auto scored = rb::report::make_scored_instruction(row, row.prompt, "T", {-0.10000000149011612});
  auto python = rb_test::run_python(
      "import json\n"
      "print(json.dumps({'prompt': 'q\"\\n', 'results': -0.10000000149011612, 'text': 'T',\n"
      "                  'messages': [{'role': 'user', 'content': 'q\"\\n'}], 'meta': {'k': [1, 2.5]}}))\n");
  if (!python) GTEST_SKIP() << "python3 not available";
  EXPECT_EQ(rb::report::format_instruction_outputs_jsonl({scored}), *python);
}

}  // namespace
