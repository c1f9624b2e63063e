#include "text/tokenizer/sentencepiece_convert.h"

#include <algorithm>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/error.h"

namespace rb::text {
namespace {

const char* const kMeta = "\u2581";  // SentencePiece's whitespace symbol "▁"

using Json = nlohmann::json;
using VocabScores = std::vector<std::pair<std::string, float>>;

enum class Family { Llama, Gemma, T5, DebertaV2, Spm };

std::vector<SentencePieceMerge> bpe_merges(const VocabScores& vocab_scores,
                                           const std::unordered_map<std::string, int64_t>& vocab);

Family resolve_family(const SentencePieceModelProto& model, const SentencePieceConvertOptions& options) {
  const std::string& name = options.family;
  if (name == "llama") return Family::Llama;
  if (name == "gemma") return Family::Gemma;
  if (name == "t5") return Family::T5;
  if (name == "deberta-v2") return Family::DebertaV2;
  if (name == "spm") return Family::Spm;
  if (name != "auto") {
    throw TokenizerError(options.origin + ": unknown SentencePiece family '" + name +
                         "' (expected llama, gemma, t5, deberta-v2, spm or auto)");
  }
  switch (model.trainer_spec.model_type) {
    case SentencePieceModelType::Bpe: return Family::Llama;
    case SentencePieceModelType::Unigram: return Family::Spm;
    default:
      throw TokenizerError(options.origin + ": SentencePiece model_type " +
                           std::to_string(static_cast<int>(model.trainer_spec.model_type)) +
                           " (WORD/CHAR) has no tokenizer.json conversion");
  }
}

size_t code_point_count(const std::string& text) {
  size_t count = 0;
  for (unsigned char byte : text) count += (byte & 0xc0) != 0x80;
  return count;
}

// Byte offsets of each code point boundary after the first one (Python's merge[:index] splits).
std::vector<size_t> inner_boundaries(const std::string& text) {
  std::vector<size_t> cuts;
  for (size_t i = 1; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xc0) != 0x80) cuts.push_back(i);
  }
  return cuts;
}

std::string base64_encode(const std::string& bytes) {
  static const char* const kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (size_t i = 0; i < bytes.size(); i += 3) {
    uint32_t chunk = static_cast<unsigned char>(bytes[i]) << 16;
    if (i + 1 < bytes.size()) chunk |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    if (i + 2 < bytes.size()) chunk |= static_cast<unsigned char>(bytes[i + 2]);
    out.push_back(kAlphabet[(chunk >> 18) & 63]);
    out.push_back(kAlphabet[(chunk >> 12) & 63]);
    out.push_back(i + 1 < bytes.size() ? kAlphabet[(chunk >> 6) & 63] : '=');
    out.push_back(i + 2 < bytes.size() ? kAlphabet[chunk & 63] : '=');
  }
  return out;
}

// --- vocab -------------------------------------------------------------------------------

VocabScores proto_vocab(const SentencePieceModelProto& model) {
  VocabScores vocab;
  vocab.reserve(model.pieces.size());
  for (const auto& piece : model.pieces) vocab.emplace_back(piece.piece, piece.score);
  return vocab;
}

bool has_piece(const VocabScores& vocab, const std::string& piece) {
  return std::any_of(vocab.begin(), vocab.end(), [&](const auto& entry) { return entry.first == piece; });
}

// Converter.vocab(): what each family feeds the model.
VocabScores family_vocab(Family family, const SentencePieceModelProto& model,
                         const SentencePieceConvertOptions& options) {
  VocabScores vocab = proto_vocab(model);
  if (family == Family::Llama || family == Family::Gemma) {
    // The first three pieces get score 0 (LlamaConverter/GemmaConverter rebuild them by name).
    for (size_t i = 0; i < std::min<size_t>(3, vocab.size()); ++i) vocab[i].second = 0.0f;
  }
  if (family == Family::Gemma && !has_piece(vocab, "\t")) {
    // Older Gemma models lack a tab piece; transformers renames the byte piece <0x09> to "\t".
    for (auto& entry : vocab) {
      if (entry.first == "<0x09>") {
        entry = {"\t", 0.0f};
        break;
      }
    }
  }
  if (family == Family::T5) {
    for (int i = options.extra_ids - 1; i >= 0; --i) vocab.emplace_back("<extra_id_" + std::to_string(i) + ">", 0.0f);
  }
  return vocab;
}

