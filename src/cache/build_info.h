#pragma once
// What built this program, for run.json: version, git commit (`git describe --always --dirty
// --tags` when built, "unknown" outside a git checkout), libtorch version, compiler, build type.
#include <string>

#include <nlohmann/json.hpp>

namespace rb::cache {

std::string program_version();  // "0.1.0+<git describe>"
nlohmann::ordered_json build_provenance();

}  // namespace rb::cache
