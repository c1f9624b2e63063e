#pragma once
// Texts -> the token sequences RewardBench's DPOInference scores (rewardbench/dpo.py tokenize_row,
// derived from TRL's DPOTrainer), torch-free:
//   - completion = text.replace(prompt, "") with Python semantics: EVERY occurrence of the rendered
//     prompt is removed, so the assistant header belongs to the completion;
//   - split: full = enc(prompt + completion), p = enc(prompt), both without special tokens; the
//     answer is full[len(p):], and the split moves one token left when p is not a prefix of full
//     (a merge across the boundary);
//   - BOS is prepended to every prompt (even when the template already emitted one) and EOS
//     appended to every answer; a tokenizer without BOS uses EOS for both (run_dpo.py);
//   - keep_end truncation: when len(prompt) + longest answer > max_length, the prompt keeps its last
//     max_prompt_length tokens; if still too long, each answer keeps its first
//     max_length - max_prompt_length tokens;
//   - labels are the ids with the prompt positions masked (-100): only answer tokens are scored.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "eval/scored_example.h"
#include "pipeline/tokenizer_folder.h"

namespace rb::pipeline {

// enc(text) without special tokens.
using EncodeWithoutSpecials = std::function<std::vector<int32_t>(const std::string&)>;

struct DpoSpecialIds {
  int32_t bos = 0;
  int32_t eos = 0;
  int32_t pad = 0;  // always eos (run_dpo.py sets pad_token = eos_token)
};

// bos/eos/pad as run_dpo.py sets them up; throws rb::InputError naming the folder without an EOS.
DpoSpecialIds dpo_special_ids(const TokenizerFolder& folder);

// The special-token strings the chat template sees after run_dpo.py's set-up (pad := eos, and
// bos := eos without a BOS): run_dpo renders its texts after changing the tokenizer.
void apply_dpo_special_tokens(TokenizerFolder& folder);

struct DpoTruncation {
  size_t max_length = 2048;
  size_t max_prompt_length = 128;
};

struct DpoSequence {
  std::vector<int32_t> ids;  // prompt then answer
  size_t prompt_length = 0;  // labels are -100 before this index
  bool boundary_fix = false;     // the prompt/answer split moved one token left
  bool prompt_truncated = false;
  bool answer_truncated = false;

  size_t num_answer_tokens() const { return ids.size() - prompt_length; }
  std::vector<int32_t> labels() const;  // ids with the prompt positions set to -100
};

struct DpoPair {
  DpoSequence chosen, rejected;
};

// Python's str.replace(pattern, "") (all non-overlapping occurrences, left to right; an empty
// pattern leaves the text unchanged).
std::string remove_all_occurrences(const std::string& text, const std::string& pattern);

struct PromptAnswerSplit {
  std::vector<int32_t> prompt_ids, answer_ids;
  bool boundary_fix = false;
};

// build_tokenized_answer. Throws rb::TokenizerError when enc(prompt) is longer than enc(prompt+answer).
PromptAnswerSplit split_prompt_answer(const EncodeWithoutSpecials& encode, const std::string& prompt,
                                      const std::string& answer);

// tokenize_row for one pair of full texts sharing `prompt`.
DpoPair tokenize_dpo_pair(const EncodeWithoutSpecials& encode, const DpoSpecialIds& special, const std::string& prompt,
                          const std::string& text_chosen, const std::string& text_rejected,
                          const DpoTruncation& truncation = {});

// enc() of a loaded tokenizer folder (tokenizer(text, add_special_tokens=False)).
EncodeWithoutSpecials encoder_without_specials(const TokenizerFolder& folder);

// Every row's pair (rendered prompt, chosen and rejected texts) as tokenize_row makes it, the
// chosen sequence of row i at 2i and the rejected one at 2i + 1, on up to `threads` threads. A row
// that cannot be tokenized is an rb::InputError starting with `origins[i]` ("file:line").
std::vector<DpoSequence> tokenize_dpo_rows(const TokenizerFolder& folder, const std::vector<eval::RenderedTexts>& texts,
                                           const std::vector<std::string>& origins, const DpoTruncation& truncation,
                                           unsigned threads);

}  // namespace rb::pipeline