// Python's {word: i for i, word in enumerate(...)}: a repeated word keeps its last id.
std::unordered_map<std::string, int64_t> index_of(const std::vector<std::string>& words) {
  std::unordered_map<std::string, int64_t> ids;
  ids.reserve(words.size());
  for (size_t i = 0; i < words.size(); ++i) ids[words[i]] = static_cast<int64_t>(i);
  return ids;
}

// --- model -------------------------------------------------------------------------------

Json bpe_model_json(Family family, const SentencePieceModelProto& model, const VocabScores& vocab_scores) {
  std::vector<std::string> sp_pieces;
  sp_pieces.reserve(model.pieces.size());
  for (const auto& piece : model.pieces) sp_pieces.push_back(piece.piece);
  auto merge_vocab = index_of(sp_pieces);
  if (family == Family::Gemma && merge_vocab.count("\t") == 0) {
    // GemmaSentencePieceExtractor: vocab["\t"] = vocab.get("<0x09>").
    auto byte_tab = merge_vocab.find("<0x09>");
    if (byte_tab != merge_vocab.end()) merge_vocab["\t"] = byte_tab->second;
  }
  std::vector<SentencePieceMerge> merges = bpe_merges(vocab_scores, merge_vocab);

  Json vocab = Json::object();
  for (size_t i = 0; i < vocab_scores.size(); ++i) vocab[vocab_scores[i].first] = static_cast<int64_t>(i);
  Json merge_list = Json::array();
  for (auto& merge : merges) merge_list.push_back(Json::array({std::move(merge.left), std::move(merge.right)}));
  const bool byte_fallback = family == Family::Llama || family == Family::Gemma;
  return {{"type", "BPE"},           {"dropout", nullptr},
          {"unk_token", model.trainer_spec.unk_piece},
          {"continuing_subword_prefix", nullptr},
          {"end_of_word_suffix", nullptr},
          {"fuse_unk", true},        {"byte_fallback", byte_fallback},
          {"ignore_merges", false},  {"vocab", std::move(vocab)},
          {"merges", std::move(merge_list)}};
}

Json unigram_model_json(Family family, const SentencePieceModelProto& model, const VocabScores& vocab_scores) {
  Json vocab = Json::array();
  for (const auto& [piece, score] : vocab_scores) vocab.push_back(Json::array({piece, static_cast<double>(score)}));
  // unk_id(): Llama forces 0, Gemma 3, the others take trainer_spec.unk_id.
  int64_t unk_id = model.trainer_spec.unk_id;
  if (family == Family::Llama) unk_id = 0;
  if (family == Family::Gemma) unk_id = 3;
  const bool byte_fallback = family == Family::Llama || family == Family::Gemma;
  return {{"type", "Unigram"}, {"unk_id", unk_id}, {"vocab", std::move(vocab)}, {"byte_fallback", byte_fallback}};
}

Json model_json(Family family, const SentencePieceModelProto& model, const VocabScores& vocab_scores,
                const std::string& origin) {
  switch (model.trainer_spec.model_type) {
    case SentencePieceModelType::Unigram: return unigram_model_json(family, model, vocab_scores);
    case SentencePieceModelType::Bpe: return bpe_model_json(family, model, vocab_scores);
    default:
      throw TokenizerError(origin + ": SentencePiece model_type " +
                           std::to_string(static_cast<int>(model.trainer_spec.model_type)) +
                           " (WORD/CHAR) has no tokenizer.json conversion");
  }
}

