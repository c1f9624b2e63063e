#pragma once
// What built this program, for run.json: version, git commit (`git describe --always --dirty
// --tags` when built, "unknown" outside a git checkout), libtorch version, compiler, build type.
#include <string>

#include <nlohmann/json.hpp>

namespace rb::cache {

// "<version>+<git describe>+torch<version>", plus "+exe.<digest of this executable>" when built from
// uncommitted code. Part of the model fingerprint: another program version never hits the cache.
std::string program_version();
nlohmann::ordered_json build_provenance();

}  // namespace rb::cache
