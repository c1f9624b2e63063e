#include "text/tokenizer/onig_regex.h"

#include <pcre2.h>
#include <unicode/uniset.h>
#include <unicode/unistr.h>

#include <cstdio>

#include "common/error.h"
#include "common/utf8.h"

namespace rb::text {

namespace {

// Oniguruma's \s under Unicode: the White_Space property (no U+180E, unlike PCRE2's \h).
constexpr const char* kWhiteSpaceRanges =
    "\\x{9}-\\x{D}\\x{20}\\x{85}\\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}"
    "\\x{202F}\\x{205F}\\x{3000}";

std::string pcre2_message(int code) {
  PCRE2_UCHAR buffer[256];
  pcre2_get_error_message(code, buffer, sizeof(buffer));
  return reinterpret_cast<const char*>(buffer);
}

}  // namespace

struct OnigRegex::Compiled {
  pcre2_code* code = nullptr;
  std::string origin;
  ~Compiled() { pcre2_code_free(code); }
};

namespace {

std::string hex_escape(UChar32 cp) {
  char buffer[16];
  std::snprintf(buffer, sizeof(buffer), "\\x{%X}", static_cast<unsigned>(cp));
  return buffer;
}

// The code point ranges of a Unicode property (e.g. "L", "N", "Han") from ICU's tables, written
// as class members; empty when ICU does not know the name. ICU 72 carries Unicode 15.0, like
// the Oniguruma inside Hugging Face tokenizers, while PCRE2 10.42's own tables stop at 14.0.
std::string set_ranges(const std::string& icu_set_pattern) {
  UErrorCode status = U_ZERO_ERROR;
  icu::UnicodeSet set(icu::UnicodeString::fromUTF8(icu_set_pattern), status);
  if (U_FAILURE(status) || set.isEmpty()) return {};
  set.remove(0xD800, 0xDFFF);  // surrogates are not characters in UTF-8 mode
  std::string out;
  for (int32_t i = 0; i < set.getRangeCount(); ++i) {
    const UChar32 first = set.getRangeStart(i);
    const UChar32 last = set.getRangeEnd(i);
    out += hex_escape(first);
    if (last != first) out += "-" + hex_escape(last);
  }
  return out;
}

std::string property_ranges(const std::string& name) { return set_ranges("\\p{" + name + "}"); }

// Oniguruma's shorthand classes under Unicode (lower case letter; upper case negates).
// \h is a hex digit there, not PCRE2's horizontal space.
std::string shorthand_ranges(char letter) {
  switch (letter) {
    case 's': return kWhiteSpaceRanges;
    case 'd': return set_ranges("[\\p{Nd}]");
    case 'w': return set_ranges("[\\p{Alphabetic}\\p{M}\\p{Nd}\\p{Pc}\\p{Join_Control}]");
    case 'h': return "0-9a-fA-F";
    default: return {};
  }
}

}  // namespace

std::string translate_onig_pattern(const std::string& pattern) {
  std::string out;
  out.reserve(pattern.size() + 64);
  int class_depth = 0;
  for (size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if (c == '\\' && i + 1 < pattern.size()) {
      const char next = pattern[++i];
      const char lower = static_cast<char>(next | 0x20);
      const bool shorthand = lower == 's' || lower == 'd' || lower == 'w' || lower == 'h';
      if (shorthand && (next == lower || class_depth == 0)) {
        const std::string ranges = shorthand_ranges(lower);
        if (class_depth > 0) {
          out += ranges;
        } else {
          out += (next == lower ? "[" : "[^") + ranges + "]";
        }
      } else if ((next == 'p' || next == 'P') && i + 1 < pattern.size() && pattern[i + 1] == '{' &&
                 pattern.find('}', i) != std::string::npos) {
        const size_t close = pattern.find('}', i);
        std::string name = pattern.substr(i + 2, close - i - 2);
        bool negated = next == 'P';
        if (!name.empty() && name[0] == '^') negated = !negated, name.erase(0, 1);
        const std::string ranges = property_ranges(name);
        if (ranges.empty() || (negated && class_depth > 0)) {
          out += pattern.substr(i - 1, close - i + 2);  // leave it to PCRE2
        } else if (class_depth > 0) {
          out += ranges;
        } else {
          out += (negated ? "[^" : "[") + ranges + "]";
        }
        i = close;
      } else {
        out.push_back(c);
        out.push_back(next);
      }
      continue;
    }
    if (c == '[') {
      ++class_depth;
      out.push_back(c);
      // A ']' right after '[' or '[^' is a literal member, not the end of the class.
      if (i + 1 < pattern.size() && pattern[i + 1] == '^') out.push_back(pattern[++i]);
      if (i + 1 < pattern.size() && pattern[i + 1] == ']') out.push_back(pattern[++i]);
      continue;
    }
    if (c == ']' && class_depth > 0) --class_depth;
    out.push_back(c);
  }
  return out;
}

OnigRegex::OnigRegex(const std::string& pattern, const std::string& origin) {
  const std::string translated = translate_onig_pattern(pattern);
  int error_code = 0;
  PCRE2_SIZE error_offset = 0;
  pcre2_code* code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(translated.data()),
                                   translated.size(), PCRE2_UTF | PCRE2_UCP, &error_code,
                                   &error_offset, nullptr);
  if (code == nullptr) {
    throw TokenizerError(origin + ": regex '" + pattern + "' does not compile: " +
                         pcre2_message(error_code));
  }
  pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);  // falls back to the interpreter if JIT is absent
  auto compiled = std::make_shared<Compiled>();
  compiled->code = code;
  compiled->origin = origin;
  compiled_ = std::move(compiled);
}