// --- added tokens -------------------------------------------------------------------------

Json added_token(int64_t id, const std::string& content, bool special) {
  return {{"id", id},          {"content", content}, {"single_word", false}, {"lstrip", false},
          {"rstrip", false},   {"normalized", false}, {"special", special}};
}

bool is_reserved_id(const SentencePieceTrainerSpec& spec, size_t id) {
  const auto as_int = static_cast<int64_t>(id);
  return as_int == spec.unk_id || as_int == spec.bos_id || as_int == spec.eos_id || as_int == spec.pad_id;
}

// Control and user-defined pieces (SpmConverter.tokenizer) plus the unk/bos/eos/pad pieces that
// PreTrainedTokenizerFast registers as special tokens, in id order.
Json added_tokens_json(Family family, const SentencePieceModelProto& model, const VocabScores& vocab_scores) {
  Json added = Json::array();
  for (size_t id = 0; id < model.pieces.size(); ++id) {
    const SentencePieceType type = model.pieces[id].type;
    const std::string& content = vocab_scores[id].first;
    const bool gemma_turn = family == Family::Gemma && (content == "<start_of_turn>" || content == "<end_of_turn>");
    if (type == SentencePieceType::Control || is_reserved_id(model.trainer_spec, id) || gemma_turn) {
      added.push_back(added_token(static_cast<int64_t>(id), content, true));
    } else if (type == SentencePieceType::UserDefined) {
      added.push_back(added_token(static_cast<int64_t>(id), content, false));
    }
  }
  for (size_t id = model.pieces.size(); id < vocab_scores.size(); ++id) {  // T5's <extra_id_N>
    added.push_back(added_token(static_cast<int64_t>(id), vocab_scores[id].first, true));
  }
  return added;
}

// --- pipeline parts -----------------------------------------------------------------------

Json replace_string(const std::string& pattern, const std::string& content) {
  return {{"type", "Replace"}, {"pattern", {{"String", pattern}}}, {"content", content}};
}

Json replace_regex(const std::string& pattern, const std::string& content) {
  return {{"type", "Replace"}, {"pattern", {{"Regex", pattern}}}, {"content", content}};
}

Json precompiled(const SentencePieceModelProto& model) {
  return {{"type", "Precompiled"}, {"precompiled_charsmap", base64_encode(model.normalizer_spec.precompiled_charsmap)}};
}

std::string prepend_scheme(const SentencePieceConvertOptions& options) {
  if (!options.add_prefix_space) return "never";
  return options.legacy ? "always" : "first";
}

Json metaspace(const SentencePieceConvertOptions& options, bool split) {
  return {{"type", "Metaspace"}, {"replacement", kMeta}, {"prepend_scheme", prepend_scheme(options)}, {"split", split}};
}

Json normalizer_json(Family family, const SentencePieceModelProto& model, const SentencePieceConvertOptions& options) {
  const bool has_charsmap = !model.normalizer_spec.precompiled_charsmap.empty();
  switch (family) {
    case Family::Llama: {
      if (!options.legacy) return nullptr;
      Json sequence = Json::array();
      if (options.add_prefix_space) sequence.push_back({{"type", "Prepend"}, {"prepend", kMeta}});
      sequence.push_back(replace_string(" ", kMeta));
      return {{"type", "Sequence"}, {"normalizers", sequence}};
    }
    case Family::Gemma: return replace_string(" ", kMeta);
    case Family::DebertaV2: {
      Json sequence = Json::array();
      if (options.do_lower_case) sequence.push_back({{"type", "Lowercase"}});
      sequence.push_back({{"type", "Strip"}, {"strip_left", true}, {"strip_right", true}});
      if (has_charsmap) sequence.push_back(precompiled(model));
      sequence.push_back(replace_regex(" {2,}", " "));
      return {{"type", "Sequence"}, {"normalizers", sequence}};
    }
    case Family::T5:
    case Family::Spm: {
      Json sequence = Json::array();
      if (has_charsmap) sequence.push_back(precompiled(model));
      sequence.push_back({{"type", "Strip"}, {"strip_left", false}, {"strip_right", true}});
      sequence.push_back(replace_regex(" {2,}", kMeta));
      return {{"type", "Sequence"}, {"normalizers", sequence}};
    }
  }
  return nullptr;
}

