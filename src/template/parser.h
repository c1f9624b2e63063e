#pragma once
// Recursive-descent parser following jinja2's grammar and operator precedence
// (jinja2/parser.py): or < and < not < comparisons < + - < ~ < * / // % < ** < unary < postfix/filters.
#include <string>
#include <vector>

#include "template/ast.h"
#include "template/lexer.h"

namespace rb::tmpl {

// Throws rb::TemplateError naming origin, line and column on syntax errors.
Body parse_template(const std::vector<Token>& tokens, const std::string& origin);

}  // namespace rb::tmpl
