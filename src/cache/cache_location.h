#pragma once
// Where the score cache lives: --cache-dir, else $XDG_CACHE_HOME/rewardbench, else
// $HOME/.cache/rewardbench (the XDG base-directory rules). The environment is passed in.
#include <functional>
#include <optional>
#include <string>

namespace rb::cache {

using EnvironmentLookup = std::function<std::optional<std::string>(const std::string& name)>;

// The process environment (std::getenv), for callers at the program's edge.
EnvironmentLookup process_environment();

// nullopt when neither XDG_CACHE_HOME nor HOME is set (or they are relative, which XDG says to ignore).
std::optional<std::string> default_cache_dir(const EnvironmentLookup& environment);

// The database file inside a cache folder.
std::string score_cache_file(const std::string& cache_dir);

}  // namespace rb::cache
