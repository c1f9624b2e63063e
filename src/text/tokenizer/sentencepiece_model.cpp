#include "text/tokenizer/sentencepiece_model.h"

#ifdef RB_HAVE_SENTENCEPIECE
#include <sentencepiece_processor.h>
#endif

#include <fstream>
#include <sstream>
#include <unordered_map>

#include "common/error.h"

namespace rb::text {

namespace {

// Just enough of the protobuf wire format to walk ModelProto.pieces.
class WireReader {
 public:
  WireReader(std::string_view data, const std::string& origin) : data_(data), origin_(origin) {}
  bool done() const { return pos_ >= data_.size(); }
  size_t position() const { return pos_; }

  uint64_t varint() {
    uint64_t value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos_ >= data_.size()) fail("truncated varint");
      const auto byte = static_cast<unsigned char>(data_[pos_++]);
      value |= static_cast<uint64_t>(byte & 0x7F) << shift;
      if ((byte & 0x80) == 0) return value;
    }
    fail("varint too long");
  }

  std::string_view bytes() {
    const uint64_t length = varint();
    if (length > data_.size() - pos_) fail("truncated length-delimited field");
    const std::string_view out = data_.substr(pos_, static_cast<size_t>(length));
    pos_ += static_cast<size_t>(length);
    return out;
  }

  void skip(uint32_t wire_type) {
    switch (wire_type) {
      case 0: varint(); return;
      case 1: advance(8); return;
      case 2: bytes(); return;
      case 5: advance(4); return;
      default: fail("unsupported wire type " + std::to_string(wire_type));
    }
  }

 private:
  void advance(size_t n) {
    if (n > data_.size() - pos_) fail("truncated fixed field");
    pos_ += n;
  }
  [[noreturn]] void fail(const std::string& what) const {
    throw TokenizerError(origin_ + ": not a SentencePiece model (" + what + ")");
  }
  std::string_view data_;
  size_t pos_ = 0;
  const std::string& origin_;
};

SentencePiecePieceInfo read_piece(std::string_view message, const std::string& origin) {
  SentencePiecePieceInfo info;
  WireReader reader(message, origin);
  while (!reader.done()) {
    const uint64_t key = reader.varint();
    const auto field = static_cast<uint32_t>(key >> 3);
    const auto wire_type = static_cast<uint32_t>(key & 7);
    if (field == 1 && wire_type == 2) {
      info.piece = std::string(reader.bytes());
    } else if (field == 3 && wire_type == 0) {
      info.type = static_cast<int>(reader.varint());
    } else {
      reader.skip(wire_type);
    }
  }
  return info;
}

void append_varint(std::string& out, uint64_t value) {
  while (value >= 0x80) {
    out.push_back(static_cast<char>((value & 0x7F) | 0x80));
    value >>= 7;
  }
  out.push_back(static_cast<char>(value));
}

// The same ModelProto with normalizer_spec.add_dummy_prefix = false (field 3 of field 3): the
// appended value wins, as protobuf keeps the last occurrence of a scalar field.
std::string without_dummy_prefix(const std::string& serialized, const std::string& origin) {
  std::string out;
  bool had_normalizer = false;
  WireReader reader(serialized, origin);
  while (!reader.done()) {
    const size_t field_start = reader.position();
    const uint64_t key = reader.varint();
    const auto field = static_cast<uint32_t>(key >> 3);
    const auto wire_type = static_cast<uint32_t>(key & 7);
    if (field == 3 && wire_type == 2) {
      std::string spec(reader.bytes());
      spec += std::string("\x18\x00", 2);
      append_varint(out, key);
      append_varint(out, spec.size());
      out += spec;
      had_normalizer = true;
      continue;
    }
    reader.skip(wire_type);
    out.append(serialized, field_start, reader.position() - field_start);
  }
  if (!had_normalizer) {
    append_varint(out, (3u << 3) | 2u);
    append_varint(out, 2);
    out += std::string("\x18\x00", 2);
  }
  return out;
}

}  // namespace

