#include "app/demo_tokenizer_trainer.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <algorithm>
#include <array>
#include <limits>
#include <memory>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "common/error.h"

namespace rb::app {

const char* const kLlama3SplitPattern =
    "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|"
    "\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

namespace {

using OrderedJson = nlohmann::ordered_json;

std::string utf8_of(uint32_t code_point) {
  std::string text;
  if (code_point < 0x80) {
    text += static_cast<char>(code_point);
  } else if (code_point < 0x800) {
    text += static_cast<char>(0xC0 | (code_point >> 6));
    text += static_cast<char>(0x80 | (code_point & 0x3F));
  } else {
    text += static_cast<char>(0xE0 | (code_point >> 12));
    text += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
    text += static_cast<char>(0x80 | (code_point & 0x3F));
  }
  return text;
}

bool is_printable_latin1_byte(int byte) {
  return (byte >= 33 && byte <= 126) || (byte >= 161 && byte <= 172) || (byte >= 174 && byte <= 255);
}

// GPT-2's mapping: printable Latin-1 bytes stand for themselves, the others are shifted to
// U+0100 onwards in byte order.
std::array<uint32_t, 256> byte_to_code_point() {
  std::array<uint32_t, 256> table{};
  uint32_t next_shifted = 256;
  for (int byte = 0; byte < 256; ++byte) {
    table[byte] = is_printable_latin1_byte(byte) ? static_cast<uint32_t>(byte) : next_shifted++;
  }
  return table;
}

// Base token id of each byte: rank of its character's code point (what HF's trainer does when
// it sorts the alphabet), so '!' is 0 and the shifted control bytes come last.
const std::array<int32_t, 256>& base_id_of_byte() {
  static const std::array<int32_t, 256> ids = [] {
    std::array<uint32_t, 256> code_points = byte_to_code_point();
    std::array<int32_t, 256> order{};
    for (int byte = 0; byte < 256; ++byte) {
      int32_t rank = 0;
      for (int other = 0; other < 256; ++other) rank += code_points[other] < code_points[byte];
      order[byte] = rank;
    }
    return order;
  }();
  return ids;
}

// Decodes one UTF-8 character at `pos`, advancing it; returns false on malformed input.
bool next_code_point(std::string_view text, size_t& pos, uint32_t& code_point) {
  auto byte = static_cast<unsigned char>(text[pos]);
  int length = byte < 0x80 ? 1 : (byte >> 5) == 0x6 ? 2 : (byte >> 4) == 0xE ? 3 : (byte >> 3) == 0x1E ? 4 : 0;
  if (length == 0 || pos + length > text.size()) return false;
  code_point = length == 1 ? byte : byte & (0x7F >> length);
  for (int i = 1; i < length; ++i) {
    auto continuation = static_cast<unsigned char>(text[pos + i]);
    if ((continuation & 0xC0) != 0x80) return false;
    code_point = (code_point << 6) | (continuation & 0x3F);
  }
  pos += length;
  return true;
}

struct Pcre2CodeDeleter {
  void operator()(pcre2_code* code) const { pcre2_code_free(code); }
};
struct Pcre2MatchDataDeleter {
  void operator()(pcre2_match_data* data) const { pcre2_match_data_free(data); }
};

// Compiled once; a compiled PCRE2 pattern is immutable and safe to share between threads.
const pcre2_code* llama3_split_regex() {
  static const std::unique_ptr<pcre2_code, Pcre2CodeDeleter> code = [] {
    int error_code = 0;
    PCRE2_SIZE error_offset = 0;
    pcre2_code* compiled = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(kLlama3SplitPattern),
                                         PCRE2_ZERO_TERMINATED, PCRE2_UTF | PCRE2_UCP, &error_code,
                                         &error_offset, nullptr);
    if (compiled == nullptr) {
      throw TokenizerError("Llama-3 split regex does not compile at offset " +
                           std::to_string(error_offset));
    }
    return std::unique_ptr<pcre2_code, Pcre2CodeDeleter>(compiled);
  }();
  return code.get();
}

uint64_t pair_key(int32_t left, int32_t right) {
  return (static_cast<uint64_t>(left) << 32) | static_cast<uint32_t>(right);
}

// Words of the corpus as base-id sequences, with how often each occurs.
struct WordTable {
  std::vector<std::vector<int32_t>> symbols;
  std::vector<int64_t> counts;
};

WordTable count_words(const std::vector<std::string>& texts) {
  std::map<std::string, int64_t> word_counts;  // sorted: training never depends on input order
  for (const std::string& text : texts) {
    for (const std::string& piece : split_like_llama3(text)) ++word_counts[piece];
  }
  WordTable table;
  for (const auto& [word, count] : word_counts) {
    std::vector<int32_t> ids;
    for (unsigned char byte : word) ids.push_back(base_id_of_byte()[byte]);
    table.symbols.push_back(std::move(ids));
    table.counts.push_back(count);
  }
  return table;
}

// The most frequent adjacent pair; ties go to the smaller (left, right). Returns count 0 if none.
std::pair<uint64_t, int64_t> most_frequent_pair(const WordTable& words) {
  std::unordered_map<uint64_t, int64_t> pair_counts;
  for (size_t w = 0; w < words.symbols.size(); ++w) {
    const std::vector<int32_t>& ids = words.symbols[w];
    for (size_t i = 0; i + 1 < ids.size(); ++i) pair_counts[pair_key(ids[i], ids[i + 1])] += words.counts[w];
  }
  std::pair<uint64_t, int64_t> best{std::numeric_limits<uint64_t>::max(), 0};
  for (const auto& [key, count] : pair_counts) {
    if (count > best.second || (count == best.second && key < best.first)) best = {key, count};
  }
  return best;
}

void apply_merge(WordTable& words, int32_t left, int32_t right, int32_t merged) {
  for (std::vector<int32_t>& ids : words.symbols) {
    std::vector<int32_t> result;
    result.reserve(ids.size());
    for (size_t i = 0; i < ids.size(); ++i) {
      if (i + 1 < ids.size() && ids[i] == left && ids[i + 1] == right) {
        result.push_back(merged);
        ++i;
      } else {
        result.push_back(ids[i]);
      }
    }
    ids.swap(result);
  }
}

OrderedJson added_token_entry(int32_t id, const std::string& content) {
  return OrderedJson{{"id", id},          {"content", content}, {"single_word", false},
                     {"lstrip", false},   {"rstrip", false},    {"normalized", false},
                     {"special", true}};
}

OrderedJson byte_level_settings(bool add_prefix_space, bool trim_offsets, bool use_regex) {
  return OrderedJson{{"type", "ByteLevel"},
                     {"add_prefix_space", add_prefix_space},
                     {"trim_offsets", trim_offsets},
                     {"use_regex", use_regex}};
}

OrderedJson pre_tokenizer_json() {
  OrderedJson split{{"type", "Split"},
                    {"pattern", {{"Regex", kLlama3SplitPattern}}},
                    {"behavior", "Isolated"},
                    {"invert", false}};
  return OrderedJson{{"type", "Sequence"},
                     {"pretokenizers", {split, byte_level_settings(false, true, false)}}};
}

OrderedJson template_piece(const char* kind, const std::string& id, int type_id) {
  return OrderedJson{{kind, {{"id", id}, {"type_id", type_id}}}};
}

// BOS before each sequence, as in Meta's Llama-3 tokenizer.json.
OrderedJson post_processor_json(int32_t bos_id) {
  const std::string bos = kBeginOfText;
  OrderedJson templating{
      {"type", "TemplateProcessing"},
      {"single", {template_piece("SpecialToken", bos, 0), template_piece("Sequence", "A", 0)}},
      {"pair",
       {template_piece("SpecialToken", bos, 0), template_piece("Sequence", "A", 0),
        template_piece("SpecialToken", bos, 1), template_piece("Sequence", "B", 1)}},
      {"special_tokens", {{bos, {{"id", bos}, {"ids", {bos_id}}, {"tokens", {bos}}}}}}};
  return OrderedJson{{"type", "Sequence"},
                     {"processors", {byte_level_settings(true, false, true), templating}}};
}

OrderedJson bpe_model_json(const TrainedBpe& bpe) {
  OrderedJson vocab = OrderedJson::object();
  for (size_t id = 0; id < bpe.tokens.size(); ++id) vocab[bpe.tokens[id]] = id;
  OrderedJson merges = OrderedJson::array();
  for (const auto& [left, right] : bpe.merges) merges.push_back(left + " " + right);
  return OrderedJson{{"type", "BPE"},
                     {"dropout", nullptr},
                     {"unk_token", nullptr},
                     {"continuing_subword_prefix", nullptr},
                     {"end_of_word_suffix", nullptr},
                     {"fuse_unk", false},
                     {"byte_fallback", false},
                     {"ignore_merges", true},
                     {"vocab", vocab},
                     {"merges", merges}};
}

}  // namespace

