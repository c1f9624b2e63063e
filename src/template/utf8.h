#pragma once
// UTF-8 helpers: Python strings count, index and slice by code point, and str.strip() /
// str.split() treat Unicode whitespace as whitespace, so the interpreter needs the same view.
#include <cstdint>
#include <string>
#include <vector>

namespace rb::tmpl::utf8 {

std::vector<char32_t> decode(const std::string& text);
std::string encode(const std::vector<char32_t>& code_points);
void append(std::string& out, char32_t code_point);
std::size_t length(const std::string& text);

// Python's str.isspace() for one code point.
bool is_space(char32_t code_point);

// Python's str.upper()/lower() restricted to the cases chat templates meet (ASCII plus Latin-1,
// Greek and Cyrillic letters with a simple one-to-one mapping).
char32_t to_upper(char32_t code_point);
char32_t to_lower(char32_t code_point);
bool is_alpha(char32_t code_point);
bool is_digit(char32_t code_point);

}  // namespace rb::tmpl::utf8
