#pragma once
// A SentencePiece .model file as a tokenizer model, run through libsentencepiece (Debian's
// libsentencepiece-dev). Each text piece left between added tokens is encoded by
// SentencePieceProcessor::Encode with the file's own normalizer. legacy=true (transformers'
// default for Llama): every piece gets the dummy prefix, as the converted tokenizer.json's
// Prepend normalizer does. legacy=false: the dummy prefix is switched off in the model and "▁" is
// prepended only to the piece that starts the input, as the converted Metaspace(prepend_scheme=
// "first", split=false) does.
#include <memory>
#include <string>
#include <vector>

#include "text/tokenizer/model.h"

namespace rb::text {

// What the .model's pieces say about themselves (read from the ModelProto wire format).
struct SentencePiecePieceInfo {
  std::string piece;
  int type = 1;  // 1 normal, 2 unknown, 3 control, 4 user defined, 5 unused, 6 byte
};

class SentencePieceModel final : public Model {
 public:
  // Throws rb::IoError / rb::TokenizerError naming the file.
  explicit SentencePieceModel(const std::string& model_path, bool legacy = true);
  ~SentencePieceModel() override;

  void tokenize(const std::string& word, std::vector<int32_t>& ids) const override;
  void tokenize_at(const std::string& word, bool at_input_start, std::vector<int32_t>& ids) const override;
  std::optional<int32_t> token_to_id(const std::string& token) const override;
  std::optional<std::string> id_to_token(int32_t id) const override;
  size_t vocab_size() const override { return pieces_.size(); }

  const std::vector<SentencePiecePieceInfo>& pieces() const { return pieces_; }

 private:
  void encode_piece(const std::string& word, bool at_input_start, std::vector<int>& encoded) const;
  struct Processor;
  std::unique_ptr<Processor> processor_;
  bool legacy_ = true;
  std::vector<SentencePiecePieceInfo> pieces_;
  std::string origin_;
};

// Parses the pieces of a serialized ModelProto; throws rb::TokenizerError on malformed input.
std::vector<SentencePiecePieceInfo> read_sentencepiece_pieces(const std::string& serialized,
                                                              const std::string& origin);

}  // namespace rb::text
