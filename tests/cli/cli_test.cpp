// Runs build/rewardbench as a user would. The model is the demo's tiny random-weight Llama (made
// in a temp folder by the same code `rewardbench demo` uses); each bad-input case corrupts one thing.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>

#include <nlohmann/json.hpp>

#include "../support/test_support.h"
#include "app/demo_assets.h"

namespace {
namespace fs = std::filesystem;
using rb::testing::run_command;
using rb::testing::shell_quote;

const std::string kProgram = std::string(RB_BINARY_DIR) + "/rewardbench";

struct ProgramRun {
  int status;
  std::string output;  // stdout and stderr together
};

// `assignment`: environment for this run only ("NAME=value"), or empty.
ProgramRun rewardbench_with_env(const std::string& assignment, const std::string& args) {
  const std::string env = assignment.empty() ? "" : "env " + assignment + " ";
  auto r = run_command(env + shell_quote(kProgram) + " " + args + " 2>&1");
  return {r.status, r.output};
}

ProgramRun rewardbench(const std::string& args) { return rewardbench_with_env("", args); }

class CliTest : public rb::testing::ScratchDirTest {
 protected:
  void SetUp() override {
    ScratchDirTest::SetUp();
    rb::app::write_demo_assets(dir_.string(), 7);
    model_ = (dir_ / "model").string();
    pairs_ = (dir_ / "preference_pairs.jsonl").string();
    out_ = (dir_ / "out").string();
  }

  std::string eval_args(const std::string& dataset) const {
    return "eval -q --model " + shell_quote(model_) + " --dataset " + shell_quote(dataset) + " --output_dir " +
           shell_quote(out_);
  }
  std::string write(const std::string& name, const std::string& content) const {
    const std::string path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }
  // A bad input must fail with a message containing every fragment and leave no results behind.
  void expect_failure(const std::string& args, const std::vector<std::string>& fragments) const {
    const ProgramRun run = rewardbench(args);
    EXPECT_NE(run.status, 0) << run.output;
    for (const auto& fragment : fragments)
      EXPECT_NE(run.output.find(fragment), std::string::npos) << "missing \"" << fragment << "\" in: " << run.output;
    EXPECT_FALSE(fs::exists(fs::path(out_) / "results.json"));
    EXPECT_FALSE(fs::exists(fs::path(out_) / "outputs.jsonl"));
  }
  // The first two lines a successful `rewardbench <args>` prints.
  std::pair<std::string, std::string> first_two_lines(const std::string& args) const {
    const ProgramRun run = rewardbench(args);
    EXPECT_EQ(run.status, 0) << run.output;
    std::istringstream lines(run.output);
    std::string first, second;
    std::getline(lines, first);
    std::getline(lines, second);
    return {first, second};
  }
  void edit_json(const fs::path& path, const std::function<void(nlohmann::ordered_json&)>& edit) const {
    auto json = nlohmann::ordered_json::parse(rb::testing::read_file(path.string()));
    edit(json);
    std::ofstream(path) << json.dump(2);
  }