std::vector<SentencePiecePieceInfo> read_sentencepiece_pieces(const std::string& serialized,
                                                              const std::string& origin) {
  std::vector<SentencePiecePieceInfo> pieces;
  WireReader reader(serialized, origin);
  while (!reader.done()) {
    const uint64_t key = reader.varint();
    const auto field = static_cast<uint32_t>(key >> 3);
    const auto wire_type = static_cast<uint32_t>(key & 7);
    if (field == 1 && wire_type == 2) {
      pieces.push_back(read_piece(reader.bytes(), origin));
    } else {
      reader.skip(wire_type);
    }
  }
  if (pieces.empty()) throw TokenizerError(origin + ": SentencePiece model has no pieces");
  return pieces;
}

#ifdef RB_HAVE_SENTENCEPIECE
struct SentencePieceModel::Processor {
  sentencepiece::SentencePieceProcessor sp;
  std::unordered_map<std::string, int32_t> ids;
  bool load(const std::string& serialized, std::string& error) {
    const auto status = sp.LoadFromSerializedProto(serialized);
    if (!status.ok()) error = status.ToString();
    return status.ok();
  }
  bool encode(const std::string& text, std::vector<int>& out, std::string& error) const {
    const auto status = sp.Encode(text, &out);
    if (!status.ok()) error = status.ToString();
    return status.ok();
  }
};
#else
struct SentencePieceModel::Processor {
  std::unordered_map<std::string, int32_t> ids;
  bool load(const std::string&, std::string& error) {
    error = "this build has no libsentencepiece (apt-get install libsentencepiece-dev and rebuild)";
    return false;
  }
  bool encode(const std::string&, std::vector<int>&, std::string& error) const {
    error = "this build has no libsentencepiece";
    return false;
  }
};
#endif

SentencePieceModel::SentencePieceModel(const std::string& model_path, bool legacy)
    : processor_(std::make_unique<Processor>()), legacy_(legacy), origin_(model_path) {
  std::ifstream in(model_path, std::ios::binary);
  if (!in) throw IoError(model_path + ": cannot open SentencePiece model");
  std::ostringstream content;
  content << in.rdbuf();
  const std::string serialized = content.str();
  pieces_ = read_sentencepiece_pieces(serialized, model_path);
  std::string error;
  if (!processor_->load(legacy ? serialized : without_dummy_prefix(serialized, model_path), error)) {
    throw TokenizerError(model_path + ": libsentencepiece: " + error);
  }
  for (size_t id = 0; id < pieces_.size(); ++id) {
    processor_->ids.emplace(pieces_[id].piece, static_cast<int32_t>(id));
  }
}

SentencePieceModel::~SentencePieceModel() = default;

void SentencePieceModel::tokenize(const std::string& word, std::vector<int32_t>& ids) const {
  tokenize_at(word, /*at_input_start=*/true, ids);
}

void SentencePieceModel::tokenize_at(const std::string& word, bool at_input_start,
                                     std::vector<int32_t>& ids) const {
  std::vector<int> encoded;
  encode_piece(word, at_input_start, encoded);
  ids.insert(ids.end(), encoded.begin(), encoded.end());
}

void SentencePieceModel::encode_piece(const std::string& word, bool at_input_start,
                                              std::vector<int>& encoded) const {
  // legacy=false: only the piece that starts the input gets the "▁" prefix (Metaspace "first").
  static const std::string kMeta = "\u2581";
  const bool prefix = !legacy_ && at_input_start && !word.empty() && word[0] != ' ' &&
                      word.compare(0, kMeta.size(), kMeta) != 0;
  std::string error;
  if (!processor_->encode(prefix ? kMeta + word : word, encoded, error)) {
    throw TokenizerError(origin_ + ": libsentencepiece: " + error);
  }
}

std::optional<int32_t> SentencePieceModel::token_to_id(const std::string& token) const {
  auto it = processor_->ids.find(token);
  if (it == processor_->ids.end()) return std::nullopt;
  return it->second;
}

std::optional<std::string> SentencePieceModel::id_to_token(int32_t id) const {
  if (id < 0 || static_cast<size_t>(id) >= pieces_.size()) return std::nullopt;
  return pieces_[static_cast<size_t>(id)].piece;
}

}  // namespace rb::text
