#include "text/tokenizer/pre_tokenizer.h"

#include <vector>

#include "common/utf8.h"
#include "text/tokenizer/byte_level.h"
#include "text/tokenizer/onig_regex.h"
#include "text/tokenizer/unicode_classes.h"

namespace rb::text {

namespace {

struct MarkedSpan {
  Span span;
  bool flag;  // is_match before the behaviour is applied, "remove" after
};

// Rust's Pattern::find_matches: the whole text as alternating non-match / match spans.
std::vector<MarkedSpan> cover_with_matches(const OnigRegex& regex, std::string_view text,
                                           bool invert) {
  std::vector<MarkedSpan> spans;
  if (text.empty()) return {{{0, 0}, invert}};
  std::vector<Span> matches;
  regex.find_all(text, matches);
  size_t previous = 0;
  for (const Span& m : matches) {
    if (previous != m.start) spans.push_back({{previous, m.start}, invert});
    spans.push_back({m, !invert});
    previous = m.end;
  }
  if (previous != text.size()) spans.push_back({{previous, text.size()}, invert});
  return spans;
}

// NormalizedString::split's behaviours: which spans to keep and how matches join neighbours.
std::vector<MarkedSpan> apply_behavior(std::vector<MarkedSpan> matches, SplitBehavior behavior) {
  std::vector<MarkedSpan> out;
  out.reserve(matches.size());
  bool previous_match = false;
  switch (behavior) {
    case SplitBehavior::Isolated:
      for (auto& m : matches) out.push_back({m.span, false});
      return out;
    case SplitBehavior::Removed:
      return matches;
    case SplitBehavior::Contiguous:
      for (auto& m : matches) {
        if (m.flag == previous_match && !out.empty()) {
          out.back().span.end = m.span.end;
        } else {
          out.push_back({m.span, false});
        }
        previous_match = m.flag;
      }
      return out;
    case SplitBehavior::MergedWithPrevious:
      for (auto& m : matches) {
        if (m.flag && !previous_match && !out.empty()) {
          out.back().span.end = m.span.end;
        } else {
          out.push_back({m.span, false});
        }
        previous_match = m.flag;
      }
      return out;
    case SplitBehavior::MergedWithNext:
      for (auto it = matches.rbegin(); it != matches.rend(); ++it) {
        if (it->flag && !previous_match && !out.empty()) {
          out.back().span.start = it->span.start;
        } else {
          out.push_back({it->span, false});
        }
        previous_match = it->flag;
      }
      return std::vector<MarkedSpan>(out.rbegin(), out.rend());
  }
  return out;
}

// Replaces every text piece by the pieces `split` makes of it, dropping empty ones.
// `split(text, spans)` appends the [start, end) byte spans to keep.
template <typename SplitFn>
void split_text_pieces(Pieces& pieces, SplitFn split) {
  Pieces result;
  result.reserve(pieces.size() * 4);
  std::vector<Span> spans;
  for (Piece& piece : pieces) {
    if (piece.is_token()) {
      result.push_back(std::move(piece));
      continue;
    }
    spans.clear();
    split(piece.text, spans);
    for (const Span& span : spans) {
      if (span.end <= span.start) continue;
      Piece part{piece.text.substr(span.start, span.end - span.start), -1,
                 piece.at_input_start && span.start == 0};
      result.push_back(std::move(part));
    }
  }
  pieces.swap(result);
}

void keep_unflagged(const std::vector<MarkedSpan>& marked, std::vector<Span>& spans) {
  for (const MarkedSpan& s : marked) {
    if (!s.flag) spans.push_back(s.span);
  }
}

void split_by_regex(const OnigRegex& regex, SplitBehavior behavior, bool invert,
                    const std::string& text, std::vector<Span>& spans) {
  keep_unflagged(apply_behavior(cover_with_matches(regex, text, invert), behavior), spans);
}

// Rust's split with a char predicate: every matching character is its own match.
template <typename Predicate>
void split_by_char(const std::string& text, SplitBehavior behavior, Predicate is_delimiter,
                   std::vector<Span>& spans) {
  std::vector<MarkedSpan> marked;
  if (text.empty()) {
    marked.push_back({{0, 0}, false});
  } else {
    size_t pos = 0;
    size_t run_start = 0;
    while (pos < text.size()) {
      const size_t start = pos;
      const char32_t cp = utf8::decode_next(text, pos);
      if (!is_delimiter(cp)) continue;
      if (run_start != start) marked.push_back({{run_start, start}, false});
      marked.push_back({{start, pos}, true});
      run_start = pos;
    }
    if (run_start != text.size()) marked.push_back({{run_start, text.size()}, false});
  }
  keep_unflagged(apply_behavior(std::move(marked), behavior), spans);
}

SplitBehavior parse_behavior(const std::string& name, const JsonContext& ctx) {
  if (name == "Removed") return SplitBehavior::Removed;
  if (name == "Isolated") return SplitBehavior::Isolated;
  if (name == "MergedWithPrevious") return SplitBehavior::MergedWithPrevious;
  if (name == "MergedWithNext") return SplitBehavior::MergedWithNext;
  if (name == "Contiguous") return SplitBehavior::Contiguous;
  ctx.fail("unknown split behavior '" + name + "'");
}

class SplitPreTokenizer final : public PreTokenizer {
 public:
  SplitPreTokenizer(const nlohmann::json& config, const JsonContext& ctx) {
    const JsonContext pattern_ctx = ctx.child("pattern");
    const auto& pattern = require_object(require_field(config, "pattern", ctx), pattern_ctx);
    std::string source;
    if (pattern.contains("String")) {
      source = OnigRegex::escape_literal(
          require_string(pattern.at("String"), pattern_ctx.child("String")));
    } else if (pattern.contains("Regex")) {
      source = require_string(pattern.at("Regex"), pattern_ctx.child("Regex"));
    } else {
      pattern_ctx.fail("expected 'String' or 'Regex'");
    }
    regex_ = std::make_unique<OnigRegex>(source, pattern_ctx.origin + ": " + pattern_ctx.path);
    behavior_ = parse_behavior(
        require_string(require_field(config, "behavior", ctx), ctx.child("behavior")),
        ctx.child("behavior"));
    invert_ = bool_or(config, "invert", false, ctx);
  }

