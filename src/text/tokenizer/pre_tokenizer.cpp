#include "text/tokenizer/pre_tokenizer.h"

#include <vector>

#include "text/tokenizer/byte_level.h"
#include "text/tokenizer/onig_regex.h"

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
template <typename SplitFn>
void split_text_pieces(Pieces& pieces, SplitFn split) {
  Pieces result;
  result.reserve(pieces.size() * 4);
  std::vector<std::string> parts;
  for (Piece& piece : pieces) {
    if (piece.is_token()) {
      result.push_back(std::move(piece));
      continue;
    }
    parts.clear();
    split(piece.text, parts);
    for (std::string& part : parts) {
      if (!part.empty()) result.push_back(Piece{std::move(part), -1});
    }
  }
  pieces.swap(result);
}

void split_by_regex(const OnigRegex& regex, SplitBehavior behavior, bool invert,
                    const std::string& text, std::vector<std::string>& parts) {
  for (const MarkedSpan& s : apply_behavior(cover_with_matches(regex, text, invert), behavior)) {
    if (!s.flag) parts.push_back(text.substr(s.span.start, s.span.end - s.span.start));
  }
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
    split_text_pieces(pieces, [&](const std::string& text, std::vector<std::string>& parts) {
      split_by_regex(*regex_, behavior_, invert_, text, parts);
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
    split_text_pieces(pieces, [&](const std::string& text, std::vector<std::string>& parts) {
      const bool prepend = add_prefix_space_ && (text.empty() || text[0] != ' ');
      const std::string spaced = prepend ? " " + text : text;
      if (use_regex_) {
        split_by_regex(*regex_, SplitBehavior::Isolated, false, spaced, parts);
      } else {
        parts.push_back(spaced);
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
  if (type == "Sequence") {
    const JsonContext list_ctx = ctx.child("pretokenizers");
    const auto& list = require_array(require_field(config, "pretokenizers", ctx), list_ctx);
    std::vector<std::unique_ptr<PreTokenizer>> steps;
    for (size_t i = 0; i < list.size(); ++i) {
      if (auto step = make_pre_tokenizer(list[i], list_ctx.index(i))) steps.push_back(std::move(step));
    }
    return std::make_unique<SequencePreTokenizer>(std::move(steps));
  }
  ctx.fail("unsupported pre_tokenizer type '" + type + "'");
}

}  // namespace rb::text