  std::string model_, pairs_, out_;
};

const std::string kRow1 = R"({"id": 1, "subset": "alpacaeval-easy", "prompt": "Hi?", "chosen": "Hello!", "rejected": "No."})";
const std::string kRow2 = R"({"id": 2, "subset": "hep-python", "prompt": "Add?", "chosen": "a + b", "rejected": "a - b"})";

TEST_F(CliTest, EvalWritesTheThreeResultFiles) {
  const ProgramRun run = rewardbench(eval_args(pairs_));
  ASSERT_EQ(run.status, 0) << run.output;
  auto results = nlohmann::json::parse(rb::testing::read_file(out_ + "/results.json"));
  EXPECT_EQ(results["model"], model_);
  EXPECT_EQ(results["model_type"], "Seq. Classifier");
  EXPECT_EQ(results["chat_template"], "tokenizer");
  for (const char* key : {"Chat", "Chat Hard", "Safety", "Reasoning", "overall", "alpacaeval-easy"})
    EXPECT_TRUE(results.contains(key)) << key;
  std::ifstream outputs(out_ + "/outputs.jsonl");
  size_t lines = 0;
  for (std::string line; std::getline(outputs, line); ++lines) {
    auto record = nlohmann::json::parse(line);
    for (const char* key : {"id", "subset", "scores_chosen", "scores_rejected", "results", "text_chosen"})
      EXPECT_TRUE(record.contains(key)) << key;
    EXPECT_EQ(record["results"].get<int>(),
              record["scores_chosen"].get<double>() > record["scores_rejected"].get<double>() ? 1 : 0);
  }
  EXPECT_EQ(lines, 42u);
  auto run_json = nlohmann::json::parse(rb::testing::read_file(out_ + "/run.json"));
  EXPECT_EQ(run_json["config"]["architecture"], "LlamaForSequenceClassification");
}

TEST_F(CliTest, SameInputsGiveByteIdenticalResults) {
  ASSERT_EQ(rewardbench(eval_args(pairs_)).status, 0);
  const std::string first = rb::testing::read_file(out_ + "/outputs.jsonl");
  ASSERT_EQ(rewardbench(eval_args(pairs_) + " --batch_size 3 --max_tokens_per_batch 700").status, 0);
  EXPECT_EQ(rb::testing::read_file(out_ + "/outputs.jsonl"), first);
}

// --attn_implementation takes the reference's values only; on CPU every value gives the same scores
// (CPU attention is always exact eager) and run.json records the choice.
TEST_F(CliTest, AttnImplementationIsCheckedAndRecorded) {
  expect_failure(eval_args(pairs_) + " --attn_implementation flash", {"--attn_implementation", "flash"});
  ASSERT_EQ(rewardbench(eval_args(pairs_)).status, 0);
  const std::string sdpa = rb::testing::read_file(out_ + "/outputs.jsonl");
  ASSERT_EQ(rewardbench(eval_args(pairs_) + " --attn_implementation flash_attention_2").status, 0);
  EXPECT_EQ(rb::testing::read_file(out_ + "/outputs.jsonl"), sdpa);
  auto run_json = nlohmann::json::parse(rb::testing::read_file(out_ + "/run.json"));
  EXPECT_EQ(run_json["invocation"]["options"]["attn_implementation"], "flash_attention_2");
}

// On CPU, OpenBLAS's AVX2 kernels round a row by its place in a tile (src/model/cpu_blas.h):
// rewardbench must end up on Sandybridge kernels even when the environment asks for Haswell.
TEST_F(CliTest, RunsOnPositionIndependentBlasKernels) {
  const auto run = run_command("env -u RB_BLAS_REEXECUTED OPENBLAS_CORETYPE=Haswell OPENBLAS_VERBOSE=2 " +
                               shell_quote(kProgram) + " --version 2>&1");
  ASSERT_EQ(run.status, 0) << run.output;
  const size_t last_core = run.output.rfind("Core: ");
  if (last_core == std::string::npos) GTEST_SKIP() << "libtorch does not use OpenBLAS here";
  EXPECT_EQ(run.output.compare(last_core, 17, "Core: Sandybridge"), 0) << run.output;
}

TEST_F(CliTest, DemoLabelsItsModelAsRandom) {
  const ProgramRun run = rewardbench("demo -q --dir " + shell_quote((dir_ / "demo").string()));
  ASSERT_EQ(run.status, 0) << run.output;
  EXPECT_NE(run.output.find("RANDOM WEIGHTS"), std::string::npos);
  auto results = nlohmann::json::parse(rb::testing::read_file((dir_ / "demo/results/results.json").string()));
  EXPECT_NE(results["model"].get<std::string>().find("RANDOM WEIGHTS"), std::string::npos);
}

TEST_F(CliTest, MissingFieldNamesFileLineAndField) {
  const auto path = write("bad.jsonl", kRow1 + "\n" + R"({"id": 2, "subset": "x", "prompt": "p", "rejected": "r"})" + "\n");
  expect_failure(eval_args(path), {"bad.jsonl:2", "\"chosen\""});
}

TEST_F(CliTest, WrongTypeNamesFileLineAndField) {
  const auto path = write("bad.jsonl", kRow1 + "\n" + kRow2 + "\n" + R"({"id": 3, "subset": "x", "prompt": "p", "chosen": 5, "rejected": "r"})" + "\n");
  expect_failure(eval_args(path), {"bad.jsonl:3", "\"chosen\"", "string"});
}

TEST_F(CliTest, InvalidUtf8IsRejectedWithItsLine) {
  const auto path = write("bad.jsonl", kRow1 + "\n" + R"({"id": 2, "subset": "x", "prompt": "p)" + std::string("\xff\xfe") +
                                         R"(", "chosen": "c", "rejected": "r"})" + "\n");
  expect_failure(eval_args(path), {"bad.jsonl:2", "UTF-8"});
}

