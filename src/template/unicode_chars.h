#pragma once
// Python's character classes and case mappings for the template interpreter: str.strip() /
// str.split() treat Unicode whitespace as whitespace, str.upper() maps beyond ASCII. Strings are
// decoded with the project's codec (common/utf8.h): Python counts, indexes and slices by code point.
namespace rb::tmpl::unicode {

// Python's str.isspace() for one code point.
bool is_space(char32_t code_point);

// Python's str.upper()/lower() restricted to the cases chat templates meet (ASCII plus Latin-1,
// Greek and Cyrillic letters with a simple one-to-one mapping).
char32_t to_upper(char32_t code_point);
char32_t to_lower(char32_t code_point);
bool is_alpha(char32_t code_point);
bool is_digit(char32_t code_point);

}  // namespace rb::tmpl::unicode
