#include "text/tokenizer/sentencepiece_proto.h"

#include <cstring>
#include <fstream>
#include <sstream>
#include <string_view>

#include "common/error.h"
#include "common/file_io.h"
#include "common/utf8.h"

namespace rb::text {
namespace {

enum WireType : uint32_t { kVarint = 0, kFixed64 = 1, kLengthDelimited = 2, kFixed32 = 5 };

// A cursor over one message's bytes. Offsets in errors are absolute within the whole input,
// so a user can find the bad byte with a hex dump.
class WireReader {
 public:
  WireReader(std::string_view bytes, size_t base_offset, const std::string& origin)
      : bytes_(bytes), base_(base_offset), origin_(origin) {}

  bool done() const { return pos_ >= bytes_.size(); }
  size_t offset() const { return base_ + pos_; }

  uint64_t varint() {
    uint64_t value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (done()) fail("truncated varint");
      const auto byte = static_cast<unsigned char>(bytes_[pos_++]);
      value |= static_cast<uint64_t>(byte & 0x7f) << shift;
      if ((byte & 0x80) == 0) return value;
    }
    fail("varint longer than 10 bytes");
  }

  uint32_t fixed32() {
    if (bytes_.size() - pos_ < 4) fail("truncated fixed32 field");
    uint32_t value = 0;
    for (int i = 3; i >= 0; --i) value = (value << 8) | static_cast<unsigned char>(bytes_[pos_ + i]);
    pos_ += 4;
    return value;
  }

  // A length-delimited payload; the returned reader's offsets stay absolute.
  WireReader sub_message() {
    const size_t start = pos_;
    const std::string_view payload = length_delimited();
    return WireReader(payload, base_ + start + (pos_ - start - payload.size()), origin_);
  }

  std::string_view length_delimited() {
    const uint64_t length = varint();
    if (length > bytes_.size() - pos_) {
      fail("length-delimited field of " + std::to_string(length) + " bytes runs past the end");
    }
    const std::string_view payload = bytes_.substr(pos_, static_cast<size_t>(length));
    pos_ += static_cast<size_t>(length);
    return payload;
  }

  void skip(uint32_t wire_type) {
    switch (wire_type) {
      case kVarint: varint(); return;
      case kFixed64:
        if (bytes_.size() - pos_ < 8) fail("truncated fixed64 field");
        pos_ += 8;
        return;
      case kLengthDelimited: length_delimited(); return;
      case kFixed32: fixed32(); return;
      default: fail("unsupported wire type " + std::to_string(wire_type));
    }
  }

  [[noreturn]] void fail(const std::string& what) const {
    throw TokenizerError(origin_ + ": malformed SentencePiece model at byte " + std::to_string(offset()) +
                         ": " + what);
  }

