#include "text/tokenizer/precompiled_charsmap.h"

#include <unicode/brkiter.h>
#include <unicode/locid.h>
#include <unicode/utext.h>

#include <algorithm>
#include <cstring>
#include <memory>

#include "common/error.h"
#include "common/utf8.h"

namespace rb::text {

namespace {

// darts-clone unit accessors.
bool has_leaf(uint32_t unit) { return ((unit >> 8) & 1) != 0; }
uint32_t value_of(uint32_t unit) { return unit & ((1u << 31) - 1); }
uint32_t label_of(uint32_t unit) { return unit & ((1u << 31) | 0xFF); }
uint32_t offset_of(uint32_t unit) { return (unit >> 10) << ((unit & (1u << 9)) >> 6); }

int base64_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

}  // namespace

std::string decode_base64(const std::string& text, const std::string& origin) {
  std::string out;
  out.reserve(text.size() * 3 / 4);
  uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    if (c == '=' || c == '\n' || c == '\r') continue;
    const int value = base64_value(c);
    if (value < 0) throw TokenizerError(origin + ": invalid base64 character in precompiled_charsmap");
    buffer = (buffer << 6) | static_cast<uint32_t>(value);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xFF));
    }
  }
  return out;
}

PrecompiledCharsmap::PrecompiledCharsmap(const std::string& bytes, const std::string& origin) {
  if (bytes.size() < 4) throw TokenizerError(origin + ": precompiled_charsmap is too short");
  uint32_t trie_size = 0;
  for (int i = 3; i >= 0; --i) trie_size = (trie_size << 8) | static_cast<unsigned char>(bytes[static_cast<size_t>(i)]);
  if (trie_size % 4 != 0 || trie_size > bytes.size() - 4) {
    throw TokenizerError(origin + ": precompiled_charsmap trie size is inconsistent");
  }
  trie_.resize(trie_size / 4);
  for (size_t i = 0; i < trie_.size(); ++i) {
    const auto* p = reinterpret_cast<const unsigned char*>(bytes.data() + 4 + 4 * i);
    trie_[i] = static_cast<uint32_t>(p[0]) | (static_cast<uint32_t>(p[1]) << 8) |
               (static_cast<uint32_t>(p[2]) << 16) | (static_cast<uint32_t>(p[3]) << 24);
  }
  if (trie_.empty()) throw TokenizerError(origin + ": precompiled_charsmap trie is empty");
  replacements_ = bytes.substr(4 + trie_size);
}

std::optional<std::string_view> PrecompiledCharsmap::transform(std::string_view chunk) const {
  size_t node = offset_of(trie_[0]);
  for (char ch : chunk) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == 0) break;
    node ^= c;
    if (node >= trie_.size()) return std::nullopt;
    const uint32_t unit = trie_[node];
    if (label_of(unit) != c) return std::nullopt;
    node ^= offset_of(unit);
    if (node >= trie_.size()) return std::nullopt;
    if (has_leaf(unit)) {
      const size_t begin = value_of(trie_[node]);
      if (begin >= replacements_.size()) return std::nullopt;
      const size_t end = replacements_.find('\0', begin);
      return std::string_view(replacements_).substr(
          begin, (end == std::string::npos ? replacements_.size() : end) - begin);
    }
  }
  return std::nullopt;
}

std::string PrecompiledCharsmap::normalize(const std::string& text) const {
  const bool ascii = std::all_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
  if (ascii) return normalize_ascii(text);
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::BreakIterator> graphemes(
      icu::BreakIterator::createCharacterInstance(icu::Locale::getRoot(), status));
  UText* utext = utext_openUTF8(nullptr, text.data(), static_cast<int64_t>(text.size()), &status);
  if (U_FAILURE(status) || !graphemes) {
    if (utext) utext_close(utext);
    throw TokenizerError("Precompiled normalizer: ICU grapheme segmentation unavailable");
  }
  graphemes->setText(utext, status);
  std::string out;
  out.reserve(text.size());
  int32_t start = graphemes->first();
  for (int32_t end = graphemes->next(); end != icu::BreakIterator::DONE; start = end, end = graphemes->next()) {
    const std::string_view grapheme(text.data() + start, static_cast<size_t>(end - start));
    if (grapheme.size() < 6) {
      if (auto replacement = transform(grapheme)) {
        out.append(*replacement);
        continue;
      }
    }
    size_t pos = 0;
    while (pos < grapheme.size()) {
      const size_t char_start = pos;
      pos += utf8::sequence_length(static_cast<unsigned char>(grapheme[pos]));
      const std::string_view one = grapheme.substr(char_start, pos - char_start);
      if (auto replacement = transform(one)) {
        out.append(*replacement);
      } else {
        out.append(one);
      }
    }
  }
  utext_close(utext);
  return out;
}

// ASCII text needs no segmenter: every character is its own grapheme cluster except CR LF.
std::string PrecompiledCharsmap::normalize_ascii(const std::string& text) const {
  std::string out;
  out.reserve(text.size());
  for (size_t pos = 0; pos < text.size();) {
    const size_t length = (text[pos] == '\r' && pos + 1 < text.size() && text[pos + 1] == '\n') ? 2 : 1;
    const std::string_view grapheme(text.data() + pos, length);
    if (auto replacement = transform(grapheme)) {
      out.append(*replacement);
    } else if (length == 2) {  // CR LF without a mapping: map CR and LF one by one
      for (char c : grapheme) {
        auto one = transform(std::string_view(&c, 1));
        if (one) {
          out.append(*one);
        } else {
          out.push_back(c);
        }
      }
    } else {
      out.push_back(text[pos]);
    }
    pos += length;
  }
  return out;
}

}  // namespace rb::text
