#pragma once
// SentencePiece's serialized ModelProto (sentencepiece_model.proto), read with a small protobuf
// wire-format reader of our own: no libsentencepiece and no libprotobuf, whose embedded copies
// clash with the libprotobuf that libtorch loads. Only the fields a tokenizer conversion needs
// are kept; every other field is skipped by its wire type.
//
// Robustness: any malformed input (truncated varint, length past the end, unknown wire type,
// out-of-range enum) throws rb::TokenizerError naming the origin and the byte offset. Every
// allocation is bounded by the input size (strings are copied out of the input, pieces are only
// created for bytes actually present).
#include <cstdint>
#include <string>
#include <vector>

namespace rb::text {

enum class SentencePieceType : int32_t {
  Normal = 1,
  Unknown = 2,
  Control = 3,
  UserDefined = 4,
  Unused = 5,
  Byte = 6,
};

enum class SentencePieceModelType : int32_t { Unigram = 1, Bpe = 2, Word = 3, Char = 4 };

struct SentencePieceProtoPiece {
  std::string piece;
  float score = 0.0f;
  SentencePieceType type = SentencePieceType::Normal;
};

// TrainerSpec fields that shape encoding; defaults are the .proto's defaults.
struct SentencePieceTrainerSpec {
  SentencePieceModelType model_type = SentencePieceModelType::Unigram;
  int32_t vocab_size = 8000;
  bool byte_fallback = false;
  bool split_digits = false;
  bool treat_whitespace_as_suffix = false;
  bool allow_whitespace_only_pieces = false;
  int32_t unk_id = 0;
  int32_t bos_id = 1;
  int32_t eos_id = 2;
  int32_t pad_id = -1;
  std::string unk_piece = "<unk>";
  std::string bos_piece = "<s>";
  std::string eos_piece = "</s>";
  std::string pad_piece = "<pad>";
};

struct SentencePieceNormalizerSpec {
  std::string name;
  std::string precompiled_charsmap;  // raw bytes
  bool add_dummy_prefix = true;
  bool remove_extra_whitespaces = true;
  bool escape_whitespaces = true;
};

struct SentencePieceModelProto {
  std::vector<SentencePieceProtoPiece> pieces;
  SentencePieceTrainerSpec trainer_spec;
  SentencePieceNormalizerSpec normalizer_spec;
};

// Parses serialized bytes; `origin` (usually the file path) names the input in errors.
// Throws rb::TokenizerError on malformed input or a model without pieces.
SentencePieceModelProto parse_sentencepiece_model(const std::string& serialized, const std::string& origin);

// Reads and parses a .model file; throws rb::IoError when it cannot be read.
SentencePieceModelProto read_sentencepiece_model_file(const std::string& path);

// The inverse of parse_sentencepiece_model for the fields above (all of them written
// explicitly). Used to build small models in tests and to round-trip.
std::string serialize_sentencepiece_model(const SentencePieceModelProto& model);

}  // namespace rb::text