std::string OnigRegex::escape_literal(std::string_view literal) {
  // Same set as Rust's regex::escape; a backslash before punctuation is literal in PCRE2 too.
  constexpr std::string_view kMeta = "\\.+*?()|[]{}^$#&-~";
  std::string out;
  for (char c : literal) {
    if (kMeta.find(c) != std::string_view::npos) out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

namespace {

// Runs one search from `start`; returns false when nothing matches. A JIT stack overflow
// (very long runs of one class) is retried with a large JIT stack.
bool search_once(const OnigRegex::Compiled& compiled, std::string_view text, size_t start,
                 pcre2_match_data* match_data, Span& match) {
  const auto* subject = reinterpret_cast<PCRE2_SPTR>(text.data());
  int rc = pcre2_match(compiled.code, subject, text.size(), start, PCRE2_NO_UTF_CHECK, match_data,
                       nullptr);
  if (rc == PCRE2_ERROR_JIT_STACKLIMIT) {
    pcre2_jit_stack* stack = pcre2_jit_stack_create(64 * 1024, 256 * 1024 * 1024, nullptr);
    pcre2_match_context* context = pcre2_match_context_create(nullptr);
    pcre2_jit_stack_assign(context, nullptr, stack);
    rc = pcre2_match(compiled.code, subject, text.size(), start, PCRE2_NO_UTF_CHECK, match_data,
                     context);
    pcre2_match_context_free(context);
    pcre2_jit_stack_free(stack);
  }
  if (rc == PCRE2_ERROR_NOMATCH) return false;
  if (rc < 0) {
    throw TokenizerError(compiled.origin + ": regex matching failed at byte " +
                         std::to_string(start) + ": " + pcre2_message(rc));
  }
  const PCRE2_SIZE* ovector = pcre2_get_ovector_pointer(match_data);
  match.start = ovector[0];
  match.end = ovector[1];
  return true;
}

}  // namespace

void OnigRegex::find_all(std::string_view text, std::vector<Span>& matches) const {
  pcre2_match_data* match_data = pcre2_match_data_create_from_pattern(compiled_->code, nullptr);
  size_t search_from = 0;
  bool have_previous = false;
  size_t previous_end = 0;
  try {
    while (search_from <= text.size()) {
      Span match;
      if (!search_once(*compiled_, text, search_from, match_data, match)) break;
      if (match.start == match.end && have_previous && previous_end == match.end) {
        search_from += search_from < text.size()
                           ? utf8::sequence_length(static_cast<unsigned char>(text[search_from]))
                           : 1;
        continue;
      }
      search_from = match.end;
      previous_end = match.end;
      have_previous = true;
      matches.push_back(match);
    }
  } catch (...) {
    pcre2_match_data_free(match_data);
    throw;
  }
  pcre2_match_data_free(match_data);
}

}  // namespace rb::text