TEST_F(CliTest, UnknownArchitectureListsSupportedOnes) {
  edit_json(fs::path(model_) / "config.json", [](auto& c) { c["architectures"] = {"FooForSequenceClassification"}; });
  expect_failure(eval_args(pairs_), {"FooForSequenceClassification", "LlamaForSequenceClassification"});
}

TEST_F(CliTest, MissingWeightsNameTheFolder) {
  fs::remove(fs::path(model_) / "model.safetensors");
  expect_failure(eval_args(pairs_), {"model.safetensors"});
}

TEST_F(CliTest, TemplateThatRaisesNamesTheRow) {
  edit_json(fs::path(model_) / "tokenizer_config.json", [](auto& c) {
    c["chat_template"] = "{% if messages|length > 1 %}{{ raise_exception('only one turn, please') }}{% endif %}x";
  });
  expect_failure(eval_args(pairs_), {"preference_pairs.jsonl:1", "only one turn, please"});
}

TEST_F(CliTest, TokenizePrintsOneArrayPerLine) {
  const auto path = write("texts.jsonl", "{\"text\": \"hello\"}\n{\"text\": \"\"}\n");
  const auto [first, second] = first_two_lines("tokenize --tokenizer " + shell_quote(model_) + " --jsonl " + shell_quote(path));
  auto ids = nlohmann::json::parse(first);
  ASSERT_GE(ids.size(), 2u);
  auto empty = nlohmann::json::parse(second);
  ASSERT_EQ(empty.size(), 1u);       // only the BOS the post-processor adds
  EXPECT_EQ(ids[0], empty[0]);
  const ProgramRun missing = rewardbench("tokenize --tokenizer " + shell_quote(model_) + " --jsonl " + shell_quote(path) +
                                  " --field body");
  EXPECT_NE(missing.status, 0);
  EXPECT_NE(missing.output.find("texts.jsonl:1"), std::string::npos) << missing.output;
}

TEST_F(CliTest, RenderPrintsTextOrError) {
  edit_json(fs::path(model_) / "tokenizer_config.json", [](auto& c) {
    c["chat_template"] = "{% for m in messages %}{% if m['role'] == 'system' %}{{ raise_exception('no system') }}"
                         "{% endif %}[{{ m['role'] }}] {{ m['content'] }}\n{% endfor %}";
  });
  const auto path = write("conv.jsonl",
                          R"({"messages": [{"role": "user", "content": "hi"}]})"
                          "\n"
                          R"({"messages": [{"role": "system", "content": "s"}]})"
                          "\n");
  const auto [first, second] = first_two_lines("render --tokenizer " + shell_quote(model_) + " --jsonl " + shell_quote(path));
  EXPECT_EQ(nlohmann::json::parse(first)["text"], "[user] hi\n");
  EXPECT_NE(nlohmann::json::parse(second)["error"].get<std::string>().find("no system"), std::string::npos) << second;
}