  void pre_tokenize(Pieces& pieces) const override {
    split_text_pieces(pieces, [&](const std::string& text, std::vector<Span>& spans) {
      split_by_regex(*regex_, behavior_, invert_, text, spans);
    });
  }

 private:
  std::unique_ptr<OnigRegex> regex_;
  SplitBehavior behavior_ = SplitBehavior::Isolated;
  bool invert_ = false;
};

class ByteLevelPreTokenizer final : public PreTokenizer {
 public:
  ByteLevelPreTokenizer(const nlohmann::json& config, const JsonContext& ctx)
      : add_prefix_space_(bool_or(config, "add_prefix_space", true, ctx)),
        use_regex_(bool_or(config, "use_regex", true, ctx)) {
    if (use_regex_) regex_ = std::make_unique<OnigRegex>(kGpt2SplitPattern, ctx.origin);
  }

  void pre_tokenize(Pieces& pieces) const override {
    if (add_prefix_space_) {
      for (Piece& piece : pieces) {
        if (!piece.is_token() && (piece.text.empty() || piece.text[0] != ' ')) piece.text.insert(0, " ");
      }
    }
    split_text_pieces(pieces, [&](const std::string& text, std::vector<Span>& spans) {
      if (use_regex_) {
        split_by_regex(*regex_, SplitBehavior::Isolated, false, text, spans);
      } else {
        spans.push_back({0, text.size()});
      }
    });
    std::string mapped;
    for (Piece& piece : pieces) {
      if (piece.is_token()) continue;
      mapped.clear();
      alphabet_.encode(piece.text, mapped);
      piece.text.swap(mapped);
    }
  }

 private:
  bool add_prefix_space_;
  bool use_regex_;
  std::unique_ptr<OnigRegex> regex_;
  ByteLevelAlphabet alphabet_;
};

// Metaspace: spaces become the replacement character (default U+2581), a replacement is
// prepended by prepend_scheme ("always"; "first": only to the piece that starts the input;
// "never"; older files say add_prefix_space), then the text is split before each replacement.
class MetaspacePreTokenizer final : public PreTokenizer {
 public:
  MetaspacePreTokenizer(const nlohmann::json& config, const JsonContext& ctx) {
    const std::string replacement = string_or(config, "replacement", "\u2581", ctx);
    size_t pos = 0;
    if (replacement.empty()) ctx.child("replacement").fail("must be one character");
    replacement_ = utf8::decode_next(replacement, pos);
    if (pos != replacement.size()) ctx.child("replacement").fail("must be one character");
    replacement_utf8_ = replacement;
    std::string scheme = "always";
    if (has_non_null(config, "prepend_scheme")) {
      scheme = string_or(config, "prepend_scheme", "always", ctx);
    } else if (has_non_null(config, "add_prefix_space")) {
      scheme = bool_or(config, "add_prefix_space", true, ctx) ? "always" : "never";
    }
    if (scheme != "always" && scheme != "first" && scheme != "never") {
      ctx.child("prepend_scheme").fail("expected always, first or never, got '" + scheme + "'");
    }
    scheme_ = scheme;
    split_ = bool_or(config, "split", true, ctx);
  }

