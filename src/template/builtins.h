#pragma once
// jinja2's built-in filters and tests (jinja2/filters.py, jinja2/tests.py) plus the globals
// Hugging Face adds, with the semantics of jinja2 3.1.
#include <functional>
#include <string>

#include "template/template_clock.h"
#include "template/value.h"

namespace rb::tmpl {

// Applies filter `name`; throws TemplateError for an unknown filter.
Value apply_filter(const std::string& name, const Value& subject, const CallArgs& args);
bool has_filter(const std::string& name);

// Applies test `name`; throws TemplateError for an unknown test.
bool apply_test(const std::string& name, const Value& subject, const CallArgs& args);
bool has_test(const std::string& name);

// Template globals: range, dict, namespace, cycler, joiner, raise_exception, strftime_now.
// Returns a plain Undefined when `name` is not a global.
Value lookup_global(const std::string& name, const TemplateClock& clock);

}  // namespace rb::tmpl
