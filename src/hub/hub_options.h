#pragma once
// How to reach the Hub and where its files live, read from the environment exactly as
// huggingface_hub's constants.py reads it: HF_HOME (default $XDG_CACHE_HOME/huggingface, else
// ~/.cache/huggingface), HF_HUB_CACHE (legacy HUGGINGFACE_HUB_CACHE; default $HF_HOME/hub),
// HF_ENDPOINT (default https://huggingface.co, trailing '/' dropped), HF_HUB_OFFLINE (or
// TRANSFORMERS_OFFLINE; 1/ON/YES/TRUE), HF_TOKEN (or HUGGING_FACE_HUB_TOKEN, else the file
// HF_TOKEN_PATH, default $HF_HOME/token), HF_HUB_DISABLE_PROGRESS_BARS, HF_HUB_ETAG_TIMEOUT,
// HF_HUB_DOWNLOAD_TIMEOUT. The environment is read once, in from_environment; everything after
// that takes the options as an argument.
#include <iosfwd>
#include <map>
#include <optional>
#include <string>

namespace rb::hub {

enum class ProgressMode {
  Auto,    // a bar on the progress stream when stderr is a terminal
  Always,  // a bar whatever the stream is (tests, logs that want it)
  Never,
};

struct HubOptions {
  std::string endpoint = "https://huggingface.co";
  std::string hf_home;    // folder of the token file and the default cache
  std::string cache_dir;  // HF_HUB_CACHE: holds models--org--name/, datasets--org--name/, .locks/
  std::optional<std::string> token;
  std::string revision = "main";  // branch, tag or 40-hex commit hash
  bool offline = false;           // no request at all: answer from refs/ and snapshots/ or fail
  double etag_timeout_s = 10;     // HEAD and listing requests
  double download_timeout_s = 10; // a GET that receives nothing for this long fails (and is resumed)
  int download_retries = 5;       // resumes after a cut connection that had delivered data
  double retry_delay_s = 1.0;     // wait before each resume
  ProgressMode progress = ProgressMode::Auto;
  std::ostream* progress_stream = nullptr;  // nullptr: std::cerr
  // Where "the Hub failed, the cache answered" warnings go (nullptr: nowhere).
  std::ostream* warning_stream = nullptr;
  std::string user_agent = "rewardbench-cpp/0.1; hf_hub-compatible";
};

// Builds the options from the process environment (warnings to std::cerr); a key present in `env_overrides` replaces the
// variable of that name (an empty value counts as set, as in Python's os.getenv).
HubOptions from_environment(const std::map<std::string, std::string>& env_overrides = {});

// huggingface_hub's _is_true: "1", "ON", "YES", "TRUE" in any case.
bool env_flag_is_true(const std::string& value);

}  // namespace rb::hub
