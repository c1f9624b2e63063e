#pragma once
// Compile-time checks jinja2 makes when it compiles a template: a filter or test name it does
// not know is a TemplateAssertionError, except inside `if` tests/bodies and inline `x if c else y`
// expressions (jinja2's "soft" frames), where the error is deferred until the name is used.
#include <string>

#include "template/ast.h"

namespace rb::tmpl {

void validate_filter_and_test_names(const Body& body, const std::string& origin);

}  // namespace rb::tmpl
