#pragma once
// Splits a template into jinja2's token stream: data, {{ }} / {% %} delimiters and the
// expression tokens inside them. Comments vanish here, and whitespace control ("-", "+",
// trim_blocks, lstrip_blocks) is applied here exactly as jinja2's lexer applies it.
#include <cstdint>
#include <string>
#include <vector>

namespace rb::tmpl {

struct Token {
  enum class Type { Data, VariableBegin, VariableEnd, BlockBegin, BlockEnd, Name, String, Integer, Float, Operator, Eof };
  Type type = Type::Eof;
  std::string text;  // data, name, operator, or the decoded string literal
  std::int64_t integer = 0;
  double floating = 0.0;
  int line = 1;
  int column = 1;
};

struct LexerOptions {
  bool trim_blocks = true;
  bool lstrip_blocks = true;
};

// Throws rb::TemplateError ("<origin>:line:column: ...") on unterminated tags, strings or comments.
std::vector<Token> tokenize(const std::string& source, const std::string& origin, const LexerOptions& options = {});

}  // namespace rb::tmpl
