#pragma once
// tokenizer.json "decoder": token strings -> text, as Rust's Decoder::decode_chain then concat.
// Supported: ByteLevel, Metaspace, WordPiece, BPEDecoder, CTC, Replace, ByteFallback, Fuse,
// Strip, Sequence; a missing decoder joins tokens with " " (Rust's default).
// Invalid UTF-8 that byte-level or byte-fallback tokens spell becomes U+FFFD (Rust's
// from_utf8_lossy for ByteLevel; one U+FFFD per byte for ByteFallback).
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "text/tokenizer/json_fields.h"

namespace rb::text {

class Decoder {
 public:
  virtual ~Decoder() = default;
  virtual std::vector<std::string> decode_chain(std::vector<std::string> tokens) const = 0;
};

// Returns nullptr for JSON null; throws rb::TokenizerError for unsupported types.
std::unique_ptr<Decoder> make_decoder(const nlohmann::json& config, const JsonContext& ctx);

// Rust's String::from_utf8_lossy: each maximal invalid subsequence becomes one U+FFFD.
std::string utf8_lossy(const std::string& bytes);

}  // namespace rb::text
