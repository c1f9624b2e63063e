#include "pipeline/sequence_builder.h"

#include <algorithm>

#include "common/error.h"
#include "common/parallel_for.h"
#include "runtime/scorer.h"

namespace rb::pipeline {

bool honours_add_eos_token(const TokenizerFolder& folder) {
  const std::string& cls = folder.tokenizer_class;
  for (const char* name : {"LlamaTokenizer", "LlamaTokenizerFast", "CodeLlamaTokenizer", "CodeLlamaTokenizerFast",
                           "GemmaTokenizer", "GemmaTokenizerFast"})
    if (cls == name) return true;
  return false;
}

SequenceBuilder::SequenceBuilder(const TokenizerFolder& folder, std::optional<int64_t> pooling_pad_id,
                                 SequenceOptions options)
    : folder_(folder), pad_id_(pooling_pad_id), options_(options) {
  if (options_.append_eos && !folder_.eos_token_id)
    throw InputError(folder_.dir + ": add_eos_token needs an eos_token in tokenizer_config.json");
  if (options_.max_length < 2 + folder_.tokenizer.num_special_tokens_to_add())
    throw InputError("--max_length " + std::to_string(options_.max_length) + " is too small for this tokenizer");
}

std::vector<int32_t> SequenceBuilder::tokenize(const std::string& text) const {
  const size_t eos_slots = options_.append_eos ? 1 : 0;
  auto ids = folder_.tokenizer.encode_truncated(text, true, options_.max_length - eos_slots, text::TruncationSide::Left);
  if (options_.append_eos) ids.push_back(*folder_.eos_token_id);
  return ids;
}

ModelSequence SequenceBuilder::from_ids(std::vector<int32_t> ids) const {
  ModelSequence sequence;
  const auto bos = folder_.bos_token_id;
  if (options_.masks_doubled_bos && bos && ids.size() >= 2 && ids[0] == *bos && ids[1] == *bos) {
    ids.erase(ids.begin());
    sequence.position_start = 1;
  }
  sequence.pool_index = ids.empty() ? 0 : runtime::pooled_index(options_.pooling, ids, pad_id_);
  sequence.ids = std::move(ids);
  return sequence;
}

ModelSequence SequenceBuilder::build(const std::string& text) const { return from_ids(tokenize(text)); }

int64_t SequenceBuilder::pool_index_after_left_padding(const ModelSequence& sequence, int64_t left_pads) const {
  if (left_pads == 0 || sequence.ids.empty()) return sequence.pool_index;
  return runtime::pooled_index(options_.pooling, sequence.ids, pad_id_, left_pads);
}

std::vector<ModelSequence> SequenceBuilder::build_all(const std::vector<std::string>& texts) const {
  std::vector<ModelSequence> sequences(texts.size());
  parallel_for(texts.size(), threads_for(texts.size(), options_.num_threads, 64),
               [&](size_t i) { sequences[i] = build(texts[i]); });
  return sequences;
}

}  // namespace rb::pipeline
