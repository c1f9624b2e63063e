#include "report/run_file.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <unistd.h>

namespace {

using rb::report::Json;

TEST(RunFile, HoldsConfigVerbatimAndTimings) {
  Json config = Json{{"model", "org/m"}, {"batch_size", 8}, {"dataset", "d.jsonl"}};
  auto run = rb::report::build_run_json(config, {{"load", 1.5}, {"score", 2.25}});
  EXPECT_EQ(run["config"], config);
  EXPECT_EQ(run["timings_seconds"]["load"], 1.5);
  EXPECT_EQ(run["timings_seconds"]["score"], 2.25);
  EXPECT_EQ(run["total_seconds"], 3.75);
}

TEST(RunFile, WrittenWithIndentInCallerOrder) {
  auto folder = std::filesystem::temp_directory_path() / ("rb_run_test_" + std::to_string(::getpid()));
  auto path = (folder / "run.json").string();
  Json config = Json{{"z", "caf\xC3\xA9"}, {"a", nullptr}};
  rb::report::write_run_json(path, config, {{"score", 0.5}});
  std::ifstream in(path, std::ios::binary);
  std::ostringstream contents;
  contents << in.rdbuf();
  EXPECT_EQ(contents.str(),
            "{\n"
            "    \"config\": {\n"
            "        \"z\": \"caf\xC3\xA9\",\n"
            "        \"a\": null\n"
            "    },\n"
            "    \"timings_seconds\": {\n"
            "        \"score\": 0.5\n"
            "    },\n"
            "    \"total_seconds\": 0.5\n"
            "}\n");
  std::filesystem::remove_all(folder);
}

}  // namespace