  void pre_tokenize(Pieces& pieces) const override {
    for (Piece& piece : pieces) {
      if (piece.is_token()) continue;
      std::string replaced;
      replaced.reserve(piece.text.size() + 3);
      for (char c : piece.text) {
        if (c == ' ') {
          replaced += replacement_utf8_;
        } else {
          replaced.push_back(c);
        }
      }
      const bool starts_with_replacement = replaced.compare(0, replacement_utf8_.size(), replacement_utf8_) == 0;
      const bool prepend = !starts_with_replacement &&
                           (scheme_ == "always" || (scheme_ == "first" && piece.at_input_start));
      if (prepend && !replaced.empty()) replaced.insert(0, replacement_utf8_);
      piece.text.swap(replaced);
    }
    if (!split_) return;
    split_text_pieces(pieces, [&](const std::string& text, std::vector<Span>& spans) {
      split_by_char(text, SplitBehavior::MergedWithNext,
                    [&](char32_t cp) { return cp == replacement_; }, spans);
    });
  }

 private:
  char32_t replacement_ = 0x2581;
  std::string replacement_utf8_;
  std::string scheme_;
  bool split_ = true;
};

// Whitespace: Rust's \w+|[^\w\s]+ with the regex crate's Unicode classes: runs of word
// characters and runs of other non-space characters are kept, white space is dropped.
class WhitespacePreTokenizer final : public PreTokenizer {
 public:
  void pre_tokenize(Pieces& pieces) const override {
    split_text_pieces(pieces, [&](const std::string& text, std::vector<Span>& spans) {
      enum Kind { kSpace, kWord, kOther };
      Kind run = kSpace;
      size_t run_start = 0;
      size_t pos = 0;
      while (pos < text.size()) {
        const size_t start = pos;
        const char32_t cp = utf8::decode_next(text, pos);
        const Kind kind = is_regex_word_char(cp) ? kWord : is_rust_whitespace(cp) ? kSpace : kOther;
        if (kind == run) continue;
        if (run != kSpace) spans.push_back({run_start, start});
        run = kind;
        run_start = start;
      }
      if (run != kSpace) spans.push_back({run_start, text.size()});
    });
  }
};

// A split on a character class with a fixed behaviour (WhitespaceSplit, Punctuation, Digits).
template <typename Predicate>
class CharSplitPreTokenizer final : public PreTokenizer {
 public:
  CharSplitPreTokenizer(Predicate predicate, SplitBehavior behavior)
      : predicate_(predicate), behavior_(behavior) {}
  void pre_tokenize(Pieces& pieces) const override {
    split_text_pieces(pieces, [&](const std::string& text, std::vector<Span>& spans) {
      split_by_char(text, behavior_, predicate_, spans);
    });
  }

 private:
  Predicate predicate_;
  SplitBehavior behavior_;
};

template <typename Predicate>
std::unique_ptr<PreTokenizer> make_char_split(Predicate predicate, SplitBehavior behavior) {
  return std::make_unique<CharSplitPreTokenizer<Predicate>>(predicate, behavior);
}

class SequencePreTokenizer final : public PreTokenizer {
 public:
  explicit SequencePreTokenizer(std::vector<std::unique_ptr<PreTokenizer>> steps)
      : steps_(std::move(steps)) {}
  void pre_tokenize(Pieces& pieces) const override {
    for (const auto& step : steps_) step->pre_tokenize(pieces);
  }

 private:
  std::vector<std::unique_ptr<PreTokenizer>> steps_;
};

}  // namespace

std::unique_ptr<PreTokenizer> make_pre_tokenizer(const nlohmann::json& config,
                                                 const JsonContext& ctx) {
  if (config.is_null()) return nullptr;
  const std::string type = component_type(config, ctx);
  if (type == "Split") return std::make_unique<SplitPreTokenizer>(config, ctx);
  if (type == "ByteLevel") return std::make_unique<ByteLevelPreTokenizer>(config, ctx);
  if (type == "Metaspace") return std::make_unique<MetaspacePreTokenizer>(config, ctx);
  if (type == "Whitespace") return std::make_unique<WhitespacePreTokenizer>();
  if (type == "WhitespaceSplit") return make_char_split(is_rust_whitespace, SplitBehavior::Removed);
  if (type == "Punctuation") {
    const SplitBehavior behavior = parse_behavior(string_or(config, "behavior", "Isolated", ctx),
                                                  ctx.child("behavior"));
    return make_char_split(is_punctuation, behavior);
  }
  if (type == "Digits") {
    const bool individual = bool_or(config, "individual_digits", false, ctx);
    return make_char_split(is_rust_numeric,
                           individual ? SplitBehavior::Isolated : SplitBehavior::Contiguous);
  }
  if (type == "BertPreTokenizer") {
    std::vector<std::unique_ptr<PreTokenizer>> steps;
    steps.push_back(make_char_split(is_rust_whitespace, SplitBehavior::Removed));
    steps.push_back(make_char_split(is_punctuation, SplitBehavior::Isolated));
    return std::make_unique<SequencePreTokenizer>(std::move(steps));
  }
  if (type == "Sequence")
    return std::make_unique<SequencePreTokenizer>(
        sequence_steps<PreTokenizer>(config, "pretokenizers", ctx, make_pre_tokenizer));
  ctx.fail("unsupported pre_tokenizer type '" + type + "'");
}

}  // namespace rb::text