const std::vector<std::string>& demo_special_tokens() {
  static const std::vector<std::string> tokens = {"<|begin_of_text|>", "<|end_of_text|>",
                                                  "<|start_header_id|>", "<|end_header_id|>",
                                                  "<|eot_id|>"};
  return tokens;
}

const std::vector<std::string>& byte_level_alphabet() {
  static const std::vector<std::string> alphabet = [] {
    std::array<uint32_t, 256> code_points = byte_to_code_point();
    std::vector<std::string> texts;
    for (uint32_t code_point : code_points) texts.push_back(utf8_of(code_point));
    return texts;
  }();
  return alphabet;
}

std::string bytes_to_byte_level(std::string_view bytes) {
  std::string text;
  for (unsigned char byte : bytes) text += byte_level_alphabet()[byte];
  return text;
}

std::string byte_level_to_bytes(std::string_view byte_level_text) {
  static const std::map<uint32_t, unsigned char> byte_of_code_point = [] {
    std::map<uint32_t, unsigned char> inverse;
    std::array<uint32_t, 256> code_points = byte_to_code_point();
    for (int byte = 0; byte < 256; ++byte) inverse[code_points[byte]] = static_cast<unsigned char>(byte);
    return inverse;
  }();
  std::string bytes;
  size_t pos = 0;
  while (pos < byte_level_text.size()) {
    uint32_t code_point = 0;
    size_t start = pos;
    auto found = next_code_point(byte_level_text, pos, code_point) ? byte_of_code_point.find(code_point)
                                                                    : byte_of_code_point.end();
    if (found == byte_of_code_point.end()) {
      throw TokenizerError("byte-level text has a character outside the alphabet at byte " +
                           std::to_string(start));
    }
    bytes += static_cast<char>(found->second);
  }
  return bytes;
}

