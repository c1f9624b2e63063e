#pragma once
// Trains the demo model's tokenizer: a small byte-level BPE laid out exactly like the real
// Llama-3 tokenizer.json (same split regex, same ByteLevel alphabet, same added-token names,
// BOS added by a TemplateProcessing post-processor), so the demo exercises the code paths a
// real Llama-3 reward model takes, at a size that trains in well under a second.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rb::app {

// The pre-tokenizer regex of Llama-3's tokenizer.json.
extern const char* const kLlama3SplitPattern;

// Added tokens in id order; they get the ids right after the BPE vocabulary.
const std::vector<std::string>& demo_special_tokens();
inline constexpr const char* kBeginOfText = "<|begin_of_text|>";
inline constexpr const char* kEndOfTurn = "<|eot_id|>";

// GPT-2's bytes_to_unicode table: the UTF-8 text of the printable character standing for each
// byte. Base token ids follow the characters' code point order (byte '!' is id 0).
const std::vector<std::string>& byte_level_alphabet();
std::string bytes_to_byte_level(std::string_view bytes);
// Inverse of bytes_to_byte_level; throws rb::TokenizerError on a character outside the alphabet.
std::string byte_level_to_bytes(std::string_view byte_level_text);

// Splits text into the pieces the Llama-3 Split(Isolated) pre-tokenizer yields (PCRE2, UTF+UCP).
// Throws rb::TokenizerError on invalid UTF-8.
std::vector<std::string> split_like_llama3(std::string_view text);

struct BpeTrainingOptions {
  size_t vocab_size = 1024;         // total, including demo_special_tokens()
  int64_t min_pair_frequency = 2;   // stop early when no pair occurs this often
};

struct TrainedBpe {
  std::vector<std::string> tokens;                          // byte-level text; id = index
  std::vector<std::pair<std::string, std::string>> merges;  // in priority order

  // Special token id (after the BPE vocabulary); throws rb::TokenizerError if unknown.
  int32_t special_token_id(const std::string& content) const;
  size_t total_vocab_size() const;  // BPE tokens + special tokens
};

// Greedy BPE: repeatedly merges the most frequent adjacent pair of the pre-tokenized words,
// ties broken by the smaller (left id, right id). Word counts are kept in sorted maps, so the
// result depends only on the multiset of words, never on hash or input order.
TrainedBpe train_byte_level_bpe(const std::vector<std::string>& texts,
                                const BpeTrainingOptions& options);

// Encodes text (no special tokens) with the learned merges the way Hugging Face's BPE model with
// ignore_merges does: a whole word found in the vocabulary is one token, otherwise the
// lowest-ranked adjacent pair is merged until none applies.
class MergeEncoder {
 public:
  explicit MergeEncoder(const TrainedBpe& bpe);
  std::vector<int32_t> encode(std::string_view text) const;
  std::string decode(const std::vector<int32_t>& ids) const;  // back to raw bytes

 private:
  std::vector<int32_t> encode_word(const std::string& byte_level_word) const;

  std::vector<std::string> tokens_;
  std::map<std::string, int32_t> token_ids_;
  std::map<std::pair<int32_t, int32_t>, std::pair<int32_t, int32_t>> merge_rank_and_result_;
};

// tokenizer.json in the layout of Meta's Llama-3 file, pretty-printed like `tokenizers` saves it.
std::string make_tokenizer_json(const TrainedBpe& bpe);
// tokenizer_config.json with bos/eos/pad tokens and a Llama-3-style chat template.
std::string make_tokenizer_config_json(const TrainedBpe& bpe);
// The chat template written into tokenizer_config.json.
const std::string& demo_chat_template();

}  // namespace rb::app