Json pre_tokenizer_json(Family family, const SentencePieceConvertOptions& options) {
  switch (family) {
    case Family::Llama: return options.legacy ? Json(nullptr) : metaspace(options, false);
    case Family::Gemma: return nullptr;
    case Family::DebertaV2: {
      Json sequence = Json::array();
      if (options.split_by_punct) sequence.push_back({{"type", "Punctuation"}, {"behavior", "Isolated"}});
      sequence.push_back(metaspace(options, true));
      return {{"type", "Sequence"}, {"pretokenizers", sequence}};
    }
    case Family::T5:
    case Family::Spm: return metaspace(options, true);
  }
  return nullptr;
}

Json decoder_json(Family family, const SentencePieceConvertOptions& options) {
  if (family == Family::Llama || family == Family::Gemma) {
    Json sequence = Json::array({replace_string(kMeta, " "), {{"type", "ByteFallback"}}, {{"type", "Fuse"}}});
    if (family == Family::Llama && options.add_prefix_space) {
      sequence.push_back({{"type", "Strip"}, {"content", " "}, {"start", 1}, {"stop", 0}});
    }
    return {{"type", "Sequence"}, {"decoders", sequence}};
  }
  return metaspace(options, true);
}

struct SpecialToken {
  std::string content;
  int64_t id;
};

std::optional<SpecialToken> piece_at(const VocabScores& vocab, int32_t id) {
  if (id < 0 || static_cast<size_t>(id) >= vocab.size()) return std::nullopt;
  return SpecialToken{vocab[static_cast<size_t>(id)].first, id};
}

SpecialToken require_token(const VocabScores& vocab, const std::string& content, const std::string& origin) {
  for (size_t i = vocab.size(); i-- > 0;) {  // a repeated piece resolves to its last id, like the dict
    if (vocab[i].first == content) return {content, static_cast<int64_t>(i)};
  }
  throw TokenizerError(origin + ": the post-processor needs token '" + content + "', which is not in the vocab");
}

Json template_piece_special(const std::string& content, int type_id) {
  return {{"SpecialToken", {{"id", content}, {"type_id", type_id}}}};
}

Json template_piece_sequence(const char* name, int type_id) {
  return {{"Sequence", {{"id", name}, {"type_id", type_id}}}};
}

// TemplateProcessing: `before` + $A + `after` for one sequence; the pair repeats it for $B
// with type id 1 (LlamaTokenizerFast.update_post_processor and the converters' templates).
Json template_processing(const std::vector<SpecialToken>& before, const std::vector<SpecialToken>& after,
                         bool pair_repeats_before, int second_type_id = 1) {
  Json single = Json::array();
  Json pair = Json::array();
  Json specials = Json::object();
  for (const auto& token : before) single.push_back(template_piece_special(token.content, 0));
  single.push_back(template_piece_sequence("A", 0));
  for (const auto& token : after) single.push_back(template_piece_special(token.content, 0));
  pair = single;
  if (pair_repeats_before) {
    for (const auto& token : before) pair.push_back(template_piece_special(token.content, second_type_id));
  }
  pair.push_back(template_piece_sequence("B", second_type_id));
  for (const auto& token : after) pair.push_back(template_piece_special(token.content, second_type_id));
  for (const auto& token : before) specials[token.content] = {{"id", token.content}, {"ids", {token.id}}, {"tokens", {token.content}}};
  for (const auto& token : after) specials[token.content] = {{"id", token.content}, {"ids", {token.id}}, {"tokens", {token.content}}};
  return {{"type", "TemplateProcessing"}, {"single", single}, {"pair", pair}, {"special_tokens", specials}};
}

