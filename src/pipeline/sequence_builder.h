#pragma once
// Text -> the token sequence the model scores, with the reference pipeline's rules:
//   tokenizer(text, truncation=True, max_length, add_special_tokens=True) truncating from the left;
//   double BOS (template BOS + tokenizer BOS), unless the model's pipeline keeps both
//   (SequenceOptions::masks_doubled_bos): the first BOS is masked out of attention, which in a
//   packed batch means dropping it while the remaining tokens keep their positions (start at 1);
//   the pooled token is the rightmost one whose id is not the pooling pad id (or as the model's
//   PoolingRule says).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/reward_model.h"
#include "pipeline/tokenizer_folder.h"

namespace rb::pipeline {

struct SequenceOptions {
  size_t max_length = 2048;
  // run_rm sets tokenizer.add_eos_token = True on the FastChat path; only Llama/Gemma-class
  // tokenizers honour it (their post-processor is rebuilt with EOS).
  bool append_eos = false;
  unsigned num_threads = 0;  // 0: all cores
  model::PoolingRule pooling = model::PoolingRule::RightmostNonPad;  // the model's (ModelInfo::pooling)
  bool masks_doubled_bos = true;                                     // the model's (ModelInfo)
};

struct ModelSequence {
  std::vector<int32_t> ids;
  int64_t position_start = 0;  // 1 when a leading duplicate BOS was dropped
  int64_t pool_index = 0;      // index into ids whose hidden state is scored
};

// Whether run_rm's `tokenizer.add_eos_token = True` changes this tokenizer (FastChat path only).
bool honours_add_eos_token(const TokenizerFolder& folder);

class SequenceBuilder {
 public:
  SequenceBuilder(const TokenizerFolder& folder, std::optional<int64_t> pooling_pad_id, SequenceOptions options);

  // The ids exactly as the reference tokenizes them (before the double-BOS rule).
  std::vector<int32_t> tokenize(const std::string& text) const;
  ModelSequence build(const std::string& text) const;
  std::vector<ModelSequence> build_all(const std::vector<std::string>& texts) const;
  // The pooled index of `sequence` when the reference left-pads it with `left_pads` pad ids.
  int64_t pool_index_after_left_padding(const ModelSequence& sequence, int64_t left_pads) const;
  size_t max_length() const { return options_.max_length; }
  bool pads_left() const { return folder_.pads_left; }

 private:
  ModelSequence from_ids(std::vector<int32_t> ids) const;

  const TokenizerFolder& folder_;
  std::optional<int64_t> pad_id_;
  SequenceOptions options_;
};

}  // namespace rb::pipeline
