#include "text/tokenizer/normalizer.h"

#include <unicode/bytestream.h>
#include <unicode/locid.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/uniset.h>

#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "common/utf8.h"
#include "text/tokenizer/byte_level.h"
#include "text/tokenizer/onig_regex.h"
#include "text/tokenizer/precompiled_charsmap.h"
#include "text/tokenizer/unicode_classes.h"

namespace rb::text {

namespace {

bool is_ascii(const std::string& text) {
  for (char c : text) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

enum class UnicodeForm { NFC, NFD, NFKC, NFKD };

// Rewrites `text` one code point at a time: emit(cp, bytes, out) appends what stands for the code
// point whose UTF-8 is `bytes` (appending nothing drops it).
template <typename Emit>
void rewrite_chars(std::string& text, Emit emit, size_t extra_capacity = 0) {
  std::string out;
  out.reserve(text.size() + extra_capacity);
  size_t pos = 0;
  while (pos < text.size()) {
    const size_t start = pos;
    const char32_t cp = utf8::decode_next(text, pos);
    emit(cp, std::string_view(text.data() + start, pos - start), out);
  }
  text.swap(out);
}

// Removes every character for which `drop` holds (Rust's NormalizedString::filter).
template <typename Drop>
void filter_chars(std::string& text, Drop drop) {
  rewrite_chars(text, [&](char32_t cp, std::string_view bytes, std::string& out) {
    if (!drop(cp)) out.append(bytes);
  });
}

class UnicodeNormalizer final : public Normalizer {
 public:
  UnicodeNormalizer(UnicodeForm form, const JsonContext& ctx) {
    UErrorCode status = U_ZERO_ERROR;
    switch (form) {
      case UnicodeForm::NFC: icu_ = icu::Normalizer2::getNFCInstance(status); break;
      case UnicodeForm::NFD: icu_ = icu::Normalizer2::getNFDInstance(status); break;
      case UnicodeForm::NFKC: icu_ = icu::Normalizer2::getNFKCInstance(status); break;
      case UnicodeForm::NFKD: icu_ = icu::Normalizer2::getNFKDInstance(status); break;
    }
    if (U_FAILURE(status)) ctx.fail(std::string("ICU normalizer unavailable: ") + u_errorName(status));
    // Rust's unicode-normalization-alignments crate has Unicode 9.0 tables: characters assigned
    // later are neither decomposed, composed nor reordered there (checked against the oracle).
    unicode_9_ = std::make_unique<icu::UnicodeSet>(icu::UnicodeString(u"[:age=9.0:]"), status);
    if (U_FAILURE(status)) ctx.fail(std::string("ICU age set unavailable: ") + u_errorName(status));
    unicode_9_->freeze();
    filtered_ = std::make_unique<icu::FilteredNormalizer2>(*icu_, *unicode_9_);
  }

  void normalize(std::string& text) const override {
    if (is_ascii(text)) return;  // ASCII is invariant under all four forms
    UErrorCode status = U_ZERO_ERROR;
    if (filtered_->isNormalizedUTF8(text, status) && U_SUCCESS(status)) return;
    status = U_ZERO_ERROR;
    std::string out;
    out.reserve(text.size() + 8);
    icu::StringByteSink<std::string> sink(&out);
    filtered_->normalizeUTF8(0, text, sink, nullptr, status);
    if (U_SUCCESS(status)) text.swap(out);
  }

 private:
  const icu::Normalizer2* icu_ = nullptr;
  std::unique_ptr<icu::UnicodeSet> unicode_9_;
  std::unique_ptr<icu::FilteredNormalizer2> filtered_;
};

// Rust's char::to_lowercase applied per character (full, context-free mappings: no final sigma).
class LowercaseNormalizer final : public Normalizer {
 public:
  void normalize(std::string& text) const override {
    if (is_ascii(text)) {
      for (char& c : text) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      }
      return;
    }
    rewrite_chars(text, [](char32_t cp, std::string_view, std::string& out) {
      if (cp < 0x80) {
        out.push_back(static_cast<char>(cp >= 'A' && cp <= 'Z' ? cp - 'A' + 'a' : cp));
      } else if (const char32_t lower = unicode_16_lowercase(cp)) {  // Rust knows Unicode 16.0, ICU 72 not
        utf8::append(out, lower);
      } else {
        icu::UnicodeString one(static_cast<UChar32>(cp));
        one.toLower(icu::Locale::getRoot());
        one.toUTF8String(out);
      }
    });
  }
};

class ReplaceNormalizer final : public Normalizer {
 public:
  ReplaceNormalizer(const nlohmann::json& config, const JsonContext& ctx) {
    const auto& pattern = require_object(require_field(config, "pattern", ctx), ctx.child("pattern"));
    if (pattern.contains("String")) {
      literal_ = require_string(pattern.at("String"), ctx.child("pattern").child("String"));
    } else if (pattern.contains("Regex")) {
      const std::string source = require_string(pattern.at("Regex"), ctx.child("pattern").child("Regex"));
      regex_ = std::make_unique<OnigRegex>(source, ctx.origin + ": " + ctx.path);
    } else {
      ctx.child("pattern").fail("expected 'String' or 'Regex'");
    }
    content_ = require_string(require_field(config, "content", ctx), ctx.child("content"));
  }

