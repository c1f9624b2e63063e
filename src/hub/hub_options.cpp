#include "hub/hub_options.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

#include "common/file_io.h"

namespace rb::hub {
namespace {

class Environment {
 public:
  explicit Environment(const std::map<std::string, std::string>& overrides) : overrides_(overrides) {}

  std::optional<std::string> get(const std::string& name) const {
    if (auto it = overrides_.find(name); it != overrides_.end()) return it->second;
    if (const char* value = std::getenv(name.c_str())) return std::string(value);
    return std::nullopt;
  }

  // Python's os.getenv(a) or os.getenv(b): an empty first value falls through.
  std::optional<std::string> first_non_empty(const std::string& a, const std::string& b) const {
    auto value = get(a);
    if (value && !value->empty()) return value;
    return get(b);
  }

 private:
  const std::map<std::string, std::string>& overrides_;
};

// os.path.expanduser for the "~" and "~/..." forms.
std::string expand_user(const std::string& path, const Environment& env) {
  if (path.empty() || path[0] != '~' || (path.size() > 1 && path[1] != '/')) return path;
  const std::string home = env.get("HOME").value_or("");
  if (home.empty()) return path;
  return home + path.substr(1);
}

std::string join(const std::string& folder, const std::string& name) {
  if (folder.empty() || folder.back() == '/') return folder + name;
  return folder + "/" + name;
}

std::optional<std::string> clean_token(std::optional<std::string> token) {
  if (!token) return std::nullopt;
  const size_t first = token->find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return std::nullopt;
  return token->substr(first, token->find_last_not_of(" \t\r\n") - first + 1);
}

std::optional<std::string> read_token_file(const std::string& path) { return clean_token(read_file_if_present(path)); }

std::optional<double> positive_seconds(const std::optional<std::string>& value) {
  if (!value || value->empty()) return std::nullopt;
  char* end = nullptr;
  const double seconds = std::strtod(value->c_str(), &end);
  if (end == value->c_str() || seconds <= 0) return std::nullopt;
  return seconds;
}

}  // namespace

bool env_flag_is_true(const std::string& value) {
  std::string upper = value;
  std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) { return std::toupper(c); });
  return upper == "1" || upper == "ON" || upper == "YES" || upper == "TRUE";
}

HubOptions from_environment(const std::map<std::string, std::string>& env_overrides) {
  const Environment env(env_overrides);
  HubOptions options;
  options.warning_stream = &std::cerr;

  const std::string cache_home = env.get("XDG_CACHE_HOME").value_or(join(env.get("HOME").value_or(""), ".cache"));
  options.hf_home = expand_user(env.get("HF_HOME").value_or(join(cache_home, "huggingface")), env);
  const std::string legacy_cache = env.get("HUGGINGFACE_HUB_CACHE").value_or(join(options.hf_home, "hub"));
  options.cache_dir = expand_user(env.get("HF_HUB_CACHE").value_or(legacy_cache), env);

  options.endpoint = env.get("HF_ENDPOINT").value_or("https://huggingface.co");
  while (!options.endpoint.empty() && options.endpoint.back() == '/') options.endpoint.pop_back();

  options.offline = env_flag_is_true(env.first_non_empty("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE").value_or(""));

  options.token = clean_token(env.first_non_empty("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN"));
  if (!options.token) {
    const std::string token_path = expand_user(env.get("HF_TOKEN_PATH").value_or(join(options.hf_home, "token")), env);
    options.token = read_token_file(token_path);
  }

  if (auto disable = env.get("HF_HUB_DISABLE_PROGRESS_BARS"))
    options.progress = env_flag_is_true(*disable) ? ProgressMode::Never : ProgressMode::Auto;
  if (auto seconds = positive_seconds(env.get("HF_HUB_ETAG_TIMEOUT"))) options.etag_timeout_s = *seconds;
  if (auto seconds = positive_seconds(env.get("HF_HUB_DOWNLOAD_TIMEOUT"))) options.download_timeout_s = *seconds;
  return options;
}

}  // namespace rb::hub
