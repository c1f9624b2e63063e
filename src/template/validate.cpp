#include "template/validate.h"

#include "common/error.h"
#include "template/builtins.h"

namespace rb::tmpl {
namespace {

class NameValidator {
 public:
  explicit NameValidator(const std::string& origin) : origin_(origin) {}

  void body(const Body& statements, bool soft) {
    for (const auto& stmt : statements) statement(*stmt, soft);
  }

 private:
  void statement(const Stmt& s, bool soft) {
    if (s.kind == Stmt::Kind::If) soft = true;
    if (s.expr) expression(*s.expr, soft);
    if (s.condition) expression(*s.condition, soft);
    for (const auto& [condition, branch] : s.branches) {
      expression(*condition, soft);
      body(branch, soft);
    }
    for (const auto& param : s.params) {
      if (param.default_value) expression(*param.default_value, soft);
    }
    for (const auto& assignment : s.assignments) expression(*assignment.second, soft);
    body(s.body, soft);
    body(s.else_body, soft);
  }

  void expression(const Expr& e, bool soft) {
    if (e.kind == Expr::Kind::Conditional) soft = true;
    if (!soft && e.kind == Expr::Kind::Filter && !has_filter(e.name)) fail(e, "No filter named '" + e.name + "'.");
    if (!soft && e.kind == Expr::Kind::Test && !has_test(e.name)) fail(e, "No test named '" + e.name + "'.");
    for (const Expr* child : {e.object.get(), e.index.get(), e.stop.get(), e.step.get(), e.star_args.get(), e.star_kwargs.get()}) {
      if (child) expression(*child, soft);
    }
    for (const auto& item : e.items) expression(*item, soft);
    for (const auto& value : e.values) expression(*value, soft);
    for (const auto& kwarg : e.kwargs) expression(*kwarg.second, soft);
  }

  [[noreturn]] void fail(const Expr& e, const std::string& message) const {
    throw TemplateError(origin_ + ":" + std::to_string(e.line) + ":" + std::to_string(e.column) +
                        ": TemplateAssertionError: " + message);
  }

  const std::string& origin_;
};

}  // namespace

void validate_filter_and_test_names(const Body& body, const std::string& origin) { NameValidator(origin).body(body, false); }

}  // namespace rb::tmpl