  void normalize(std::string& text) const override {
    std::vector<Span> matches;
    if (regex_) {
      regex_->find_all(text, matches);
    } else if (!literal_.empty()) {
      for (size_t at = text.find(literal_); at != std::string::npos;
           at = text.find(literal_, at + literal_.size())) {
        matches.push_back({at, at + literal_.size()});
      }
    }
    if (matches.empty()) return;
    std::string out;
    size_t copied = 0;
    for (const Span& m : matches) {
      out.append(text, copied, m.start - copied);
      out += content_;
      copied = m.end;
    }
    out.append(text, copied, std::string::npos);
    text.swap(out);
  }

 private:
  std::string literal_;
  std::unique_ptr<OnigRegex> regex_;
  std::string content_;
};

class PrependNormalizer final : public Normalizer {
 public:
  explicit PrependNormalizer(std::string prefix) : prefix_(std::move(prefix)) {}
  void normalize(std::string& text) const override {
    if (!text.empty()) text.insert(0, prefix_);
  }

 private:
  std::string prefix_;
};

// Strips Unicode White_Space (Rust's char::is_whitespace) from either end.
class StripNormalizer final : public Normalizer {
 public:
  StripNormalizer(bool left, bool right) : left_(left), right_(right) {}
  void normalize(std::string& text) const override {
    size_t begin = 0;
    size_t end = text.size();
    if (left_) {
      while (begin < end) {
        size_t next = begin;
        if (!u_isUWhiteSpace(static_cast<UChar32>(utf8::decode_next(text, next)))) break;
        begin = next;
      }
    }
    if (right_) {
      while (end > begin) {
        const char32_t cp = utf8::decode_before(text, end);
        if (!u_isUWhiteSpace(static_cast<UChar32>(cp))) break;
        std::string tmp;
        utf8::append(tmp, cp);
        end -= tmp.size();
      }
    }
    text = text.substr(begin, end - begin);
  }

 private:
  bool left_;
  bool right_;
};

// StripAccents: drops combining marks (Mn, Mc, Me); files pair it with NFD/NFKD before.
class StripAccentsNormalizer final : public Normalizer {
 public:
  void normalize(std::string& text) const override {
    if (is_ascii(text)) return;
    filter_chars(text, is_combining_mark);
  }
};

// BertNormalizer: clean_text (drop NUL, U+FFFD and controls; whitespace becomes ' '),
// handle_chinese_chars (spaces around CJK ideographs), strip_accents (NFD then drop Mn;
// null means "as lowercase"), lowercase; in that order, as Rust runs them.
class BertNormalizer final : public Normalizer {
 public:
  BertNormalizer(const nlohmann::json& config, const JsonContext& ctx)
      : clean_text_(bool_or(config, "clean_text", true, ctx)),
        handle_chinese_chars_(bool_or(config, "handle_chinese_chars", true, ctx)),
        lowercase_(bool_or(config, "lowercase", true, ctx)),
        strip_accents_(bool_or(config, "strip_accents", lowercase_, ctx)),
        nfd_(UnicodeForm::NFD, ctx) {}

  void normalize(std::string& text) const override {
    if (clean_text_) clean(text);
    if (handle_chinese_chars_) pad_cjk(text);
    if (strip_accents_) {
      nfd_.normalize(text);
      filter_chars(text, is_nonspacing_mark_unicode_8);
    }
    if (lowercase_) lowercase_step_.normalize(text);
  }

 private:
  static void clean(std::string& text) {
    rewrite_chars(text, [](char32_t cp, std::string_view bytes, std::string& out) {
      if (cp == 0 || cp == 0xFFFD || is_control_char(cp)) return;
      if (is_rust_whitespace(cp)) {
        out.push_back(' ');
      } else {
        out.append(bytes);
      }
    });
  }

  static void pad_cjk(std::string& text) {
    if (is_ascii(text)) return;
    rewrite_chars(
        text,
        [](char32_t cp, std::string_view bytes, std::string& out) {
          const bool padded = is_cjk_ideograph(cp);
          if (padded) out.push_back(' ');
          out.append(bytes);
          if (padded) out.push_back(' ');
        },
        16);
  }

