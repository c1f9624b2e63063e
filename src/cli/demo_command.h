#pragma once
// `rewardbench demo`: the README's first command. Writes a tiny random-weight Llama reward model
// (with its own byte-level BPE tokenizer and chat template) and a small hand-written preference
// set, then runs the same evaluation as `rewardbench eval` on them. Needs no network.
#include <cstdint>
#include <string>

namespace rb::cli {

struct DemoOptions {
  std::string dir = "rewardbench-demo";
  uint64_t seed = 1234;
  bool quiet = false;
};

int run_demo(const DemoOptions& options);

}  // namespace rb::cli
