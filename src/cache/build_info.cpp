#include "cache/build_info.h"

#include <sqlite3.h>

#include "cache/build_info_generated.h"

namespace rb::cache {

std::string program_version() { return std::string(RB_BUILD_VERSION) + "+" + RB_BUILD_GIT_DESCRIBE; }

nlohmann::ordered_json build_provenance() {
  nlohmann::ordered_json build;
  build["rewardbench_version"] = RB_BUILD_VERSION;
  build["git_describe"] = RB_BUILD_GIT_DESCRIBE;
  build["libtorch_version"] = RB_BUILD_TORCH_VERSION;
  build["compiler"] = std::string(RB_BUILD_COMPILER_ID) + " " + __VERSION__;
  build["build_type"] = RB_BUILD_TYPE;
  build["sqlite_version"] = sqlite3_libversion();
  return build;
}

}  // namespace rb::cache
