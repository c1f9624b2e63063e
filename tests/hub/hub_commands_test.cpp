// `rewardbench eval` and `dpo` with --model, --ref_model and --dataset given as Hub repo ids, served
// by the mock Hub: the models and data arrive in the Hugging Face cache, the results name the repos,
// and the scores, texts and model fingerprints equal those of a run on the same folders given as
// local paths. The models are the demo's tiny random Llama (app/demo_assets.h) and its causal-LM form.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "../support/demo_models.h"
#include "../support/test_support.h"
#include "app/demo_assets.h"
#include "app/dpo_run.h"
#include "app/eval_run.h"
#include "mock_hub.h"

namespace rb::hub {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;
using rb::testing::read_file;
using testing::MockHub;
using testing::repo_of_folder;
using testing::ScopedEnvironment;

json file_json(const std::string& path) { return json::parse(read_file(path)); }

class HubCommandsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "hub_commands_XXXXXX").string();
    home_ = ::mkdtemp(pattern.data());
    app::write_demo_assets(home_ + "/demo", 7);
    app::write_demo_assets(home_ + "/demo_reference", 12);
    policy_ = rb::testing::causal_lm_copy(home_ + "/demo/model", home_ + "/policy");
    reference_ = rb::testing::causal_lm_copy(home_ + "/demo_reference/model", home_ + "/reference");
    fs::create_directories(home_ + "/pairs");
    fs::copy_file(home_ + "/demo/preference_pairs.jsonl", home_ + "/pairs/test.jsonl");
    hub_.add_repo(repo_of_folder("org/reward-model", home_ + "/demo/model"));
    hub_.add_repo(repo_of_folder("org/policy", policy_));
    hub_.add_repo(repo_of_folder("org/reference", reference_));
    hub_.add_repo(repo_of_folder("org/pairs", home_ + "/pairs", /*dataset=*/true));
  }
  void TearDown() override { fs::remove_all(home_); }

  ScopedEnvironment hub_environment() const {
    return ScopedEnvironment({{"HF_HUB_CACHE", home_ + "/hf"}, {"HF_ENDPOINT", hub_.endpoint()},
                              {"HF_HUB_OFFLINE", "0"}, {"TRANSFORMERS_OFFLINE", "0"}});
  }

  template <class Options>
  Options quiet_options(const std::string& out) const {
    Options options;
    options.output_dir = home_ + "/" + out;
    options.quiet = true;
    options.threads = 1;
    options.no_cache = true;
    return options;
  }

  std::string home_;
  std::string policy_, reference_;
  MockHub hub_;
};

TEST_F(HubCommandsTest, DpoTakesThePolicyTheReferenceAndTheDataFromTheHub) {
  const auto environment = hub_environment();
  auto from_hub = quiet_options<app::DpoOptions>("hub");
  from_hub.model = "org/policy";
  from_hub.ref_model = "org/reference";
  from_hub.dataset = "org/pairs";
  ASSERT_EQ(app::run_dpo(from_hub), 0);
  EXPECT_TRUE(fs::exists(home_ + "/hf/models--org--policy/snapshots"));
  EXPECT_TRUE(fs::exists(home_ + "/hf/models--org--reference/snapshots"));
  EXPECT_TRUE(fs::exists(home_ + "/hf/datasets--org--pairs/snapshots"));

  auto local = quiet_options<app::DpoOptions>("local");
  local.model = policy_;
  local.ref_model = reference_;
  local.dataset = home_ + "/pairs/test.jsonl";
  ASSERT_EQ(app::run_dpo(local), 0);

  EXPECT_EQ(read_file(home_ + "/hub/outputs.jsonl"), read_file(home_ + "/local/outputs.jsonl"));
  json hub_results = file_json(home_ + "/hub/results.json"), local_results = file_json(home_ + "/local/results.json");
  EXPECT_EQ(hub_results["model"], "org/policy");
  EXPECT_EQ(hub_results["ref_model"], "org/reference");
  EXPECT_EQ(hub_results["model_type"], "DPO");
  for (json* results : {&hub_results, &local_results}) results->erase("model"), results->erase("ref_model");
  EXPECT_EQ(hub_results, local_results);
  const json hub_run = file_json(home_ + "/hub/run.json"), local_run = file_json(home_ + "/local/run.json");
  EXPECT_EQ(hub_run["config"]["model"], "org/policy");
  EXPECT_EQ(hub_run["provenance"]["model_fingerprint"], local_run["provenance"]["model_fingerprint"]);
  EXPECT_EQ(hub_run["provenance"]["ref_model_fingerprint"], local_run["provenance"]["ref_model_fingerprint"]);
  EXPECT_NE(hub_run["provenance"]["model_fingerprint"], hub_run["provenance"]["ref_model_fingerprint"]);
}

TEST_F(HubCommandsTest, EvalTakesTheModelFromTheHub) {
  const auto environment = hub_environment();
  auto from_hub = quiet_options<app::EvalOptions>("hub");
  from_hub.model = "org/reward-model";
  from_hub.dataset = home_ + "/pairs/test.jsonl";
  ASSERT_EQ(app::run_eval(from_hub), 0);
  auto local = quiet_options<app::EvalOptions>("local");
  local.model = home_ + "/demo/model";
  local.dataset = from_hub.dataset;
  ASSERT_EQ(app::run_eval(local), 0);
  EXPECT_EQ(read_file(home_ + "/hub/outputs.jsonl"), read_file(home_ + "/local/outputs.jsonl"));
  EXPECT_EQ(file_json(home_ + "/hub/results.json")["model"], "org/reward-model");
}

// Without a --output_dir a Hub model's results go to results/<name> (its snapshot folder is a hash).
TEST_F(HubCommandsTest, DefaultOutputFolderIsNamedAfterTheRepo) {
  const auto environment = hub_environment();
  const fs::path previous = fs::current_path();
  fs::current_path(home_);
  auto options = quiet_options<app::DpoOptions>("unused");
  options.output_dir.clear();
  options.model = "org/policy";
  options.dataset = home_ + "/pairs/test.jsonl";
  options.limit = 4;
  const int status = app::run_dpo(options);
  fs::current_path(previous);
  ASSERT_EQ(status, 0);
  EXPECT_TRUE(fs::exists(home_ + "/results/policy_ref_free/results.json"));
}

}  // namespace
}  // namespace rb::hub