 private:
  std::string_view bytes_;
  size_t pos_ = 0;
  size_t base_ = 0;
  const std::string& origin_;
};

struct FieldKey {
  uint32_t number;
  uint32_t wire_type;
};

FieldKey read_key(WireReader& reader) {
  const uint64_t key = reader.varint();
  const auto number = key >> 3;
  if (number == 0 || number > 0x1fffffff) reader.fail("invalid field number " + std::to_string(number));
  return {static_cast<uint32_t>(number), static_cast<uint32_t>(key & 7)};
}

void expect_wire_type(WireReader& reader, const FieldKey& key, uint32_t expected, const char* field) {
  if (key.wire_type != expected) {
    reader.fail(std::string("field ") + field + " has wire type " + std::to_string(key.wire_type) +
                ", expected " + std::to_string(expected));
  }
}

int32_t read_int32(WireReader& reader, const FieldKey& key, const char* field) {
  expect_wire_type(reader, key, kVarint, field);
  return static_cast<int32_t>(static_cast<uint32_t>(reader.varint()));  // protobuf truncates to 32 bits
}

bool read_bool(WireReader& reader, const FieldKey& key, const char* field) {
  expect_wire_type(reader, key, kVarint, field);
  return reader.varint() != 0;
}

std::string read_string(WireReader& reader, const FieldKey& key, const char* field) {
  expect_wire_type(reader, key, kLengthDelimited, field);
  std::string value(reader.length_delimited());
  // Strings end up in a JSON document, which must be valid UTF-8.
  if (utf8::find_invalid(value) != std::string::npos) {
    reader.fail(std::string("field ") + field + " (ending here) is not valid UTF-8");
  }
  return value;
}

void parse_piece(WireReader reader, SentencePieceProtoPiece& piece) {
  while (!reader.done()) {
    const FieldKey key = read_key(reader);
    if (key.number == 1) {
      piece.piece = read_string(reader, key, "pieces.piece");
    } else if (key.number == 2) {
      expect_wire_type(reader, key, kFixed32, "pieces.score");
      const uint32_t bits = reader.fixed32();
      std::memcpy(&piece.score, &bits, sizeof(piece.score));
    } else if (key.number == 3) {
      const int32_t type = read_int32(reader, key, "pieces.type");
      if (type < 1 || type > 6) reader.fail("pieces.type " + std::to_string(type) + " is not 1..6");
      piece.type = static_cast<SentencePieceType>(type);
    } else {
      reader.skip(key.wire_type);
    }
  }
}

void parse_trainer_spec(WireReader reader, SentencePieceTrainerSpec& spec) {
  while (!reader.done()) {
    const FieldKey key = read_key(reader);
    switch (key.number) {
      case 3: {
        const int32_t type = read_int32(reader, key, "trainer_spec.model_type");
        if (type < 1 || type > 4) reader.fail("trainer_spec.model_type " + std::to_string(type) + " is not 1..4");
        spec.model_type = static_cast<SentencePieceModelType>(type);
        break;
      }
      case 4: spec.vocab_size = read_int32(reader, key, "trainer_spec.vocab_size"); break;
      case 24: spec.treat_whitespace_as_suffix = read_bool(reader, key, "trainer_spec.treat_whitespace_as_suffix"); break;
      case 25: spec.split_digits = read_bool(reader, key, "trainer_spec.split_digits"); break;
      case 26: spec.allow_whitespace_only_pieces = read_bool(reader, key, "trainer_spec.allow_whitespace_only_pieces"); break;
      case 35: spec.byte_fallback = read_bool(reader, key, "trainer_spec.byte_fallback"); break;
      case 40: spec.unk_id = read_int32(reader, key, "trainer_spec.unk_id"); break;
      case 41: spec.bos_id = read_int32(reader, key, "trainer_spec.bos_id"); break;
      case 42: spec.eos_id = read_int32(reader, key, "trainer_spec.eos_id"); break;
      case 43: spec.pad_id = read_int32(reader, key, "trainer_spec.pad_id"); break;
      case 45: spec.unk_piece = read_string(reader, key, "trainer_spec.unk_piece"); break;
      case 46: spec.bos_piece = read_string(reader, key, "trainer_spec.bos_piece"); break;
      case 47: spec.eos_piece = read_string(reader, key, "trainer_spec.eos_piece"); break;
      case 48: spec.pad_piece = read_string(reader, key, "trainer_spec.pad_piece"); break;
      default: reader.skip(key.wire_type);
    }
  }
}

void parse_normalizer_spec(WireReader reader, SentencePieceNormalizerSpec& spec) {
  while (!reader.done()) {
    const FieldKey key = read_key(reader);
    switch (key.number) {
      case 1: spec.name = read_string(reader, key, "normalizer_spec.name"); break;
      case 2:
        expect_wire_type(reader, key, kLengthDelimited, "normalizer_spec.precompiled_charsmap");
        spec.precompiled_charsmap = std::string(reader.length_delimited());  // bytes, not text
        break;
      case 3: spec.add_dummy_prefix = read_bool(reader, key, "normalizer_spec.add_dummy_prefix"); break;
      case 4: spec.remove_extra_whitespaces = read_bool(reader, key, "normalizer_spec.remove_extra_whitespaces"); break;
      case 5: spec.escape_whitespaces = read_bool(reader, key, "normalizer_spec.escape_whitespaces"); break;
      default: reader.skip(key.wire_type);
    }
  }
}

// --- writer -------------------------------------------------------------------------------

void put_varint(std::string& out, uint64_t value) {
  while (value >= 0x80) {
    out.push_back(static_cast<char>((value & 0x7f) | 0x80));
    value >>= 7;
  }
  out.push_back(static_cast<char>(value));
}

void put_key(std::string& out, uint32_t number, uint32_t wire_type) {
  put_varint(out, (static_cast<uint64_t>(number) << 3) | wire_type);
}

void put_int32(std::string& out, uint32_t number, int32_t value) {
  put_key(out, number, kVarint);
  // Negative int32 values are sign-extended to 64 bits on the wire, as protobuf does.
  put_varint(out, static_cast<uint64_t>(static_cast<int64_t>(value)));
}

void put_bytes(std::string& out, uint32_t number, const std::string& value) {
  put_key(out, number, kLengthDelimited);
  put_varint(out, value.size());
  out += value;
}

void put_float(std::string& out, uint32_t number, float value) {
  put_key(out, number, kFixed32);
  uint32_t bits = 0;
  std::memcpy(&bits, &value, sizeof(bits));
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((bits >> (8 * i)) & 0xff));
}

