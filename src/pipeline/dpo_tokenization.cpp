#include "pipeline/dpo_tokenization.h"

#include <algorithm>

#include "common/error.h"
#include "common/parallel_for.h"

namespace rb::pipeline {
namespace {

constexpr int32_t kLabelPad = -100;

// The prompt and answer halves of one side while tokenize_row works on them.
struct Halves {
  std::vector<int32_t> prompt, answer;
  bool boundary_fix = false, prompt_truncated = false, answer_truncated = false;
};

Halves split_with_specials(const EncodeWithoutSpecials& encode, const DpoSpecialIds& special, const std::string& prompt,
                           const std::string& text) {
  auto split = split_prompt_answer(encode, prompt, remove_all_occurrences(text, prompt));
  Halves halves;
  halves.prompt.reserve(split.prompt_ids.size() + 1);
  halves.prompt.push_back(special.bos);
  halves.prompt.insert(halves.prompt.end(), split.prompt_ids.begin(), split.prompt_ids.end());
  halves.answer = std::move(split.answer_ids);
  halves.answer.push_back(special.eos);
  halves.boundary_fix = split.boundary_fix;
  return halves;
}

// Both sides are judged against the LONGER answer, as the reference does.
void truncate_keep_end(Halves& halves, size_t longer_answer, const DpoTruncation& truncation) {
  if (halves.prompt.size() + longer_answer > truncation.max_length) {
    halves.prompt_truncated = true;
    if (halves.prompt.size() > truncation.max_prompt_length)
      halves.prompt.erase(halves.prompt.begin(), halves.prompt.end() - truncation.max_prompt_length);
  }
  if (halves.prompt.size() + longer_answer > truncation.max_length) {
    halves.answer_truncated = true;
    const size_t keep = truncation.max_length - truncation.max_prompt_length;
    if (halves.answer.size() > keep) halves.answer.resize(keep);
  }
}

DpoSequence to_sequence(Halves halves) {
  DpoSequence sequence;
  sequence.prompt_length = halves.prompt.size();
  sequence.ids = std::move(halves.prompt);
  sequence.ids.insert(sequence.ids.end(), halves.answer.begin(), halves.answer.end());
  sequence.boundary_fix = halves.boundary_fix;
  sequence.prompt_truncated = halves.prompt_truncated;
  sequence.answer_truncated = halves.answer_truncated;
  return sequence;
}

}  // namespace

DpoSpecialIds dpo_special_ids(const TokenizerFolder& folder) {
  if (!folder.eos_token_id)
    throw InputError(folder.dir + ": DPO scoring needs an eos_token in tokenizer_config.json (it ends every answer)");
  DpoSpecialIds ids;
  ids.eos = *folder.eos_token_id;
  ids.pad = ids.eos;
  ids.bos = folder.bos_token_id ? *folder.bos_token_id : ids.eos;
  return ids;
}

void apply_dpo_special_tokens(TokenizerFolder& folder) {
  auto& special = folder.special_tokens;
  if (!special.has_eos) return;
  special.pad_token = special.eos_token;
  special.has_pad = true;
  if (!special.has_bos) {
    special.bos_token = special.eos_token;
    special.has_bos = true;
  }
}

std::vector<int32_t> DpoSequence::labels() const {
  std::vector<int32_t> labels = ids;
  std::fill(labels.begin(), labels.begin() + static_cast<std::ptrdiff_t>(prompt_length), kLabelPad);
  return labels;
}

std::string remove_all_occurrences(const std::string& text, const std::string& pattern) {
  if (pattern.empty()) return text;
  std::string out;
  out.reserve(text.size());
  size_t from = 0;
  for (size_t at; (at = text.find(pattern, from)) != std::string::npos; from = at + pattern.size())
    out.append(text, from, at - from);
  out.append(text, from, std::string::npos);
  return out;
}

PromptAnswerSplit split_prompt_answer(const EncodeWithoutSpecials& encode, const std::string& prompt,
                                      const std::string& answer) {
  const auto full = encode(prompt + answer);
  const auto prompt_ids = encode(prompt);
  if (prompt_ids.size() > full.size())
    throw TokenizerError("DPO tokenization: the prompt alone has more tokens (" + std::to_string(prompt_ids.size()) +
                         ") than prompt + answer (" + std::to_string(full.size()) + ")");
  size_t start = prompt_ids.size();
  PromptAnswerSplit split;
  if (!std::equal(prompt_ids.begin(), prompt_ids.end(), full.begin())) {
    // A merge across the boundary changed the prompt's last token: it goes with the answer.
    --start;
    split.boundary_fix = true;
  }
  split.prompt_ids.assign(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(start));
  split.answer_ids.assign(full.begin() + static_cast<std::ptrdiff_t>(start), full.end());
  return split;
}

DpoPair tokenize_dpo_pair(const EncodeWithoutSpecials& encode, const DpoSpecialIds& special, const std::string& prompt,
                          const std::string& text_chosen, const std::string& text_rejected,
                          const DpoTruncation& truncation) {
  if (truncation.max_prompt_length >= truncation.max_length)
    throw InputError("DPO truncation: max_prompt_length (" + std::to_string(truncation.max_prompt_length) +
                     ") must be below max_length (" + std::to_string(truncation.max_length) + ")");
  Halves chosen = split_with_specials(encode, special, prompt, text_chosen);
  Halves rejected = split_with_specials(encode, special, prompt, text_rejected);
  const size_t longer = std::max(chosen.answer.size(), rejected.answer.size());
  truncate_keep_end(chosen, longer, truncation);
  truncate_keep_end(rejected, longer, truncation);
  return {to_sequence(std::move(chosen)), to_sequence(std::move(rejected))};
}

EncodeWithoutSpecials encoder_without_specials(const TokenizerFolder& folder) {
  const text::Tokenizer* tokenizer = &folder.tokenizer;
  return [tokenizer](const std::string& text) { return tokenizer->encode(text, false); };
}

std::vector<DpoSequence> tokenize_dpo_rows(const TokenizerFolder& folder, const std::vector<eval::RenderedTexts>& texts,
                                           const std::vector<std::string>& origins, const DpoTruncation& truncation,
                                           unsigned threads) {
  const DpoSpecialIds special = dpo_special_ids(folder);
  const EncodeWithoutSpecials encode = encoder_without_specials(folder);
  std::vector<DpoSequence> sequences(2 * texts.size());
  parallel_for(texts.size(), threads_for(texts.size(), threads, 32), [&](size_t i) {
    try {
      DpoPair pair = tokenize_dpo_pair(encode, special, texts[i].prompt, texts[i].chosen, texts[i].rejected, truncation);
      sequences[2 * i] = std::move(pair.chosen);
      sequences[2 * i + 1] = std::move(pair.rejected);
    } catch (const Error& e) {
      throw InputError(origins.at(i) + ": " + e.what());
    }
  });
  return sequences;
}

}  // namespace rb::pipeline