Json post_processor_json(Family family, const SentencePieceModelProto& model, const VocabScores& vocab,
                         const SentencePieceConvertOptions& options) {
  const auto& spec = model.trainer_spec;
  switch (family) {
    case Family::Llama:
    case Family::Gemma: {
      std::vector<SpecialToken> before, after;
      if (options.add_bos.value_or(true)) {
        const auto bos = piece_at(vocab, spec.bos_id);
        if (!bos) throw TokenizerError(options.origin + ": add_bos needs a bos piece, but trainer_spec.bos_id is " + std::to_string(spec.bos_id));
        before.push_back(*bos);
      }
      if (options.add_eos.value_or(false)) {
        const auto eos = piece_at(vocab, spec.eos_id);
        if (!eos) throw TokenizerError(options.origin + ": add_eos needs an eos piece, but trainer_spec.eos_id is " + std::to_string(spec.eos_id));
        after.push_back(*eos);
      }
      return template_processing(before, after, /*pair_repeats_before=*/true);
    }
    case Family::T5:  // T5Converter writes its template as plain strings: every type id is 0
      return template_processing({}, {require_token(vocab, "</s>", options.origin)}, false, /*second_type_id=*/0);
    case Family::DebertaV2:
      return template_processing({require_token(vocab, "[CLS]", options.origin)},
                                 {require_token(vocab, "[SEP]", options.origin)}, false);
    case Family::Spm: return nullptr;
  }
  return nullptr;
}

}  // namespace

std::vector<SentencePieceMerge> sentencepiece_bpe_merges(const VocabScores& vocab_scores,
                                                         const std::vector<std::string>& id_to_piece) {
  return bpe_merges(vocab_scores, index_of(id_to_piece));
}

namespace {

std::vector<SentencePieceMerge> bpe_merges(const VocabScores& vocab_scores,
                                           const std::unordered_map<std::string, int64_t>& vocab) {
  // dict(vocab_scores): first position of each piece, last score.
  std::vector<std::pair<std::string, float>> scores;
  std::unordered_map<std::string, size_t> position;
  for (const auto& [piece, score] : vocab_scores) {
    auto [it, inserted] = position.emplace(piece, scores.size());
    if (inserted) scores.emplace_back(piece, score);
    else scores[it->second].second = score;
  }
  struct Candidate {
    std::string left, right;
    float score;
    size_t left_length, right_length;
    int64_t left_id, right_id;
  };
  std::vector<Candidate> merges;
  for (const auto& [piece, score] : scores) {
    const size_t first = merges.size();
    for (size_t cut : inner_boundaries(piece)) {
      auto left = vocab.find(piece.substr(0, cut));
      auto right = vocab.find(piece.substr(cut));
      if (left == vocab.end() || right == vocab.end()) continue;
      merges.push_back({left->first, right->first, score, code_point_count(left->first),
                        code_point_count(right->first), left->second, right->second});
    }
    std::stable_sort(merges.begin() + static_cast<std::ptrdiff_t>(first), merges.end(),
                     [](const Candidate& a, const Candidate& b) {
                       return std::tie(a.left_id, a.right_id) < std::tie(b.left_id, b.right_id);
                     });
  }
  // sorted(..., key=(score, len(l), len(r)), reverse=True) is stable: equal keys keep their order.
  std::stable_sort(merges.begin(), merges.end(), [](const Candidate& a, const Candidate& b) {
    return std::tie(a.score, a.left_length, a.right_length) > std::tie(b.score, b.left_length, b.right_length);
  });
  std::vector<SentencePieceMerge> result;
  result.reserve(merges.size());
  for (auto& merge : merges) result.push_back({std::move(merge.left), std::move(merge.right)});
  return result;
}

bool config_flag(const Json& config, const char* key, bool fallback, const std::string& origin) {
  if (!config.contains(key) || config[key].is_null()) return fallback;
  if (!config[key].is_boolean()) throw TokenizerError(origin + ": field '" + key + "' must be true or false");
  return config[key].get<bool>();
}

std::string family_of_class(std::string tokenizer_class) {
  const std::string fast = "Fast";
  if (tokenizer_class.size() > fast.size() &&
      tokenizer_class.compare(tokenizer_class.size() - fast.size(), fast.size(), fast) == 0) {
    tokenizer_class.resize(tokenizer_class.size() - fast.size());
  }
  if (tokenizer_class == "LlamaTokenizer" || tokenizer_class == "CodeLlamaTokenizer") return "llama";
  if (tokenizer_class == "GemmaTokenizer") return "gemma";
  if (tokenizer_class == "T5Tokenizer") return "t5";
  if (tokenizer_class == "DebertaV2Tokenizer") return "deberta-v2";
  return "auto";
}

}  // namespace