// A template that asks for today (Llama-3.2 style) renders the pinned day: --date, else
// SOURCE_DATE_EPOCH (1768435200 = 2026-01-15T00:00:00Z), formatted in UTC; run.json records which.
TEST_F(CliTest, TemplateDateIsPinnedByFlagOrSourceDateEpoch) {
  edit_json(fs::path(model_) / "tokenizer_config.json", [](auto& c) {
    c["chat_template"] = "{{ strftime_now('%d %b %Y') }}|{% for m in messages %}{{ m['content'] }}{% endfor %}";
  });
  const auto path = write("conv.jsonl", R"({"messages": [{"role": "user", "content": "hi"}]})" "\n");
  const std::string render = "render --tokenizer " + shell_quote(model_) + " --jsonl " + shell_quote(path);
  const ProgramRun from_env = rewardbench_with_env("SOURCE_DATE_EPOCH=1768435200", render);
  ASSERT_EQ(from_env.status, 0) << from_env.output;
  EXPECT_EQ(nlohmann::json::parse(from_env.output)["text"], "15 Jan 2026|hi");
  const ProgramRun from_flag = rewardbench_with_env("SOURCE_DATE_EPOCH=1768435200", render + " --date 2024-02-29");
  ASSERT_EQ(from_flag.status, 0) << from_flag.output;
  EXPECT_EQ(nlohmann::json::parse(from_flag.output)["text"], "29 Feb 2024|hi");
  const ProgramRun no_such_day = rewardbench(render + " --date 2023-02-29");
  EXPECT_EQ(no_such_day.status, 1);
  EXPECT_NE(no_such_day.output.find("--date \"2023-02-29\": no such day"), std::string::npos) << no_such_day.output;
  const ProgramRun bad_epoch = rewardbench_with_env("SOURCE_DATE_EPOCH=yesterday", render);
  EXPECT_EQ(bad_epoch.status, 1);
  EXPECT_NE(bad_epoch.output.find("SOURCE_DATE_EPOCH=\"yesterday\""), std::string::npos) << bad_epoch.output;

  const auto pairs = write("pairs.jsonl", kRow1 + "\n");
  const ProgramRun eval = rewardbench_with_env("SOURCE_DATE_EPOCH=1768435200", eval_args(pairs) + " --no-cache");
  ASSERT_EQ(eval.status, 0) << eval.output;
  const auto run = nlohmann::json::parse(rb::testing::read_file(out_ + "/run.json"));
  EXPECT_EQ(run["config"]["template_date"], "2026-01-15 (SOURCE_DATE_EPOCH)") << run.dump(2);
}

// A FIFO where a weight or tokenizer file belongs used to block open() forever; now it is refused.
TEST_F(CliTest, SpecialFilesAreRefusedNotWaitedOn) {
  const auto pairs = write("pairs.jsonl", kRow1 + "\n");
  for (const char* name : {"model.safetensors", "tokenizer.json"}) {
    SCOPED_TRACE(name);
    const fs::path file = fs::path(model_) / name;
    const fs::path kept = dir_ / (std::string(name) + ".kept");
    fs::rename(file, kept);
    ASSERT_EQ(run_command("mkfifo " + shell_quote(file.string())).status, 0);
    const auto run = run_command("timeout 60 " + shell_quote(kProgram) + " " + eval_args(pairs) + " --no-cache 2>&1");
    EXPECT_EQ(run.status, 1) << run.output;  // not 124: it did not wait
    EXPECT_NE(run.output.find("not a regular file (a FIFO, socket or device)"), std::string::npos) << run.output;
    EXPECT_NE(run.output.find(name), std::string::npos) << run.output;
    fs::remove(file);
    fs::rename(kept, file);
  }
}

// Usage errors exit 2 with a message that says what is wanted: --limit 0 used to print nan and
// write an empty results.json; CLI11's own exit codes (105, 106, ...) are not the program's.
TEST_F(CliTest, UsageErrorsExitTwoAndSayWhatIsWanted) {
  const auto pairs = write("pairs.jsonl", kRow1 + "\n");
  const ProgramRun zero = rewardbench(eval_args(pairs) + " --limit 0");
  EXPECT_EQ(zero.status, 2) << zero.output;
  EXPECT_NE(zero.output.find("--limit: expected a number greater than 0, got 0"), std::string::npos) << zero.output;
  EXPECT_FALSE(fs::exists(fs::path(out_) / "results.json"));
  const ProgramRun missing = rewardbench("eval --model " + shell_quote(model_));
  EXPECT_EQ(missing.status, 2) << missing.output;
  EXPECT_NE(missing.output.find("--dataset is required"), std::string::npos) << missing.output;
  EXPECT_EQ(rewardbench("--version").status, 0);
  EXPECT_EQ(rewardbench("eval --help").status, 0);
}