std::string serialize_piece(const SentencePieceProtoPiece& piece) {
  std::string out;
  put_bytes(out, 1, piece.piece);
  put_float(out, 2, piece.score);
  put_int32(out, 3, static_cast<int32_t>(piece.type));
  return out;
}

std::string serialize_trainer_spec(const SentencePieceTrainerSpec& spec) {
  std::string out;
  put_int32(out, 3, static_cast<int32_t>(spec.model_type));
  put_int32(out, 4, spec.vocab_size);
  put_int32(out, 24, spec.treat_whitespace_as_suffix);
  put_int32(out, 25, spec.split_digits);
  put_int32(out, 26, spec.allow_whitespace_only_pieces);
  put_int32(out, 35, spec.byte_fallback);
  put_int32(out, 40, spec.unk_id);
  put_int32(out, 41, spec.bos_id);
  put_int32(out, 42, spec.eos_id);
  put_int32(out, 43, spec.pad_id);
  put_bytes(out, 45, spec.unk_piece);
  put_bytes(out, 46, spec.bos_piece);
  put_bytes(out, 47, spec.eos_piece);
  put_bytes(out, 48, spec.pad_piece);
  return out;
}

std::string serialize_normalizer_spec(const SentencePieceNormalizerSpec& spec) {
  std::string out;
  put_bytes(out, 1, spec.name);
  if (!spec.precompiled_charsmap.empty()) put_bytes(out, 2, spec.precompiled_charsmap);
  put_int32(out, 3, spec.add_dummy_prefix);
  put_int32(out, 4, spec.remove_extra_whitespaces);
  put_int32(out, 5, spec.escape_whitespaces);
  return out;
}

}  // namespace

SentencePieceModelProto parse_sentencepiece_model(const std::string& serialized, const std::string& origin) {
  SentencePieceModelProto model;
  WireReader reader(serialized, 0, origin);
  while (!reader.done()) {
    const FieldKey key = read_key(reader);
    // Embedded messages that occur twice are merged, as protobuf does: parse into the same struct.
    if (key.number == 1) {
      expect_wire_type(reader, key, kLengthDelimited, "pieces");
      model.pieces.emplace_back();
      parse_piece(reader.sub_message(), model.pieces.back());
    } else if (key.number == 2) {
      expect_wire_type(reader, key, kLengthDelimited, "trainer_spec");
      parse_trainer_spec(reader.sub_message(), model.trainer_spec);
    } else if (key.number == 3) {
      expect_wire_type(reader, key, kLengthDelimited, "normalizer_spec");
      parse_normalizer_spec(reader.sub_message(), model.normalizer_spec);
    } else {
      reader.skip(key.wire_type);
    }
  }
  if (model.pieces.empty()) throw TokenizerError(origin + ": SentencePiece model has no pieces");
  const auto piece_count = static_cast<int64_t>(model.pieces.size());
  const int32_t unk_id = model.trainer_spec.unk_id;
  if (unk_id < 0 || unk_id >= piece_count) {
    throw TokenizerError(origin + ": trainer_spec.unk_id " + std::to_string(unk_id) + " is outside the " +
                         std::to_string(piece_count) + " pieces");
  }
  return model;
}

SentencePieceModelProto read_sentencepiece_model_file(const std::string& path) {
  return parse_sentencepiece_model(read_file(path), path);
}

std::string serialize_sentencepiece_model(const SentencePieceModelProto& model) {
  std::string out;
  for (const auto& piece : model.pieces) put_bytes(out, 1, serialize_piece(piece));
  put_bytes(out, 2, serialize_trainer_spec(model.trainer_spec));
  put_bytes(out, 3, serialize_normalizer_spec(model.normalizer_spec));
  return out;
}

}  // namespace rb::text
