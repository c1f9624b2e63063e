// End to end on real public text (AlpacaEval outputs in ../shared): pair GPT-4-1106's answer
// (chosen) with Alpaca-7B's (rejected) for the same instruction, score each text by its length
// (the "pick the longer answer" baseline), and check the loader, conversations, metrics and both
// output files against an independent Python computation over the same source files.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <unistd.h>

#include "common/error.h"
#include "eval/conversation.h"
#include "eval/metrics.h"
#include "io/json_file.h"
#include "python_runner.h"
#include "report/outputs_file.h"
#include "report/results_file.h"

namespace {

namespace fs = std::filesystem;
using rb::eval::Json;

fs::path alpaca_folder() { return fs::path(RB_SHARED_DIR) / "data" / "text" / "alpaca_eval"; }

TEST(RealData, AlpacaEvalArrayRowsKeepTheirLines) {
  fs::path file = alpaca_folder() / "alpaca-7b.json";
  if (!fs::exists(file)) GTEST_SKIP() << "shared data not available";
  auto rows = rb::io::read_json_rows(file.string());
  ASSERT_EQ(rows.size(), 805u);
  // Each element spans six lines ("  {", four fields, "  },") after the opening "[".
  EXPECT_EQ(rows[0].origin, file.string() + ":2");
  EXPECT_EQ(rows[1].origin, file.string() + ":8");
  EXPECT_EQ(rows[804].origin, file.string() + ":" + std::to_string(2 + 6 * 804));
  EXPECT_EQ(rows[0].value["generator"], "alpaca-7b");
}

TEST(RealData, LengthBaselineMatchesPython) {
  fs::path chosen_file = alpaca_folder() / "gpt4_1106_preview.json";
  fs::path rejected_file = alpaca_folder() / "alpaca-7b.json";
  if (!fs::exists(chosen_file) || !fs::exists(rejected_file)) GTEST_SKIP() << "shared data not available";
  auto chosen = rb::io::read_json_rows(chosen_file.string());
  auto rejected = rb::io::read_json_rows(rejected_file.string());
  ASSERT_EQ(chosen.size(), rejected.size());

  fs::path folder = fs::temp_directory_path() / ("rb_real_data_" + std::to_string(::getpid()));
  fs::create_directories(folder);
  fs::path pairs_file = folder / "pairs.jsonl";
  {
    std::ofstream pairs(pairs_file, std::ios::binary);
    for (size_t i = 0; i < chosen.size(); ++i) {
      ASSERT_EQ(chosen[i].value["instruction"], rejected[i].value["instruction"]);
      Json row = {{"instruction", chosen[i].value["instruction"]}, {"chosen", chosen[i].value["output"]},
                  {"rejected", rejected[i].value["output"]}, {"subset", chosen[i].value["dataset"]},
                  {"id", static_cast<int64_t>(i)}, {"chosen_model", "gpt4_1106_preview"},
                  {"rejected_model", "alpaca-7b"}};
      pairs << row.dump() << "\n";
    }
  }
  // `instruction` is neither prompt, question nor input: the loader must say so.
  EXPECT_THROW(rb::eval::load_preference_rows(pairs_file.string(), {}), rb::InputError);
  {
    std::ifstream in(pairs_file, std::ios::binary);
    std::ostringstream renamed;
    for (std::string line; std::getline(in, line);) {
      Json row = Json::parse(line);
      Json with_question = {{"question", row["instruction"]}};
      for (const auto& [key, value] : row.items()) {
        if (key != "instruction") with_question[key] = value;
      }
      renamed << with_question.dump() << "\n";
    }
    std::ofstream(pairs_file, std::ios::binary) << renamed.str();
  }

  auto rows = rb::eval::load_preference_rows(pairs_file.string(), {});
  ASSERT_EQ(rows.size(), 805u);
  std::vector<rb::eval::ScoredExample> examples;
  for (const auto& row : rows) {
    auto conversation = rb::eval::build_conversation(row);
    ASSERT_EQ(conversation.chosen_messages.size(), 2u);
    rb::eval::RenderedTexts texts{conversation.prompt_messages[0].content,
                                  conversation.prompt_messages[0].content + conversation.chosen_messages[1].content,
                                  conversation.prompt_messages[0].content + conversation.rejected_messages[1].content};
    examples.push_back(rb::eval::make_scored_example(row, texts, std::vector<double>{double(row.chosen.size())},
                                                     std::vector<double>{double(row.rejected.size())}));
  }
  auto summary = rb::eval::summarize(examples);
  rb::report::ResultsMetadata metadata;
  metadata.model = "length-baseline";
  rb::report::write_results_json((folder / "results.json").string(), summary, metadata);
  rb::report::write_outputs_jsonl((folder / "outputs.jsonl").string(), examples);

  std::string script = R"PY(
import json, sys
chosen = json.load(open(sys.argv[1], encoding='utf-8'))
rejected = json.load(open(sys.argv[2], encoding='utf-8'))
results = {}
lines = []
for i, (c, r) in enumerate(zip(chosen, rejected)):
    sc, sr = float(len(c['output'].encode())), float(len(r['output'].encode()))
    res = 1 if sc > sr else 0
    results.setdefault(c['dataset'], []).append(res)
    p = c['instruction']
    lines.append(json.dumps({'prompt': p, 'results': res, 'scores_chosen': sc, 'scores_rejected': sr,
                             'text_chosen': p + c['output'], 'text_rejected': p + r['output'],
                             'chosen': c['output'], 'rejected': r['output'], 'subset': c['dataset'], 'id': i,
                             'chosen_model': 'gpt4_1106_preview', 'rejected_model': 'alpaca-7b'}) + '\n')
out = {'model': 'length-baseline', 'model_type': 'Seq. Classifier', 'chat_template': None}
for s in sorted(results):
    out[s] = sum(results[s]) / len(results[s])
sys.stdout.write(json.dumps(out, indent=4, sort_keys=True) + '\n=====\n' + ''.join(lines))
)PY";
  std::string command_script = "import sys\nsys.argv = ['x', " + Json(chosen_file.string()).dump() + ", " +
                               Json(rejected_file.string()).dump() + "]\n" + script;
  auto python = rb_test::run_python(command_script);
  if (!python) {
    fs::remove_all(folder);
    GTEST_SKIP() << "python3 not available";
  }
  auto read = [](const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream contents;
    contents << in.rdbuf();
    return contents.str();
  };
  std::string ours = read(folder / "results.json") + "\n=====\n" + read(folder / "outputs.jsonl");
  EXPECT_EQ(ours, *python);
  EXPECT_GT(summary.accuracy, 0.5);  // GPT-4-1106 writes longer answers than Alpaca-7B
  fs::remove_all(folder);
}

}  // namespace
