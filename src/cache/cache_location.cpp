#include "cache/cache_location.h"

#include <cstdlib>
#include <filesystem>

namespace rb::cache {
namespace fs = std::filesystem;

EnvironmentLookup process_environment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (!value) return std::nullopt;
    return std::string(value);
  };
}

std::optional<std::string> default_cache_dir(const EnvironmentLookup& environment) {
  const auto usable = [](const std::optional<std::string>& dir) { return dir && fs::path(*dir).is_absolute(); };
  const auto xdg = environment("XDG_CACHE_HOME");
  if (usable(xdg)) return (fs::path(*xdg) / "rewardbench").string();
  const auto home = environment("HOME");
  if (usable(home)) return (fs::path(*home) / ".cache" / "rewardbench").string();
  return std::nullopt;
}

std::string score_cache_file(const std::string& cache_dir) { return (fs::path(cache_dir) / "scores.sqlite").string(); }

}  // namespace rb::cache
