#pragma once
// Whole-file writes that readers never see half-done: the bytes go to a temporary file in the
// destination folder, are flushed to disk, and the temporary is renamed over the destination
// (rename is atomic within one file system). A crash leaves either the old file or the new one.
#include <string>
#include <string_view>

namespace rb::io {

// Creates missing parent folders, then replaces `path` with `contents`. Throws rb::IoError naming
// the path and the system error; the temporary file is removed on every failure path.
void write_file_atomically(const std::string& path, std::string_view contents);

}  // namespace rb::io