// An output folder that cannot be written is found before the model loads, not after the scoring.
TEST_F(CliTest, UnwritableOutputFolderIsFoundFirst) {
  const auto pairs = write("pairs.jsonl", kRow1 + "\n");
  const auto file = write("a_file", "x");
  const ProgramRun run = rewardbench("eval --model " + shell_quote(model_) + " --dataset " + shell_quote(pairs) +
                                     " --output_dir " + shell_quote(file) + " --no-cache");
  EXPECT_EQ(run.status, 1) << run.output;
  EXPECT_NE(run.output.find("output folder " + file + ": exists and is not a folder"), std::string::npos) << run.output;
  EXPECT_EQ(run.output.find("parameters"), std::string::npos) << "the model loaded first: " << run.output;
  const ProgramRun below = rewardbench("eval -q --model " + shell_quote(model_) + " --dataset " + shell_quote(pairs) +
                                       " --output_dir " + shell_quote(file + "/sub") + " --no-cache");
  EXPECT_EQ(below.status, 1) << below.output;
  EXPECT_NE(below.output.find("cannot create output folder"), std::string::npos) << below.output;
}

// Overwrites every value of one tensor of a safetensors file with NaN (float32 or bfloat16).
void poison_tensor(const fs::path& file, const std::string& name) {
  std::fstream io(file, std::ios::in | std::ios::out | std::ios::binary);
  uint64_t header_size = 0;
  io.read(reinterpret_cast<char*>(&header_size), 8);
  std::string header(header_size, '\0');
  io.read(header.data(), static_cast<std::streamsize>(header_size));
  const auto entry = nlohmann::json::parse(header).at(name);
  const auto begin = entry["data_offsets"][0].get<uint64_t>(), end = entry["data_offsets"][1].get<uint64_t>();
  const std::string nan = entry["dtype"] == "F32" ? std::string("\x00\x00\xc0\x7f", 4) : std::string("\xc0\x7f", 2);
  io.seekp(static_cast<std::streamoff>(8 + header_size + begin));
  for (uint64_t at = begin; at < end; at += nan.size()) io.write(nan.data(), static_cast<std::streamsize>(nan.size()));
}

// NaN scores used to count as lost pairs without a word; now they stop the run (naming how many,
// the subsets and the first row) unless --allow-nan, and run.json records the count.
TEST_F(CliTest, NanScoresStopTheRunUnlessAllowed) {
  poison_tensor(fs::path(model_) / "model.safetensors", "score.weight");
  const auto pairs = write("pairs.jsonl", kRow1 + "\n" + kRow2 + "\n");
  expect_failure(eval_args(pairs) + " --no-cache",
                 {"the model scored NaN or infinity for 4 of 4 texts (alpacaeval-easy: 2, hep-python: 2)",
                  "pairs.jsonl:1's", "--allow-nan"});
  const ProgramRun allowed = rewardbench(eval_args(pairs) + " --no-cache --allow-nan");
  ASSERT_EQ(allowed.status, 0) << allowed.output;
  const auto run = nlohmann::json::parse(rb::testing::read_file(out_ + "/run.json"));
  EXPECT_EQ(run["config"]["non_finite_texts"], 4);
}

// --threads within reason, checked before anything loads: a negative count used to mean every
// core, 100000 started that many threads.
TEST_F(CliTest, ThreadCountIsChecked) {
  const auto pairs = write("pairs.jsonl", kRow1 + "\n");
  expect_failure(eval_args(pairs) + " --threads -1", {"--threads -1: expected 0 (every core) or a positive count"});
  expect_failure(eval_args(pairs) + " --threads 100000", {"--threads 100000: more than", "cores"});
}

