#pragma once
// Hugging Face tokenizer.json, implemented natively (no Rust, no Python).
// Contract: encode() returns exactly the ids that Hugging Face's Rust `tokenizers`
// (npm tokenizers@0.23.2) returns for Tokenizer.fromFile(path).encode(text, add_special_tokens).
//
// Supported tokenizer.json parts (anything else is rejected with rb::TokenizerError at load):
//   normalizer: NFC, NFD, NFKC, NFKD, Lowercase, Replace, Prepend, Strip, StripAccents,
//          BertNormalizer, Precompiled (SentencePiece charsmap), Nmt, ByteLevel, Sequence, null
//   pre_tokenizer: Split (Regex/String, all behaviours, invert), ByteLevel, Metaspace (prepend
//          schemes, split), Whitespace, WhitespaceSplit, Punctuation, Digits, BertPreTokenizer,
//          Sequence, null
//   model: BPE (ignore_merges, byte_fallback, unk_token/fuse_unk, continuing_subword_prefix,
//          end_of_word_suffix; dropout is ignored, i.e. treated as 0), Unigram (Viterbi,
//          byte_fallback), WordPiece, WordLevel
//   post_processor: ByteLevel, TemplateProcessing (single), BertProcessing, RobertaProcessing,
//          Sequence, null
//   decoder: ByteLevel, Metaspace, WordPiece, BPEDecoder, CTC, Replace, ByteFallback, Fuse,
//          Strip, Sequence, null
// Tokenizer folders (from_folder) also load SentencePiece .model files (converted natively into
// the tokenizer.json transformers' converters build; sentencepiece_convert.h) and GPT-2 style
// vocab.json + merges.txt; see from_folder.
// Added tokens get their ids the way Rust assigns them (a token in the vocab keeps its vocab id,
// a new one takes the next id after the vocab); the file's "id" field is only informative there.
// A "truncation" block in the file is honoured by encode() like Rust does; "padding" is ignored.
//
// Unicode versions are the oracle's, not ICU's: NFC/NFD/NFKC/NFKD leave characters assigned after
// Unicode 9.0 untouched (Rust's unicode-normalization-alignments tables), punctuation and BERT's
// control class are Unicode 8.0 (unicode_categories), char::is_whitespace / is_numeric and regex
// \w are Unicode 16.0 (see unicode_classes.h; checked code point by code point in the tests).
//
// Invalid UTF-8 input: encode* throws rb::TokenizerError naming the byte offset of the first
// ill-formed sequence (overlong forms, surrogates and code points above U+10FFFF included);
// nothing is replaced silently. Regex matching failures (PCRE2 resource limits) also throw.
//
// Thread safety: a Tokenizer is immutable after loading; encode* may run concurrently (the BPE
// word cache inside is internally locked).
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace rb::text {

class Model;

enum class TruncationSide { Left, Right };

class Tokenizer {
 public:
  // Reads and validates a tokenizer.json; throws rb::IoError / rb::TokenizerError naming the file.
  static Tokenizer from_file(const std::string& tokenizer_json_path);
  static Tokenizer from_json_string(const std::string& json, const std::string& origin = "<memory>");

  // A Hugging Face tokenizer folder, loaded as transformers' AutoTokenizer would see it:
  //   tokenizer.json if present, else tokenizer.model (SentencePiece, converted natively as
  //   transformers' convert_slow_tokenizer does for a fast tokenizer, honouring `legacy`),
  //   else vocab.json + merges.txt (GPT-2 byte-level BPE).
  // tokenizer_config.json (optional) then decides as transformers does: tokens of
  // added_tokens_decoder missing from the tokenizer are added with their flags; for
  // tokenizer_class Llama/CodeLlama/Gemma (slow or Fast) the post-processor is rebuilt from
  // add_bos_token (default true) / add_eos_token (default false) and bos_token / eos_token;
  // for the other classes add_bos_token / add_eos_token are honoured when the folder has no
  // tokenizer.json (GPT-2 style folders add nothing by default).
  // Throws rb::IoError when no loadable file exists, rb::TokenizerError on malformed files.
  static Tokenizer from_folder(const std::string& dir);

  // Builds from a parsed tokenizer.json document; `model` (may be null) replaces doc["model"].
  static Tokenizer from_document(const nlohmann::json& doc, const std::string& origin,
                                 std::unique_ptr<Model> model = nullptr);

  // Added tokens are split out first, then normalizer, pre-tokenizer, model; the
  // post-processor (e.g. TemplateProcessing adding BOS) runs only when add_special_tokens.
  std::vector<int32_t> encode(std::string_view text, bool add_special_tokens = true) const;

  // Hugging Face truncation semantics: the content ids are truncated to
  // max_length - num_special_tokens_to_add() from `side` (to max_length when
  // !add_special_tokens), then the post-processor runs. Throws rb::TokenizerError when
  // add_special_tokens and max_length < num_special_tokens_to_add().
  std::vector<int32_t> encode_truncated(std::string_view text, bool add_special_tokens,
                                        size_t max_length, TruncationSide side) const;

  // Encodes many texts on `num_threads` threads (0 = hardware concurrency); order preserved.
  std::vector<std::vector<int32_t>> encode_batch(const std::vector<std::string>& texts,
                                                 bool add_special_tokens,
                                                 unsigned num_threads = 0) const;

  // Ids -> text as Rust's Tokenizer::decode: ids become tokens (added tokens first, unknown ids
  // skipped), special added tokens are dropped when skip_special_tokens, then the decoder runs
  // (no decoder: tokens joined by " "). transformers' clean_up_tokenization_spaces is not applied.
  std::string decode(const std::vector<int32_t>& ids, bool skip_special_tokens = false) const;

  // How many ids the post-processor adds to a single sequence (1 for Llama-3's BOS).
  size_t num_special_tokens_to_add() const;

  std::optional<int32_t> token_to_id(std::string_view token) const;   // vocab or added token
  std::optional<std::string> id_to_token(int32_t id) const;
  size_t vocab_size() const;  // including added tokens

  class Impl;

 private:
  explicit Tokenizer(std::shared_ptr<const Impl> impl);
  std::shared_ptr<const Impl> impl_;  // immutable after load, so copies share it safely
};

}  // namespace rb::text
