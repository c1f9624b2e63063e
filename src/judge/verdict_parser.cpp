#define PCRE2_CODE_UNIT_WIDTH 8
#include "judge/verdict_parser.h"

#include <pcre2.h>

#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "judge/prompt_texts.h"

namespace rb::judge {
namespace {

// A compiled Python-like regex: UTF-8, Unicode \w \s \b (Python 3 str patterns are Unicode-aware).
class Regex {
 public:
  explicit Regex(const std::string& pattern, uint32_t extra_flags = 0) {
    int error_code = 0;
    PCRE2_SIZE error_offset = 0;
    code_.reset(pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(),
                              PCRE2_UTF | PCRE2_UCP | PCRE2_NO_UTF_CHECK | extra_flags, &error_code, &error_offset,
                              nullptr));
    if (!code_) throw Error("judge: cannot compile regex " + pattern);
  }

  // The first capture group of the leftmost match at or after `start`, with the match end.
  std::optional<std::pair<std::string, size_t>> search(std::string_view text, size_t start = 0) const {
    std::unique_ptr<pcre2_match_data, decltype(&pcre2_match_data_free)> match(
        pcre2_match_data_create_from_pattern(code_.get(), nullptr), &pcre2_match_data_free);
    // Judge output may be invalid UTF-8 (a truncated answer): check it, and treat failure as no match.
    const int rc = pcre2_match(code_.get(), reinterpret_cast<PCRE2_SPTR>(text.data()), text.size(), start, 0,
                               match.get(), nullptr);
    if (rc < 0) return std::nullopt;
    const PCRE2_SIZE* ovector = pcre2_get_ovector_pointer(match.get());
    const size_t group = rc > 1 ? 1 : 0;
    return std::make_pair(std::string(text.substr(ovector[2 * group], ovector[2 * group + 1] - ovector[2 * group])),
                          static_cast<size_t>(ovector[1]));
  }

 private:
  std::unique_ptr<pcre2_code, decltype(&pcre2_code_free)> code_{nullptr, &pcre2_code_free};
};

bool contains(const std::string& text, const std::string& needle) { return text.find(needle) != std::string::npos; }

int slot_of_letter(const std::string& letter, int num_slots) {
  if (letter.size() != 1) return kNoVerdict;
  const int slot = letter[0] - 'A';
  return slot >= 0 && slot < num_slots ? slot : kNoVerdict;
}

int first_contained(const std::string& text, const char* const* needles, int num_slots) {
  for (int slot = 0; slot < num_slots; ++slot)
    if (contains(text, needles[slot])) return slot;
  return kNoVerdict;
}

int parse_prometheus(const std::string& judgment, int num_slots) {
  if (!contains(judgment, "[RESULT]") || judgment.empty()) return kNoVerdict;
  // judgment[-1] is the last code point; a slot letter is ASCII, so the last byte decides.
  return slot_of_letter(std::string(1, judgment.back()), num_slots);
}

int parse_atla(const std::string& judgment, int num_slots) {
  static const Regex pattern(R"(\*\*Result:\*\*\s*(\w+))", PCRE2_DOTALL);
  const auto match = pattern.search(judgment);
  return match ? slot_of_letter(match->first, num_slots) : kNoVerdict;
}

// ---- Con-J ------------------------------------------------------------------------------------

constexpr const char* kConJKey = "更好的回答";

std::string normalize_digit(const std::string& digit) {
  if (digit == "１") return "1";
  if (digit == "２") return "2";
  return digit;
}

// str(value) for what json.loads can give under the key.
std::string python_str(const nlohmann::json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_boolean()) return value.get<bool>() ? "True" : "False";
  if (value.is_number_integer() || value.is_number_unsigned()) return value.dump();
  return value.dump();  // floats ("1.0"), lists, objects: never a bare digit
}

// json.loads(text) giving a dict that holds the key; the value's str() or nullopt.
std::optional<std::string> key_value_from_json(const std::string& text) {
  const auto parsed = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded() || !parsed.is_object() || !parsed.contains(kConJKey)) return std::nullopt;
  return python_str(parsed[kConJKey]);
}

std::string quote_meta(const std::string& text) { return "\\Q" + text + "\\E"; }