// A mistyped relative path whose first folder exists here is a local path: never sent to the Hub
// (where it would go with the user's token), and the error says why.
TEST_F(CliTest, MistypedLocalPathIsNotSentToTheHub) {
  fs::create_directories(dir_ / "models");
  const auto pairs = write("pairs.jsonl", kRow1 + "\n");
  const auto run = run_command("cd " + shell_quote(dir_.string()) + " && env HF_HUB_OFFLINE=1 HF_ENDPOINT=http://127.0.0.1:9 " +
                               shell_quote(kProgram) + " eval -q --model models/my-modle --dataset " + shell_quote(pairs) +
                               " --output_dir out 2>&1");
  EXPECT_NE(run.status, 0) << run.output;
  EXPECT_NE(run.output.find("models/my-modle: not a directory"), std::string::npos) << run.output;
  EXPECT_EQ(run.output.find("Hub"), std::string::npos) << run.output;  // offline, the Hub path names the cache
}

// Hugging Face datasets are Parquet: a v1 file written by a real Parquet writer (tests/io/fixtures).
// Its first two rows are valid; row 2 has a null `rejected`, which must be named in the error.
TEST_F(CliTest, EvalReadsParquetDatasets) {
  const std::string parquet = rb::testing::source_dir() + "/tests/io/fixtures/rb1_flat_snappy_v1.parquet";
  const ProgramRun run = rewardbench(eval_args(parquet) + " --limit 2");
  ASSERT_EQ(run.status, 0) << run.output;
  std::ifstream outputs(out_ + "/outputs.jsonl");
  std::string line;
  std::getline(outputs, line);
  auto first = nlohmann::json::parse(line);
  EXPECT_EQ(first["id"], 0);
  EXPECT_EQ(first["subset"], "alpacaeval-easy");
  EXPECT_NE(first["text_chosen"].get<std::string>().find("bake at 220°C"), std::string::npos);
  size_t lines = 1;
  while (std::getline(outputs, line)) ++lines;
  EXPECT_EQ(lines, 2u);
  fs::remove_all(out_);
  expect_failure(eval_args(parquet), {"rb1_flat_snappy_v1.parquet:row 2", "\"rejected\"", "null"});
}

// Instruction data (`messages`, no chosen/rejected): one score per conversation, no accuracy, as the
// reference CLI's scoring mode. The same conversation scores the same as in a preference pair.
TEST_F(CliTest, EvalScoresInstructionDataWithoutAccuracy) {
  const auto path = write("sft.jsonl",
      R"({"messages": [{"role": "user", "content": "Hi?"}, {"role": "assistant", "content": "Hello!"}], "source": "a"})" "\n"
      R"({"messages": [{"role": "user", "content": "Add?"}, {"role": "assistant", "content": "a + b"}], "source": "b"})" "\n");
  ProgramRun run = rewardbench(eval_args(path));
  ASSERT_EQ(run.status, 0) << run.output;
  EXPECT_FALSE(fs::exists(fs::path(out_) / "results.json"));
  std::ifstream outputs(out_ + "/outputs.jsonl");
  std::string first_line, second_line;
  std::getline(outputs, first_line);
  std::getline(outputs, second_line);
  auto first = nlohmann::json::parse(first_line);
  EXPECT_EQ(first["prompt"], "Hi?");
  EXPECT_EQ(first["source"], "a");
  ASSERT_TRUE(first["results"].is_number()) << first_line;
  EXPECT_NE(first["text"].get<std::string>().find("Hello!"), std::string::npos);

  const auto pair = write("pair.jsonl", kRow1 + "\n");
  fs::remove_all(out_);
  run = rewardbench(eval_args(pair));
  ASSERT_EQ(run.status, 0) << run.output;
  std::ifstream pair_outputs(out_ + "/outputs.jsonl");
  std::string pair_line;
  std::getline(pair_outputs, pair_line);
  EXPECT_EQ(nlohmann::json::parse(pair_line)["scores_chosen"], first["results"]);
}