std::vector<std::string> split_like_llama3(std::string_view text) {
  const pcre2_code* regex = llama3_split_regex();
  std::unique_ptr<pcre2_match_data, Pcre2MatchDataDeleter> match(
      pcre2_match_data_create_from_pattern(regex, nullptr));
  std::vector<std::string> pieces;
  size_t offset = 0;
  while (offset < text.size()) {
    int rc = pcre2_match(regex, reinterpret_cast<PCRE2_SPTR>(text.data()), text.size(), offset, 0,
                         match.get(), nullptr);
    if (rc == PCRE2_ERROR_NOMATCH) break;
    if (rc < 0) {
      throw TokenizerError("Llama-3 split failed near byte " + std::to_string(offset) +
                           " (PCRE2 error " + std::to_string(rc) + ", invalid UTF-8?)");
    }
    const PCRE2_SIZE* bounds = pcre2_get_ovector_pointer(match.get());
    // Isolated split keeps unmatched gaps as pieces too (the pattern leaves none in practice).
    if (bounds[0] > offset) pieces.emplace_back(text.substr(offset, bounds[0] - offset));
    if (bounds[1] == bounds[0]) {  // cannot happen with this pattern; guard against looping
      offset = bounds[1] + 1;
      continue;
    }
    pieces.emplace_back(text.substr(bounds[0], bounds[1] - bounds[0]));
    offset = bounds[1];
  }
  if (offset < text.size()) pieces.emplace_back(text.substr(offset));
  return pieces;
}

int32_t TrainedBpe::special_token_id(const std::string& content) const {
  const std::vector<std::string>& specials = demo_special_tokens();
  auto found = std::find(specials.begin(), specials.end(), content);
  if (found == specials.end()) throw TokenizerError("not a demo special token: " + content);
  return static_cast<int32_t>(tokens.size() + (found - specials.begin()));
}

size_t TrainedBpe::total_vocab_size() const { return tokens.size() + demo_special_tokens().size(); }

TrainedBpe train_byte_level_bpe(const std::vector<std::string>& texts,
                                const BpeTrainingOptions& options) {
  TrainedBpe bpe;
  bpe.tokens.resize(256);
  for (int byte = 0; byte < 256; ++byte) bpe.tokens[base_id_of_byte()[byte]] = byte_level_alphabet()[byte];
  std::unordered_map<std::string, int32_t> id_of_token;
  for (size_t id = 0; id < bpe.tokens.size(); ++id) id_of_token[bpe.tokens[id]] = static_cast<int32_t>(id);

  size_t specials = demo_special_tokens().size();
  size_t bpe_target = options.vocab_size > specials + 256 ? options.vocab_size - specials : 256;
  WordTable words = count_words(texts);
  while (bpe.tokens.size() < bpe_target) {
    auto [key, count] = most_frequent_pair(words);
    if (count == 0 || count < options.min_pair_frequency) break;
    auto left = static_cast<int32_t>(key >> 32);
    auto right = static_cast<int32_t>(key & 0xFFFFFFFFu);
    std::string merged_text = bpe.tokens[left] + bpe.tokens[right];
    // Two merge paths can spell the same token; like HF's trainer, reuse its id.
    auto [slot, is_new] = id_of_token.emplace(merged_text, static_cast<int32_t>(bpe.tokens.size()));
    if (is_new) bpe.tokens.push_back(merged_text);
    bpe.merges.emplace_back(bpe.tokens[left], bpe.tokens[right]);
    apply_merge(words, left, right, slot->second);
  }
  return bpe;
}

