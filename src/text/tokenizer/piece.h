#pragma once
// A piece of the input as it moves through the pipeline: either still text to be split and
// tokenized, or already resolved to one added token.
#include <cstdint>
#include <string>
#include <vector>

namespace rb::text {

struct Piece {
  std::string text;
  int32_t token_id = -1;  // >= 0: an added token, left alone by pre-tokenizer and model
  // Begins at byte 0 of the input (Rust's offsets_original().0 == 0); Metaspace's "first"
  // prepend scheme depends on it.
  bool at_input_start = false;
  bool is_token() const { return token_id >= 0; }
};

using Pieces = std::vector<Piece>;

}  // namespace rb::text