SentencePieceConvertOptions sentencepiece_options_from_config(const Json& config, const std::string& origin) {
  SentencePieceConvertOptions options;
  options.origin = origin;
  if (!config.is_object()) throw TokenizerError(origin + ": tokenizer_config.json must be a JSON object");
  if (config.contains("tokenizer_class") && config["tokenizer_class"].is_string()) {
    options.family = family_of_class(config["tokenizer_class"].get<std::string>());
  }
  options.legacy = config_flag(config, "legacy", true, origin);
  options.add_prefix_space = config_flag(config, "add_prefix_space", true, origin);
  if (config.contains("add_bos_token") && !config["add_bos_token"].is_null()) {
    options.add_bos = config_flag(config, "add_bos_token", true, origin);
  }
  if (config.contains("add_eos_token") && !config["add_eos_token"].is_null()) {
    options.add_eos = config_flag(config, "add_eos_token", false, origin);
  }
  options.do_lower_case = config_flag(config, "do_lower_case", false, origin);
  options.split_by_punct = config_flag(config, "split_by_punct", false, origin);
  if (config.contains("extra_ids") && !config["extra_ids"].is_null()) {
    if (!config["extra_ids"].is_number_integer() || config["extra_ids"].get<int64_t>() < 0 ||
        config["extra_ids"].get<int64_t>() > 100000) {
      throw TokenizerError(origin + ": field 'extra_ids' must be an integer in 0..100000");
    }
    options.extra_ids = config["extra_ids"].get<int>();
  }
  return options;
}

Json sentencepiece_file_to_tokenizer_json(const std::string& model_path, SentencePieceConvertOptions options) {
  options.origin = model_path;
  return convert_sentencepiece_to_tokenizer_json(read_sentencepiece_model_file(model_path), options);
}

Json convert_sentencepiece_to_tokenizer_json(const SentencePieceModelProto& model,
                                             const SentencePieceConvertOptions& options) {
  if (model.pieces.empty()) throw TokenizerError(options.origin + ": SentencePiece model has no pieces");
  const Family family = resolve_family(model, options);
  const VocabScores vocab = family_vocab(family, model, options);
  Json doc = Json::object();
  doc["version"] = "1.0";
  doc["truncation"] = nullptr;
  doc["padding"] = nullptr;
  doc["added_tokens"] = added_tokens_json(family, model, vocab);
  doc["normalizer"] = normalizer_json(family, model, options);
  doc["pre_tokenizer"] = pre_tokenizer_json(family, options);
  doc["post_processor"] = post_processor_json(family, model, vocab, options);
  doc["decoder"] = decoder_json(family, options);
  doc["model"] = model_json(family, model, vocab, options.origin);
  return doc;
}

}  // namespace rb::text
