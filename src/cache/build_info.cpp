#include "cache/build_info.h"

#include <sqlite3.h>

#include <filesystem>

#include "cache/build_info_generated.h"
#include "common/error.h"
#include "common/sha256.h"
#include "common/version.h"

namespace rb::cache {

std::string program_version() {
  const std::string describe = RB_BUILD_GIT_DESCRIBE;
  // libtorch's kernels decide the last bits of a score as much as our code does.
  std::string version = std::string(kVersion) + "+" + describe + "+torch" + RB_BUILD_TORCH_VERSION;
  const bool dirty = describe.size() >= 6 && describe.compare(describe.size() - 6, 6, "-dirty") == 0;
  if (dirty || describe == "unknown") {
    // Uncommitted code: the commit does not say which code scored, the program's own bytes do
    // (so a rebuilt program never reuses the scores of the previous build).
    std::error_code error;
    const auto self = std::filesystem::read_symlink("/proc/self/exe", error);
    if (!error) {
      try {
        version += "+exe." + sha256_file_hex(self.string()).substr(0, 16);
      } catch (const IoError&) {
        version += "+exe.unreadable";
      }
    }
  }
  return version;
}

nlohmann::ordered_json build_provenance() {
  nlohmann::ordered_json build;
  build["rewardbench_version"] = kVersion;
  build["git_describe"] = RB_BUILD_GIT_DESCRIBE;
  build["program_version"] = program_version();
  build["libtorch_version"] = RB_BUILD_TORCH_VERSION;
  build["compiler"] = std::string(RB_BUILD_COMPILER_ID) + " " + __VERSION__;
  build["build_type"] = RB_BUILD_TYPE;
  build["sqlite_version"] = sqlite3_libversion();
  return build;
}

}  // namespace rb::cache
