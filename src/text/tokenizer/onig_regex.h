#pragma once
// Regexes written for Oniguruma (what Hugging Face tokenizers compiles tokenizer.json patterns
// with), run on PCRE2 with UTF + UCP. The two engines agree on the syntax these files use
// ((?i:...), \p{L}, \p{N}, (?!\S)); where they differ (\s: PCRE2 adds U+180E; \p{..}: PCRE2's
// tables are older) the pattern is rewritten to Oniguruma's meaning before compiling.
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace rb::text {

struct Span {
  size_t start = 0;
  size_t end = 0;
};

class OnigRegex {
 public:
  // Throws rb::TokenizerError naming `origin` when the pattern does not compile.
  OnigRegex(const std::string& pattern, const std::string& origin);

  // A pattern matching `literal` exactly (what Rust's regex::escape produces, for String patterns).
  static std::string escape_literal(std::string_view literal);

  // Appends the matches of Oniguruma's find_iter over `text` (valid UTF-8): leftmost
  // non-overlapping matches; an empty match right where the previous match ended is skipped
  // and the search moves on by one character.
  void find_all(std::string_view text, std::vector<Span>& matches) const;

  struct Compiled;

 private:
  std::shared_ptr<const Compiled> compiled_;
};

// Rewrites \s \d \w \h (and, outside classes, \S \D \W \H) to Oniguruma's meaning (\s: White_Space;
// \h: hex digit) and \p{..} / \P{..} to explicit ranges from ICU (Unicode 15, as Oniguruma
// has; PCRE2 10.42 knows only Unicode 14).
// Exposed for tests.
std::string translate_onig_pattern(const std::string& pattern);

}  // namespace rb::text
