#pragma once
// `rewardbench demo`: the README's first command. Writes a tiny random-weight Llama reward model
// (with its own byte-level BPE tokenizer and chat template) and a small hand-written preference
// set, then runs the same evaluation as `rewardbench eval` on them. Needs no network.
#include <cstddef>
#include <string>

#include "app/option_table.h"

namespace rb::app {

struct DemoOptions {
  std::string dir = "rewardbench-demo";
  size_t seed = 1234;
  bool quiet = false;
};

const OptionTable<DemoOptions>& demo_options_table();

int run_demo(const DemoOptions& options);

}  // namespace rb::app