// A folder of <split>.jsonl files is the prior sets: subset = split name, pku_* dropped, and the
// Prior Sets score (mean of anthropic_helpful, anthropic_hhh, shp, summarize) in results.json.
TEST_F(CliTest, EvalReadsAPriorSetsFolder) {
  const fs::path folder = dir_ / "pref-sets";
  fs::create_directories(folder);
  const std::string row = R"({"prompt": [{"role": "user", "content": "Hi?"}], "chosen": "Hello!", "rejected": "No.", "id": 1})";
  for (const char* split : {"anthropic_helpful", "shp", "pku_safer"}) std::ofstream(folder / (std::string(split) + ".jsonl")) << row << "\n";
  const ProgramRun run = rewardbench(eval_args(folder.string()));
  ASSERT_EQ(run.status, 0) << run.output;
  auto results = nlohmann::json::parse(rb::testing::read_file(out_ + "/results.json"));
  EXPECT_TRUE(results.contains("anthropic_helpful"));
  EXPECT_TRUE(results.contains("shp"));
  EXPECT_FALSE(results.contains("pku_safer"));
  ASSERT_TRUE(results.contains("Prior Sets"));
  EXPECT_DOUBLE_EQ(results["Prior Sets"].get<double>(),
                   (results["anthropic_helpful"].get<double>() + results["shp"].get<double>()) / 2);
}

// RewardBench 2 rows are recognised by their counts and scored as run_v2.py: every completion on its
// own, regrouped per prompt; results follow the best-of-N 1/k rule on the recorded scores.
TEST_F(CliTest, EvalScoresRewardBench2Rows) {
  const auto path = write("rb2.jsonl",
      R"({"id": "1", "subset": "Factuality", "prompt": "Capital of France?", "chosen": ["Paris."], "rejected": ["Lyon.", "Nice.", "Rome."], "num_correct": 1, "num_incorrect": 3, "total_completions": 4, "models": []})" "\n"
      R"({"id": "2", "subset": "Math", "prompt": "2+2?", "chosen": ["4"], "rejected": ["5", "4", "22"], "num_correct": 1, "num_incorrect": 3, "total_completions": 4, "models": []})" "\n"
      R"({"id": "ref:3", "subset": "Ties", "prompt": "Name a prime.", "chosen": ["2"], "rejected": ["4", "6"], "num_correct": 1, "num_incorrect": 2, "total_completions": 3, "models": []})" "\n"
      R"({"id": "tied:3", "subset": "Ties", "prompt": "Name a prime under 10.", "chosen": ["2", "3", "5"], "rejected": ["4"], "num_correct": 3, "num_incorrect": 1, "total_completions": 4, "models": []})" "\n");
  const ProgramRun run = rewardbench(eval_args(path));
  ASSERT_EQ(run.status, 0) << run.output;
  auto results = nlohmann::json::parse(rb::testing::read_file(out_ + "/results.json"));
  for (const char* key : {"Factuality", "Math", "Ties"}) EXPECT_TRUE(results.contains(key)) << key;
  auto scores = nlohmann::json::parse(rb::testing::read_file(out_ + "/scores.json"));
  ASSERT_EQ(scores["scores"].size(), 4u);
  for (size_t p = 0; p < 2; ++p) {  // Factuality and Math rows: check the 1/k rule
    const auto& s = scores["scores"][p];
    const double top = *std::max_element(s.begin(), s.end());
    const int ties = static_cast<int>(std::count(s.begin(), s.end(), top));
    const double expected = s[0].get<double>() == top ? 1.0 / ties : 0.0;
    EXPECT_DOUBLE_EQ(scores["results"][p].get<double>(), expected);
  }
  // Math's second rejected answer is the same text as the chosen one: the same score, so at best 1/2.
  EXPECT_EQ(scores["scores"][1][0], scores["scores"][1][2]);
  EXPECT_LE(scores["results"][1].get<double>(), 0.5);
}

}  // namespace
