#include "text/tokenizer/sentencepiece_model.h"

#include <sentencepiece_processor.h>

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

struct SentencePieceModel::Processor {
  sentencepiece::SentencePieceProcessor sp;
  std::unordered_map<std::string, int32_t> ids;
};

SentencePieceModel::SentencePieceModel(const std::string& model_path)
    : processor_(std::make_unique<Processor>()), origin_(model_path) {
  std::ifstream in(model_path, std::ios::binary);
  if (!in) throw IoError(model_path + ": cannot open SentencePiece model");
  std::ostringstream content;
  content << in.rdbuf();
  const std::string serialized = content.str();
  pieces_ = read_sentencepiece_pieces(serialized, model_path);
  const auto status = processor_->sp.LoadFromSerializedProto(serialized);
  if (!status.ok()) throw TokenizerError(model_path + ": libsentencepiece: " + status.ToString());
  for (size_t id = 0; id < pieces_.size(); ++id) {
    processor_->ids.emplace(pieces_[id].piece, static_cast<int32_t>(id));
  }
}

SentencePieceModel::~SentencePieceModel() = default;

void SentencePieceModel::tokenize(const std::string& word, std::vector<int32_t>& ids) const {
  std::vector<int> encoded;
  const auto status = processor_->sp.Encode(word, &encoded);
  if (!status.ok()) throw TokenizerError(origin_ + ": libsentencepiece: " + status.ToString());
  ids.insert(ids.end(), encoded.begin(), encoded.end());
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