  bool clean_text_;
  bool handle_chinese_chars_;
  bool lowercase_;
  bool strip_accents_;
  UnicodeNormalizer nfd_;
  LowercaseNormalizer lowercase_step_;
};

// Nmt: SentencePiece's nmt_nfkc pre-clean: drops some controls, maps odd spaces to ' '.
class NmtNormalizer final : public Normalizer {
 public:
  void normalize(std::string& text) const override {
    rewrite_chars(text, [](char32_t cp, std::string_view bytes, std::string& out) {
      if ((cp >= 0x0001 && cp <= 0x0008) || cp == 0x000B || (cp >= 0x000E && cp <= 0x001F) ||
          cp == 0x007F || cp == 0x008F || cp == 0x009F) {
        return;
      }
      if (cp == 0x0009 || cp == 0x000A || cp == 0x000C || cp == 0x000D || cp == 0x1680 ||
          (cp >= 0x200B && cp <= 0x200F) || cp == 0x2028 || cp == 0x2029 || cp == 0x2581 ||
          cp == 0xFEFF || cp == 0xFFFD) {
        out.push_back(' ');
      } else {
        out.append(bytes);
      }
    });
  }
};

class PrecompiledNormalizer final : public Normalizer {
 public:
  PrecompiledNormalizer(const nlohmann::json& config, const JsonContext& ctx)
      : charsmap_(load(config, ctx)) {}
  void normalize(std::string& text) const override {
    if (charsmap_) text = charsmap_->normalize(text);
  }

 private:
  static std::optional<PrecompiledCharsmap> load(const nlohmann::json& config, const JsonContext& ctx) {
    const std::string encoded = string_or(config, "precompiled_charsmap", "", ctx);
    if (encoded.empty()) return std::nullopt;  // Rust treats an empty map as the identity
    const std::string where = ctx.origin + ": " + ctx.child("precompiled_charsmap").path;
    return PrecompiledCharsmap(decode_base64(encoded, where), where);
  }
  std::optional<PrecompiledCharsmap> charsmap_;
};

// ByteLevel normalizer: every byte becomes its GPT-2 byte-level character.
class ByteLevelNormalizer final : public Normalizer {
 public:
  void normalize(std::string& text) const override {
    std::string out;
    alphabet_.encode(text, out);
    text.swap(out);
  }

 private:
  ByteLevelAlphabet alphabet_;
};

class SequenceNormalizer final : public Normalizer {
 public:
  explicit SequenceNormalizer(std::vector<std::unique_ptr<Normalizer>> steps)
      : steps_(std::move(steps)) {}
  void normalize(std::string& text) const override {
    for (const auto& step : steps_) step->normalize(text);
  }

 private:
  std::vector<std::unique_ptr<Normalizer>> steps_;
};

}  // namespace

std::unique_ptr<Normalizer> make_normalizer(const nlohmann::json& config, const JsonContext& ctx) {
  if (config.is_null()) return nullptr;
  const std::string type = component_type(config, ctx);
  if (type == "NFC") return std::make_unique<UnicodeNormalizer>(UnicodeForm::NFC, ctx);
  if (type == "NFD") return std::make_unique<UnicodeNormalizer>(UnicodeForm::NFD, ctx);
  if (type == "NFKC") return std::make_unique<UnicodeNormalizer>(UnicodeForm::NFKC, ctx);
  if (type == "NFKD") return std::make_unique<UnicodeNormalizer>(UnicodeForm::NFKD, ctx);
  if (type == "Lowercase") return std::make_unique<LowercaseNormalizer>();
  if (type == "Replace") return std::make_unique<ReplaceNormalizer>(config, ctx);
  if (type == "Prepend") {
    return std::make_unique<PrependNormalizer>(
        require_string(require_field(config, "prepend", ctx), ctx.child("prepend")));
  }
  if (type == "Strip") {
    return std::make_unique<StripNormalizer>(bool_or(config, "strip_left", true, ctx),
                                             bool_or(config, "strip_right", true, ctx));
  }
  if (type == "StripAccents") return std::make_unique<StripAccentsNormalizer>();
  if (type == "BertNormalizer") return std::make_unique<BertNormalizer>(config, ctx);
  if (type == "Nmt") return std::make_unique<NmtNormalizer>();
  if (type == "Precompiled") return std::make_unique<PrecompiledNormalizer>(config, ctx);
  if (type == "ByteLevel") return std::make_unique<ByteLevelNormalizer>();
  if (type == "Sequence")
    return std::make_unique<SequenceNormalizer>(
        sequence_steps<Normalizer>(config, "normalizers", ctx, make_normalizer));
  ctx.fail("unsupported normalizer type '" + type + "'");
}

}  // namespace rb::text
