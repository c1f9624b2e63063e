#pragma once
// Converts a SentencePiece ModelProto into the tokenizer.json document that transformers'
// slow->fast converters (transformers 4.57 convert_slow_tokenizer.py) build from a
// tokenizer.model, so that a folder with only a .model file is tokenized by the same native
// pipeline as a tokenizer.json (no libsentencepiece). Load the result with
// rb::text::Tokenizer::from_json_string(doc.dump(), origin).
//
// Families (SentencePieceConvertOptions::family):
//   "llama"      LlamaConverter: BPE (merges from the pieces, byte_fallback, unk fused), pieces
//                0..2 keep their ids; legacy=true: normalizer Sequence[Prepend("▁"), Replace(" ",
//                "▁")], no pre-tokenizer; legacy=false: no normalizer, Metaspace(prepend_scheme
//                "first", split=false). Post-processor as LlamaTokenizerFast (add_bos default true).
//   "gemma"      GemmaConverter: BPE with byte_fallback, normalizer Replace(" ", "▁"), no
//                pre-tokenizer, "<0x09>" renamed "\t" when the vocab has no tab, add_bos default true.
//   "t5"         T5Converter: Unigram (or BPE), Precompiled + Strip(right) + Replace(" {2,}", "▁")
//                normalizer, Metaspace pre-tokenizer, `extra_ids` <extra_id_N> pieces appended,
//                post-processor "$A </s>".
//   "deberta-v2" DebertaV2Converter: [Lowercase] Strip Precompiled Replace(" {2,}", " ") normalizer,
//                [Punctuation isolated] + Metaspace, post-processor "[CLS] $A [SEP]".
//   "spm"        the SpmConverter base (no post-processor).
//   "auto"       trainer_spec.model_type: BPE -> "llama", UNIGRAM -> "spm"; WORD/CHAR rejected.
// Added tokens: the unk/bos/eos/pad pieces (which transformers registers as special tokens),
// control pieces (special) and user-defined pieces (not special), all normalized=false, in id order.
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "text/tokenizer/sentencepiece_proto.h"

namespace rb::text {

struct SentencePieceConvertOptions {
  std::string family = "auto";
  bool legacy = true;            // transformers' default for Llama tokenizers
  bool add_prefix_space = true;  // the slow tokenizer's add_prefix_space (rarely false)
  std::optional<bool> add_bos;   // unset: the family's default (Llama/Gemma true, others false)
  std::optional<bool> add_eos;   // unset: the family's default (false; T5 always appends </s>)
  int extra_ids = 100;           // T5's <extra_id_N> tokens
  bool do_lower_case = false;    // DeBERTa-v2
  bool split_by_punct = false;   // DeBERTa-v2
  std::string origin = "<memory>";  // names the model in errors
};

// Options as transformers derives them from a folder's tokenizer_config.json (an empty object
// when the folder has none): tokenizer_class picks the family (Llama/CodeLlama -> "llama",
// Gemma -> "gemma", T5 -> "t5", DebertaV2 -> "deberta-v2", with or without "Fast"; anything else
// "auto"); legacy (default true), add_prefix_space (default true), add_bos_token, add_eos_token,
// extra_ids (T5, default 100), do_lower_case and split_by_punct (DeBERTa-v2) are read when present.
// Throws rb::TokenizerError naming `origin` when a present field has the wrong type.
SentencePieceConvertOptions sentencepiece_options_from_config(const nlohmann::json& config,
                                                              const std::string& origin);

// Reads a .model file and converts it: what from_folder needs for a folder with tokenizer.model
// and no tokenizer.json. Throws rb::IoError / rb::TokenizerError naming the file.
nlohmann::json sentencepiece_file_to_tokenizer_json(const std::string& model_path,
                                                    SentencePieceConvertOptions options);

// Throws rb::TokenizerError for an unknown family, an unsupported model type, or ids that the
// post-processor needs but the vocab lacks.
nlohmann::json convert_sentencepiece_to_tokenizer_json(const SentencePieceModelProto& model,
                                                       const SentencePieceConvertOptions& options);

// BPE merges as transformers' generate_merges(vocab, vocab_scores) computes them: for every
// piece (in vocab_scores order) each split into two pieces both in `vocab`, ordered by their
// ids; then all sorted by (score, len(left), len(right)) descending, ties keeping that order.
// Lengths are in code points. Exposed for tests.
struct SentencePieceMerge {
  std::string left;
  std::string right;
};
std::vector<SentencePieceMerge> sentencepiece_bpe_merges(
    const std::vector<std::pair<std::string, float>>& vocab_scores,
    const std::vector<std::string>& id_to_piece);

}  // namespace rb::text
