// `rewardbench models`: the README's coverage table is the command's output; every model of the
// reference's eval_configs.yaml is covered once; every fixture a "supported" row names exists;
// and (with ../shared and PyYAML) the compiled table is what the generator makes from
// eval_configs.yaml and tools/models/coverage.tsv today.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <sstream>

#include "../support/test_support.h"
#include "app/reference_models.h"

namespace {
namespace fs = std::filesystem;
using rb::testing::read_file;
using rb::testing::shell_quote;

TEST(ModelsCommand, ReadmeTableIsTheCommandsOutput) {
  const std::string readme = read_file(rb::testing::source_dir() + "/README.md");
  const std::string begin = "<!-- coverage:begin -->\n", end = "<!-- coverage:end -->";
  const size_t from = readme.find(begin), to = readme.find(end);
  ASSERT_NE(from, std::string::npos);
  ASSERT_NE(to, std::string::npos);
  EXPECT_EQ(readme.substr(from + begin.size(), to - from - begin.size()), rb::app::coverage_markdown())
      << "regenerate the README block with: ./build/rewardbench models --markdown";
}

TEST(ModelsCommand, JsonCoversEveryModelOnceWithAKnownStatus) {
  const auto json = rb::app::models_json();
  std::set<std::string> names;
  int supported = 0;
  for (const auto& row : json["coverage"]) {
    EXPECT_TRUE(names.insert(row["model"].get<std::string>()).second) << row["model"];
    const std::string status = row["status"];
    EXPECT_TRUE(status == "supported" || status == "needs-multi-gpu" || status == "unsupported") << status;
    if (status == "supported") {
      ++supported;
      EXPECT_FALSE(row["fixture"].get<std::string>().empty()) << row["model"] << ": supported without a fixture";
    } else {
      EXPECT_FALSE(row["why"].get<std::string>().empty()) << row["model"] << ": not supported without a reason";
    }
  }
  EXPECT_EQ(names.size(), 122u);
  EXPECT_EQ(json["counts"]["supported"], supported);
  EXPECT_FALSE(json["architectures"]["reward_models"].empty());
}

TEST(ModelsCommand, NamedFixturesExist) {
  const fs::path fixtures = fs::path(rb::testing::source_dir()) / "tests" / "fixtures";
  for (const auto& model : rb::app::reference_models()) {
    std::stringstream list(model.fixtures);
    for (std::string name; std::getline(list, name, ',');) {
      name.erase(0, name.find_first_not_of(' '));
      if (name.empty()) continue;
      EXPECT_TRUE(fs::exists(fixtures / "parity" / name) || fs::exists(fixtures / name))
          << model.model << " names fixture '" << name << "', which tests/fixtures lacks";
    }
  }
}

TEST(ModelsCommand, CompiledTableIsWhatTheGeneratorMakes) {
  const std::string yaml = rb::testing::shared_dir() + "/reference/allenai+reward-bench/scripts/configs/eval_configs.yaml";
  if (!fs::exists(yaml)) GTEST_SKIP() << "../shared/reference is absent";
  if (rb::testing::run_command("python3 -c 'import yaml' 2>&1").status != 0) GTEST_SKIP() << "no PyYAML";
  const std::string source = rb::testing::source_dir();
  const fs::path out = fs::temp_directory_path() / ("rb_reference_models_" + std::to_string(::getpid()) + ".inc");
  const auto result = rb::testing::run_command("python3 " + shell_quote(source + "/tools/models/generate_reference_models.py") +
                                               " " + shell_quote(yaml) + " " +
                                               shell_quote(source + "/tools/models/coverage.tsv") + " " +
                                               shell_quote(out.string()) + " 2>&1");
  ASSERT_EQ(result.status, 0) << result.output;
  EXPECT_EQ(read_file(out.string()), read_file(source + "/src/app/reference_models_data.inc"))
      << "regenerate src/app/reference_models_data.inc with tools/models/generate_reference_models.py";
  fs::remove(out);
}

}  // namespace

#include "app/demo_assets.h"
#include "app/eval_run.h"
#include "app/reference_settings.h"

namespace {

TEST(ReferenceSettings, FoundByHubIdCachePathOrFolderName) {
  ASSERT_NE(rb::app::find_reference_model("openbmb/UltraRM-13b"), nullptr);
  EXPECT_EQ(rb::app::find_reference_model("/hf/hub/models--openbmb--UltraRM-13b/snapshots/0123abcd/")->model,
            "openbmb/UltraRM-13b");
  EXPECT_EQ(rb::app::find_reference_model("/data/models/UltraRM-13b")->model, "openbmb/UltraRM-13b");
  EXPECT_EQ(rb::app::find_reference_model("/data/models/my-own-model"), nullptr);
}

TEST(ReferenceSettings, TypedFlagsWinAndDpoGetsItsReference) {
  rb::app::ScoringRunOptions options;
  options.model = "allenai/tulu-2-dpo-7b";
  options.quiet = true;
  options.given = {"batch_size"};
  options.batch_size = 3;
  std::string ref_model;
  const auto settings = rb::app::apply_reference_settings(options, &ref_model);
  EXPECT_EQ(options.batch_size, 3u);  // typed: kept
  EXPECT_EQ(options.chat_template, "tulu");
  EXPECT_EQ(ref_model, "allenai/tulu-2-7b");
  EXPECT_EQ(settings["applied"]["ref_model"], "allenai/tulu-2-7b");
  EXPECT_FALSE(settings["applied"].contains("batch_size"));
  EXPECT_TRUE(settings["not_applied"].contains("quantized"));
}

TEST(ReferenceSettings, EvalRecordsTheAppliedSettingsInRunJson) {
  const fs::path dir = rb::testing::fresh_test_folder("rb_reference_settings");
  rb::app::write_demo_assets(dir.string(), 1234);
  fs::rename(dir / "model", dir / "UltraRM-13b");  // a local copy named like the leaderboard model
  rb::app::EvalOptions options;
  options.model = (dir / "UltraRM-13b").string();
  options.dataset = (dir / "preference_pairs.jsonl").string();
  options.output_dir = (dir / "run").string();
  options.quiet = true;
  options.no_cache = true;
  options.bootstrap_samples = 0;
  std::ostringstream ignored;
  auto* old = std::cout.rdbuf(ignored.rdbuf());
  const int status = rb::app::run_eval(options);
  std::cout.rdbuf(old);
  ASSERT_EQ(status, 0);
  const auto run = nlohmann::json::parse(read_file((dir / "run" / "run.json").string()));
  const auto& settings = run["invocation"]["options"]["reference_settings"];
  EXPECT_EQ(settings["model"], "openbmb/UltraRM-13b");
  EXPECT_EQ(settings["applied"]["batch_size"], 8);
  EXPECT_EQ(run["invocation"]["options"]["batch_size"], 8);
  fs::remove_all(dir);
}

}  // namespace