// parse_evaluation(text, soft=True): keyword patterns in the reference's order.
std::optional<std::string> key_value_from_keywords(const std::string& text) {
  static const char* const kKeywords[] = {
      "更好的回答", "更好回答",   "更好得回答", "更好地回答", "better_answer", "better answer", "更好答案",
      "更好得答案", "更好的答案", "更好地答案", "更佳回答",   "更佳答案",      "更好答",        "最佳答案",
      "更好答 案",  "更好 的 回答", "betterAnswer", "更好 的 回应", "更好得回应回答", "答案",       "回答"};
  const std::string digit = "(1|2|１|２)";
  for (const char* key : kKeywords) {
    if (!contains(text, key)) continue;
    const std::string k = quote_meta(key);
    for (const std::string& pattern :
         {"\"" + k + "\"\\s*:\\s*.*?" + digit, k + ".*?" + digit, digit + ".*?" + k}) {
      if (const auto match = Regex(pattern).search(text)) return normalize_digit(match->first);
    }
  }
  return std::nullopt;
}

// re.findall(r"```json(.*?)```", gen, re.DOTALL): non-overlapping fenced blocks.
std::vector<std::string> fenced_json_blocks(const std::string& text) {
  std::vector<std::string> blocks;
  size_t pos = 0;
  while ((pos = text.find("```json", pos)) != std::string::npos) {
    const size_t body = pos + 7;
    const size_t end = text.find("```", body);
    if (end == std::string::npos) break;
    blocks.push_back(text.substr(body, end - body));
    pos = end + 3;
  }
  return blocks;
}

// re.findall(r"{.*?}", gen): each '{' up to the next '}' (newlines were replaced by spaces).
std::vector<std::string> brace_spans(const std::string& text) {
  std::vector<std::string> spans;
  size_t pos = 0;
  while ((pos = text.find('{', pos)) != std::string::npos) {
    const size_t end = text.find('}', pos + 1);
    if (end == std::string::npos) break;
    spans.push_back(text.substr(pos, end - pos + 1));
    pos = end + 1;
  }
  return spans;
}

std::string python_strip(const std::string& text) {
  const char* kSpace = " \t\n\r\v\f";
  const size_t first = text.find_first_not_of(kSpace);
  if (first == std::string::npos) return "";
  return text.substr(first, text.find_last_not_of(kSpace) - first + 1);
}

}  // namespace

int parse_con_j_verdict(const std::string& judgment, int num_slots) {
  std::string gen = judgment;
  for (char& c : gen)
    if (c == '\n') c = ' ';
  gen = python_strip(gen);

  std::optional<std::string> value;
  if (contains(gen, "```json"))
    for (const auto& block : fenced_json_blocks(gen))
      if ((value = key_value_from_json(block))) break;
  if (!value) value = key_value_from_json(gen);
  if (!value)
    for (const auto& span : brace_spans(gen))
      if ((value = key_value_from_json(span))) break;
  if (!value) value = key_value_from_keywords(gen);
  if (!value) return kNoVerdict;

  const std::string digit = normalize_digit(*value);
  if (digit.size() != 1) return kNoVerdict;
  const int slot = digit[0] - '1';
  return slot >= 0 && slot < num_slots ? slot : kNoVerdict;
}

int parse_verdict(PromptStyle style, const std::string& judgment, int num_slots) {
  static const char* const kBracketed[] = {"[[A]]", "[[B]]", "[[C]]", "[[D]]"};
  static const char* const kOutputs[] = {"Output (a)", "Output (b)", "Output (c)", "Output (d)"};
  switch (style) {
    case PromptStyle::kPrometheus:
      return parse_prometheus(judgment, num_slots);
    case PromptStyle::kOffsetBias:
      return first_contained(judgment, kOutputs, num_slots);
    case PromptStyle::kAtla:
      return parse_atla(judgment, num_slots);
    case PromptStyle::kConJ:
      return parse_con_j_verdict(judgment, num_slots);
    case PromptStyle::kMtBench:
    case PromptStyle::kGemini:
    case PromptStyle::kRiseJudge:
      return first_contained(judgment, kBracketed, num_slots);
  }
  return kNoVerdict;
}

int parse_rating(const std::string& judgment) {
  if (judgment.empty() || judgment == prompts::kApiErrorOutput) return -1;
  static const Regex pattern(R"(\b([1-9]|10)\b\s*$)");
  const auto match = pattern.search(python_strip(judgment));
  return match ? std::stoi(match->first) : -1;
}

}  // namespace rb::judge
