#pragma once
// Whole-file reads for the project's small inputs (config.json, tokenizer files, token files,
// results files). Big inputs (weights, datasets) are memory-mapped or streamed elsewhere.
#include <optional>
#include <string>

namespace rb {

// The bytes of `path`. Throws rb::IoError "<path>: cannot open for reading: <reason>".
std::string read_file(const std::string& path);

// The bytes of `path`, or nullopt when it cannot be opened (an optional file).
std::optional<std::string> read_file_if_present(const std::string& path);

}  // namespace rb
