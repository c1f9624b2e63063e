#include "template/lexer.h"

#include <cstdlib>

#include "common/error.h"
#include "common/utf8.h"
#include "template/unicode_chars.h"

namespace rb::tmpl {
namespace {

// Newlines become "\n" and one trailing newline is dropped (jinja2's keep_trailing_newline=False).
std::string normalize_newlines(const std::string& source) {
  std::string out;
  out.reserve(source.size());
  for (std::size_t i = 0; i < source.size(); ++i) {
    if (source[i] == '\r') {
      out += '\n';
      if (i + 1 < source.size() && source[i + 1] == '\n') ++i;
    } else {
      out += source[i];
    }
  }
  if (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

bool is_ascii_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

// Length in bytes of the Python-whitespace code point at `pos`, or 0.
std::size_t space_at(const std::string& text, std::size_t pos) {
  unsigned char c = static_cast<unsigned char>(text[pos]);
  if (c < 0x80) return unicode::is_space(c) ? 1 : 0;
  std::size_t len = c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
  if (pos + len > text.size()) return 0;
  auto cps = utf8::decode(text.substr(pos, len));
  return cps.size() == 1 && unicode::is_space(cps[0]) ? len : 0;
}

std::size_t skip_spaces(const std::string& text, std::size_t pos) {
  while (pos < text.size()) {
    std::size_t n = space_at(text, pos);
    if (!n) break;
    pos += n;
  }
  return pos;
}

std::string rstrip_spaces(const std::string& text) {
  auto cps = utf8::decode(text);
  while (!cps.empty() && unicode::is_space(cps.back())) cps.pop_back();
  return utf8::encode(cps);
}

bool all_spaces(const std::string& text, std::size_t from) {
  if (from >= text.size()) return false;
  return skip_spaces(text, from) == text.size();
}

class Lexer {
 public:
  Lexer(const std::string& source, const std::string& origin, const LexerOptions& options)
      : src_(normalize_newlines(source)), origin_(origin), options_(options) {}

  std::vector<Token> run() {
    while (pos_ < src_.size()) lex_root();
    emit(Token::Type::Eof, "", pos_);
    return std::move(tokens_);
  }

 private:
  [[noreturn]] void fail(const std::string& message, std::size_t at) const {
    auto [line, column] = position(at);
    throw TemplateError(origin_ + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + message);
  }

  std::pair<int, int> position(std::size_t at) const {
    int line = 1, column = 1;
    for (std::size_t i = 0; i < at && i < src_.size(); ++i) {
      if (src_[i] == '\n') {
        ++line;
        column = 1;
      } else if ((static_cast<unsigned char>(src_[i]) & 0xC0) != 0x80) {
        ++column;
      }
    }
    return {line, column};
  }

  Token& emit(Token::Type type, std::string text, std::size_t at) {
    Token token;
    token.type = type;
    token.text = std::move(text);
    // Positions are computed incrementally: tokens come in source order.
    for (; line_scan_pos_ < at && line_scan_pos_ < src_.size(); ++line_scan_pos_) {
      if (src_[line_scan_pos_] == '\n') {
        ++line_;
        column_ = 1;
      } else if ((static_cast<unsigned char>(src_[line_scan_pos_]) & 0xC0) != 0x80) {
        ++column_;
      }
    }
    token.line = line_;
    token.column = column_;
    tokens_.push_back(std::move(token));
    return tokens_.back();
  }

  // Finds the next "{{", "{%" or "{#" at or after `from`.
  std::size_t find_tag(std::size_t from) const {
    for (std::size_t i = from; i + 1 < src_.size(); ++i) {
      if (src_[i] == '{' && (src_[i + 1] == '{' || src_[i + 1] == '%' || src_[i + 1] == '#')) return i;
    }
    return std::string::npos;
  }

  // Data before a tag, with "-" / lstrip_blocks applied as jinja2's OptionalLStrip rule does.
  void emit_data_before_tag(std::size_t tag, char tag_kind, char sign) {
    std::string text = src_.substr(pos_, tag - pos_);
    if (sign == '-') {
      text = rstrip_spaces(text);
    } else if (sign != '+' && options_.lstrip_blocks && tag_kind != '{') {
      std::size_t line_start = text.rfind('\n');
      line_start = line_start == std::string::npos ? 0 : line_start + 1;
      if ((line_start > 0 || line_starting_) && all_spaces(text, line_start)) text.resize(line_start);
    }
    if (!text.empty()) emit(Token::Type::Data, std::move(text), pos_);
  }

  // "{% raw %}" opening at `tag`: returns the position after it, or npos when this is not raw.
  std::size_t match_raw_begin(std::size_t tag) const {
    std::size_t p = tag + 2;
    if (p < src_.size() && (src_[p] == '-' || src_[p] == '+')) ++p;
    p = skip_spaces(src_, p);
    if (src_.compare(p, 3, "raw") != 0) return std::string::npos;
    p = skip_spaces(src_, p + 3);
    if (src_.compare(p, 3, "-%}") == 0) return skip_spaces(src_, p + 3);
    if (src_.compare(p, 2, "%}") == 0) return p + 2;
    return std::string::npos;
  }

  void lex_root() {
    std::size_t tag = find_tag(pos_);
    if (tag == std::string::npos) {
      emit(Token::Type::Data, src_.substr(pos_), pos_);
      pos_ = src_.size();
      return;
    }
    char kind = src_[tag + 1];
    char sign = tag + 2 < src_.size() && (src_[tag + 2] == '-' || src_[tag + 2] == '+') ? src_[tag + 2] : 0;
    if (kind == '%') {
      std::size_t after_raw = match_raw_begin(tag);
      if (after_raw != std::string::npos) {
        emit_data_before_tag(tag, kind, sign);
        lex_raw(after_raw);
        return;
      }
    }
    emit_data_before_tag(tag, kind, sign);
    std::size_t body = tag + 2 + (sign ? 1 : 0);
    if (kind == '#') {
      lex_comment(tag, body);
    } else {
      emit(kind == '{' ? Token::Type::VariableBegin : Token::Type::BlockBegin, "", tag);
      lex_tag(kind == '{', body);
    }
  }

  void lex_comment(std::size_t tag, std::size_t body) {
    std::size_t end = src_.find("#}", body);
    if (end == std::string::npos) fail("Missing end of comment tag", tag);
    std::size_t after = end + 2;
    if (end > body && src_[end - 1] == '-') {
      after = skip_spaces(src_, after);
    } else if (!(end > body && src_[end - 1] == '+') && options_.trim_blocks && after < src_.size() &&
               src_[after] == '\n') {
      ++after;
    }
    line_starting_ = after > 0 && src_[after - 1] == '\n';
    pos_ = after;
  }

  void lex_raw(std::size_t from) {
    // Find "{%[-+]? endraw %}" and emit everything before it as data.
    for (std::size_t tag = find_tag(from); tag != std::string::npos; tag = find_tag(tag + 1)) {
      if (src_[tag + 1] != '%') continue;
      std::size_t p = tag + 2;
      char sign = 0;
      if (p < src_.size() && (src_[p] == '-' || src_[p] == '+')) sign = src_[p++];
      p = skip_spaces(src_, p);
      if (src_.compare(p, 6, "endraw") != 0) continue;
      p = skip_spaces(src_, p + 6);
      std::size_t after;
      if (src_.compare(p, 3, "+%}") == 0) {
        after = p + 3;
      } else if (src_.compare(p, 3, "-%}") == 0) {
        after = skip_spaces(src_, p + 3);
      } else if (src_.compare(p, 2, "%}") == 0) {
        after = p + 2;
        if (options_.trim_blocks && after < src_.size() && src_[after] == '\n') ++after;
      } else {
        continue;
      }
      pos_ = from;
      emit_data_before_tag(tag, '%', sign);
      pos_ = after;
      line_starting_ = src_[after - 1] == '\n';
      return;
    }
    fail("Missing end of raw directive", from);
  }

  // Tokens inside {{ }} or {% %} up to the closing delimiter at bracket depth zero.
  void lex_tag(bool variable, std::size_t p) {
    std::vector<char> brackets;
    while (true) {
      p = skip_spaces(src_, p);
      if (p >= src_.size()) fail(variable ? "unexpected end of template, expected '}}'" : "unexpected end of template, expected '%}'", p);
      if (brackets.empty()) {
        std::size_t after = match_tag_end(variable, p);
        if (after != std::string::npos) {
          emit(variable ? Token::Type::VariableEnd : Token::Type::BlockEnd, "", p);
          line_starting_ = src_[after - 1] == '\n';
          pos_ = after;
          return;
        }
      }
      p = lex_expression_token(p, brackets);
    }
  }

  std::size_t match_tag_end(bool variable, std::size_t p) const {
    const char* close = variable ? "}}" : "%}";
    if (src_.compare(p, 3, std::string("-") + close) == 0) return skip_spaces(src_, p + 3);
    if (!variable && src_.compare(p, 3, std::string("+") + close) == 0) return p + 3;
    if (src_.compare(p, 2, close) == 0) {
      std::size_t after = p + 2;
      if (!variable && options_.trim_blocks && after < src_.size() && src_[after] == '\n') ++after;
      return after;
    }
    return std::string::npos;
  }

  std::size_t lex_expression_token(std::size_t p, std::vector<char>& brackets) {
    char c = src_[p];
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      std::size_t end = p;
      while (end < src_.size() && (std::isalnum(static_cast<unsigned char>(src_[end])) || src_[end] == '_')) ++end;
      emit(Token::Type::Name, src_.substr(p, end - p), p);
      return end;
    }
    if (std::isdigit(static_cast<unsigned char>(c))) return lex_number(p);
    if (c == '\'' || c == '"') return lex_string(p);
    static const char* const kTwoCharOps[] = {"//", "**", "==", "!=", ">=", "<="};
    for (const char* op : kTwoCharOps) {
      if (src_.compare(p, 2, op) == 0) {
        emit(Token::Type::Operator, op, p);
        return p + 2;
      }
    }
    static const std::string kOneCharOps = "+-/*%~[](){}><=.:|,;";
    if (kOneCharOps.find(c) == std::string::npos) fail(std::string("unexpected char '") + c + "'", p);
    if (c == '(' || c == '[' || c == '{') {
      brackets.push_back(c);
    } else if (c == ')' || c == ']' || c == '}') {
      char open = c == ')' ? '(' : c == ']' ? '[' : '{';
      if (brackets.empty()) fail(std::string("unexpected '") + c + "'", p);
      if (brackets.back() != open) fail(std::string("unexpected '") + c + "', expected closing for '" + brackets.back() + "'", p);
      brackets.pop_back();
    }
    emit(Token::Type::Operator, std::string(1, c), p);
    return p + 1;
  }

  static std::size_t digits_end(const std::string& s, std::size_t p) {
    while (p < s.size() && (std::isdigit(static_cast<unsigned char>(s[p])) ||
                            (s[p] == '_' && p + 1 < s.size() && std::isdigit(static_cast<unsigned char>(s[p + 1]))))) {
      ++p;
    }
    return p;
  }

  std::size_t lex_number(std::size_t p) {
    std::size_t end = digits_end(src_, p);
    bool is_float = false;
    if (end + 1 < src_.size() && src_[end] == '.' && std::isdigit(static_cast<unsigned char>(src_[end + 1]))) {
      end = digits_end(src_, end + 1);
      is_float = true;
    }
    if (end < src_.size() && (src_[end] == 'e' || src_[end] == 'E')) {
      std::size_t q = end + 1;
      if (q < src_.size() && (src_[q] == '+' || src_[q] == '-')) ++q;
      if (q < src_.size() && std::isdigit(static_cast<unsigned char>(src_[q]))) {
        end = digits_end(src_, q);
        is_float = true;
      }
    }
    std::string text;
    for (std::size_t i = p; i < end; ++i) {
      if (src_[i] != '_') text += src_[i];
    }
    Token& token = emit(is_float ? Token::Type::Float : Token::Type::Integer, text, p);
    if (is_float) {
      token.floating = std::strtod(text.c_str(), nullptr);
    } else {
      token.integer = std::strtoll(text.c_str(), nullptr, 10);
    }
    return end;
  }

  std::size_t lex_string(std::size_t p) {
    char quote = src_[p];
    std::string value;
    std::size_t i = p + 1;
    for (; i < src_.size() && src_[i] != quote; ++i) {
      if (src_[i] != '\\') {
        value += src_[i];
        continue;
      }
      if (i + 1 >= src_.size()) break;
      i = decode_escape(i + 1, value);
    }
    if (i >= src_.size()) fail("unexpected end of string", p);
    emit(Token::Type::String, std::move(value), p);
    return i + 1;
  }

  // Python "unicode-escape" decoding of the escape whose letter is at `i`; returns its last index.
  std::size_t decode_escape(std::size_t i, std::string& out) const {
    char e = src_[i];
    switch (e) {
      case 'n': out += '\n'; return i;
      case 't': out += '\t'; return i;
      case 'r': out += '\r'; return i;
      case 'b': out += '\b'; return i;
      case 'f': out += '\f'; return i;
      case 'v': out += '\v'; return i;
      case 'a': out += '\a'; return i;
      case '\\': case '\'': case '"': out += e; return i;
      case '\n': return i;
      case 'x': case 'u': case 'U': {
        std::size_t width = e == 'x' ? 2 : e == 'u' ? 4 : 8;
        std::string hex = src_.substr(i + 1, width);
        if (hex.size() != width || hex.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos) {
          fail("invalid \\" + std::string(1, e) + " escape in string", i);
        }
        utf8::append(out, static_cast<char32_t>(std::strtoul(hex.c_str(), nullptr, 16)));
        return i + width;
      }
      default:
        if (e >= '0' && e <= '7') {
          std::size_t end = i;
          while (end < i + 3 && end < src_.size() && src_[end] >= '0' && src_[end] <= '7') ++end;
          utf8::append(out, static_cast<char32_t>(std::strtoul(src_.substr(i, end - i).c_str(), nullptr, 8)));
          return end - 1;
        }
        out += '\\';
        out += e;
        return i;
    }
  }

  std::string src_;
  std::string origin_;
  LexerOptions options_;
  std::vector<Token> tokens_;
  std::size_t pos_ = 0;
  bool line_starting_ = true;
  std::size_t line_scan_pos_ = 0;
  int line_ = 1;
  int column_ = 1;
};

}  // namespace

std::vector<Token> tokenize(const std::string& source, const std::string& origin, const LexerOptions& options) {
  return Lexer(source, origin, options).run();
}

}  // namespace rb::tmpl