MergeEncoder::MergeEncoder(const TrainedBpe& bpe) : tokens_(bpe.tokens) {
  for (size_t id = 0; id < tokens_.size(); ++id) token_ids_[tokens_[id]] = static_cast<int32_t>(id);
  for (size_t rank = 0; rank < bpe.merges.size(); ++rank) {
    const auto& [left, right] = bpe.merges[rank];
    std::pair<int32_t, int32_t> pair{token_ids_.at(left), token_ids_.at(right)};
    merge_rank_and_result_.emplace(pair, std::make_pair(static_cast<int32_t>(rank), token_ids_.at(left + right)));
  }
}

std::vector<int32_t> MergeEncoder::encode_word(const std::string& byte_level_word) const {
  auto whole = token_ids_.find(byte_level_word);
  if (whole != token_ids_.end()) return {whole->second};  // ignore_merges: known words win
  std::vector<int32_t> ids;
  size_t pos = 0;
  while (pos < byte_level_word.size()) {
    size_t start = pos;
    uint32_t code_point = 0;
    next_code_point(byte_level_word, pos, code_point);
    ids.push_back(token_ids_.at(byte_level_word.substr(start, pos - start)));
  }
  while (ids.size() > 1) {
    size_t best_position = ids.size();
    std::pair<int32_t, int32_t> best{std::numeric_limits<int32_t>::max(), -1};
    for (size_t i = 0; i + 1 < ids.size(); ++i) {
      auto found = merge_rank_and_result_.find({ids[i], ids[i + 1]});
      if (found != merge_rank_and_result_.end() && found->second.first < best.first) {
        best = found->second;
        best_position = i;
      }
    }
    if (best_position == ids.size()) break;
    ids[best_position] = best.second;
    ids.erase(ids.begin() + static_cast<std::ptrdiff_t>(best_position) + 1);
  }
  return ids;
}

std::vector<int32_t> MergeEncoder::encode(std::string_view text) const {
  std::vector<int32_t> ids;
  for (const std::string& piece : split_like_llama3(text)) {
    std::vector<int32_t> word_ids = encode_word(bytes_to_byte_level(piece));
    ids.insert(ids.end(), word_ids.begin(), word_ids.end());
  }
  return ids;
}

std::string MergeEncoder::decode(const std::vector<int32_t>& ids) const {
  std::string byte_level_text;
  for (int32_t id : ids) {
    if (id < 0 || static_cast<size_t>(id) >= tokens_.size()) {
      throw TokenizerError("cannot decode token id " + std::to_string(id));
    }
    byte_level_text += tokens_[id];
  }
  return byte_level_to_bytes(byte_level_text);
}

const std::string& demo_chat_template() {
  // Llama-3's structure: BOS once, a header per turn, trimmed content, <|eot_id|> after each turn,
  // and an assistant header when a generation prompt is asked for.
  static const std::string chat_template =
      "{{ bos_token }}"
      "{% for message in messages %}"
      "{{ '<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n' + (message['content'] | trim) + '<|eot_id|>' }}"
      "{% endfor %}"
      "{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\n\n' }}{% endif %}";
  return chat_template;
}

std::string make_tokenizer_json(const TrainedBpe& bpe) {
  OrderedJson added_tokens = OrderedJson::array();
  for (const std::string& content : demo_special_tokens()) {
    added_tokens.push_back(added_token_entry(bpe.special_token_id(content), content));
  }
  OrderedJson tokenizer{{"version", "1.0"},
                        {"truncation", nullptr},
                        {"padding", nullptr},
                        {"added_tokens", added_tokens},
                        {"normalizer", nullptr},
                        {"pre_tokenizer", pre_tokenizer_json()},
                        {"post_processor", post_processor_json(bpe.special_token_id(kBeginOfText))},
                        {"decoder", byte_level_settings(true, true, true)},
                        {"model", bpe_model_json(bpe)}};
  return tokenizer.dump(2) + "\n";
}

std::string make_tokenizer_config_json(const TrainedBpe& bpe) {
  OrderedJson decoder = OrderedJson::object();
  for (const std::string& content : demo_special_tokens()) {
    decoder[std::to_string(bpe.special_token_id(content))] = {
        {"content", content}, {"lstrip", false},      {"normalized", false},
        {"rstrip", false},    {"single_word", false}, {"special", true}};
  }
  OrderedJson config{{"added_tokens_decoder", decoder},
                     {"bos_token", kBeginOfText},
                     {"chat_template", demo_chat_template()},
                     {"clean_up_tokenization_spaces", true},
                     {"eos_token", kEndOfTurn},
                     {"model_input_names", {"input_ids", "attention_mask"}},
                     {"model_max_length", 8192},
                     {"pad_token", kEndOfTurn},
                     {"tokenizer_class", "PreTrainedTokenizerFast"}};
  return config.dump(2) + "\n";
}

}  // namespace rb::app
