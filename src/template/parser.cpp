#include "template/parser.h"

#include <initializer_list>

#include "common/error.h"

namespace rb::tmpl {
namespace {

using T = Token::Type;

class Parser {
 public:
  Parser(const std::vector<Token>& tokens, const std::string& origin) : tokens_(tokens), origin_(origin) {}

  Body parse_root() {
    Body body = subparse({});
    if (current().type != T::Eof) fail("unexpected '" + current().text + "'");
    return body;
  }

 private:
  const Token& current() const { return tokens_[pos_]; }
  const Token& look(std::size_t ahead = 1) const {
    return tokens_[std::min(pos_ + ahead, tokens_.size() - 1)];
  }
  const Token& advance() {
    const Token& token = tokens_[pos_];
    if (pos_ + 1 < tokens_.size()) ++pos_;
    return token;
  }

  [[noreturn]] void fail(const std::string& message) const { fail_at(current(), message); }
  [[noreturn]] void fail_at(const Token& token, const std::string& message) const {
    throw TemplateError(origin_ + ":" + std::to_string(token.line) + ":" + std::to_string(token.column) +
                        ": syntax error: " + message);
  }

  static std::string describe(const Token& token) {
    switch (token.type) {
      case T::Eof: return "end of template";
      case T::BlockEnd: return "end of statement block";
      case T::VariableEnd: return "end of print statement";
      case T::Data: return "template data";
      case T::String: return "string";
      default: return token.text;
    }
  }

  bool is_op(const char* op) const { return current().type == T::Operator && current().text == op; }
  bool is_name(const char* name) const { return current().type == T::Name && current().text == name; }
  bool skip_op(const char* op) {
    if (!is_op(op)) return false;
    advance();
    return true;
  }
  bool skip_name(const char* name) {
    if (!is_name(name)) return false;
    advance();
    return true;
  }
  void expect_op(const char* op) {
    if (!skip_op(op)) fail(std::string("expected '") + op + "', got '" + describe(current()) + "'");
  }
  const Token& expect_name() {
    if (current().type != T::Name) fail("expected name, got '" + describe(current()) + "'");
    return advance();
  }
  void expect(T type, const char* what) {
    if (current().type != type) fail(std::string("expected ") + what + ", got '" + describe(current()) + "'");
    advance();
  }

  ExprPtr node(Expr::Kind kind, const Token& at) const {
    auto e = std::make_unique<Expr>();
    e->kind = kind;
    e->line = at.line;
    e->column = at.column;
    return e;
  }

  // ---- statements -------------------------------------------------------------------------

  bool at_end_tag(const std::vector<std::string>& end_tags) const {
    if (current().type != T::Name) return false;
    for (const auto& tag : end_tags) {
      if (current().text == tag) return true;
    }
    return false;
  }

  Body subparse(const std::vector<std::string>& end_tags) {
    NestingGuard guard(*this);
    Body body;
    while (current().type != T::Eof) {
      const Token& token = current();
      if (token.type == T::Data) {
        auto stmt = std::make_unique<Stmt>();
        stmt->kind = Stmt::Kind::Data;
        stmt->text = token.text;
        stmt->line = token.line;
        body.push_back(std::move(stmt));
        advance();
      } else if (token.type == T::VariableBegin) {
        advance();
        auto stmt = std::make_unique<Stmt>();
        stmt->kind = Stmt::Kind::Print;
        stmt->line = token.line;
        stmt->column = token.column;
        stmt->expr = parse_tuple(false, true, {}, false);
        expect(T::VariableEnd, "end of print statement");
        body.push_back(std::move(stmt));
      } else if (token.type == T::BlockBegin) {
        advance();
        if (at_end_tag(end_tags)) return body;
        body.push_back(parse_statement());
        expect(T::BlockEnd, "end of statement block");
      } else {
        fail("unexpected '" + describe(token) + "'");
      }
    }
    return body;
  }

  Body parse_statements(const std::vector<std::string>& end_tags, bool drop_needle) {
    skip_op(":");
    expect(T::BlockEnd, "end of statement block");
    Body body = subparse(end_tags);
    if (current().type == T::Eof) {
      std::string expected;
      for (const auto& tag : end_tags) expected += (expected.empty() ? "'" : " or '") + tag + "'";
      fail("unexpected end of template, expected " + expected);
    }
    if (drop_needle) advance();
    return body;
  }

  StmtPtr parse_statement() {
    const Token& token = current();
    if (token.type != T::Name) fail("tag name expected");
    auto stmt = std::make_unique<Stmt>();
    stmt->line = token.line;
    stmt->column = token.column;
    const std::string keyword = token.text;
    advance();
    if (keyword == "if") {
      parse_if(*stmt);
    } else if (keyword == "for") {
      parse_for(*stmt);
    } else if (keyword == "set") {
      parse_set(*stmt);
    } else if (keyword == "macro") {
      stmt->kind = Stmt::Kind::Macro;
      stmt->text = expect_name().text;
      parse_signature(*stmt);
      stmt->body = parse_statements({"endmacro"}, true);
    } else if (keyword == "call") {
      parse_call_block(*stmt);
    } else if (keyword == "filter") {
      stmt->kind = Stmt::Kind::FilterBlock;
      stmt->expr = parse_filter(nullptr, true);
      stmt->body = parse_statements({"endfilter"}, true);
    } else if (keyword == "with") {
      parse_with(*stmt);
    } else if (keyword == "generation") {
      // transformers' AssistantTracker tag: renders its body unchanged.
      stmt->kind = Stmt::Kind::Scope;
      stmt->body = parse_statements({"endgeneration"}, true);
    } else if (keyword == "block") {
      // Without template inheritance a block renders in place.
      stmt->kind = Stmt::Kind::Scope;
      expect_name();
      skip_name("scoped");
      skip_name("required");
      stmt->body = parse_statements({"endblock"}, true);
      if (current().type == T::Name) advance();  // optional name after endblock
    } else if (keyword == "break") {
      stmt->kind = Stmt::Kind::Break;
    } else if (keyword == "continue") {
      stmt->kind = Stmt::Kind::Continue;
    } else {
      fail_at(token, "encountered unknown tag '" + keyword + "'");
    }
    return stmt;
  }

  void parse_if(Stmt& stmt) {
    stmt.kind = Stmt::Kind::If;
    while (true) {
      ExprPtr test = parse_tuple(false, false, {}, false);
      Body body = parse_statements({"elif", "else", "endif"}, false);
      stmt.branches.emplace_back(std::move(test), std::move(body));
      std::string tag = advance().text;
      if (tag == "elif") continue;
      if (tag == "else") stmt.else_body = parse_statements({"endif"}, true);
      break;
    }
  }

  void parse_for(Stmt& stmt) {
    stmt.kind = Stmt::Kind::For;
    stmt.target = parse_assign_target(true, false, {"in"});
    if (!skip_name("in")) fail("expected 'in'");
    stmt.expr = parse_tuple(false, false, {"recursive"}, false);
    if (skip_name("if")) stmt.condition = parse_expression(true);
    stmt.recursive = skip_name("recursive");
    stmt.body = parse_statements({"endfor", "else"}, false);
    if (advance().text == "else") stmt.else_body = parse_statements({"endfor"}, true);
  }

  void parse_set(Stmt& stmt) {
    stmt.target = parse_assign_target(true, true, {});
    if (skip_op("=")) {
      stmt.kind = Stmt::Kind::Set;
      stmt.expr = parse_tuple(false, true, {}, false);
      return;
    }
    stmt.kind = Stmt::Kind::SetBlock;
    stmt.expr = parse_filter(nullptr, false);
    stmt.body = parse_statements({"endset"}, true);
  }

  void parse_signature(Stmt& stmt) {
    expect_op("(");
    while (!is_op(")")) {
      if (!stmt.params.empty()) expect_op(",");
      MacroParam param;
      param.name = expect_name().text;
      if (skip_op("=")) {
        param.default_value = parse_expression(true);
      } else if (!stmt.params.empty() && stmt.params.back().default_value) {
        fail("non-default argument follows default argument");
      }
      stmt.params.push_back(std::move(param));
    }
    expect_op(")");
  }

  void parse_call_block(Stmt& stmt) {
    stmt.kind = Stmt::Kind::CallBlock;
    if (is_op("(")) parse_signature(stmt);
    const Token& at = current();
    stmt.expr = parse_expression(true);
    if (stmt.expr->kind != Expr::Kind::Call) fail_at(at, "expected call");
    stmt.body = parse_statements({"endcall"}, true);
  }

  void parse_with(Stmt& stmt) {
    stmt.kind = Stmt::Kind::With;
    while (current().type != T::BlockEnd) {
      if (!stmt.assignments.empty()) expect_op(",");
      Target target = parse_assign_target(true, false, {});
      expect_op("=");
      stmt.assignments.emplace_back(std::move(target), parse_expression(true));
    }
    stmt.body = parse_statements({"endwith"}, true);
  }

  Target parse_assign_target(bool with_tuple, bool with_namespace, const std::vector<std::string>& extra_end) {
    if (with_namespace && current().type == T::Name && look().type == T::Operator && look().text == ".") {
      Target target;
      target.kind = Target::Kind::Attribute;
      target.name = advance().text;
      advance();
      target.attribute = expect_name().text;
      return target;
    }
    if (!with_tuple) return name_target();
    // parse_tuple(simplified=True): names separated by commas, optionally parenthesized.
    std::vector<Target> items;
    bool is_tuple = false;
    while (true) {
      if (!items.empty()) expect_op(",");
      if (is_tuple_end(extra_end)) break;
      items.push_back(primary_target());
      if (is_op(",")) {
        is_tuple = true;
      } else {
        break;
      }
    }
    if (!is_tuple && items.size() == 1) return std::move(items[0]);
    if (items.empty()) fail("expected an assignment target");
    Target target;
    target.kind = Target::Kind::Tuple;
    target.items = std::move(items);
    return target;
  }

  Target name_target() {
    Target target;
    const Token& token = expect_name();
    if (token.text == "true" || token.text == "false" || token.text == "none" || token.text == "True" ||
        token.text == "False" || token.text == "None") {
      fail_at(token, "can't assign to constant '" + token.text + "'");
    }
    target.name = token.text;
    return target;
  }

  Target primary_target() {
    if (skip_op("(")) {
      Target inner = parse_assign_target(true, false, {});
      expect_op(")");
      return inner;
    }
    return name_target();
  }

  bool is_tuple_end(const std::vector<std::string>& extra_end) const {
    if (current().type == T::VariableEnd || current().type == T::BlockEnd || current().type == T::Eof) return true;
    if (is_op(")")) return true;
    return at_end_tag(extra_end);
  }

  // ---- expressions ------------------------------------------------------------------------

  ExprPtr parse_tuple(bool simplified, bool with_condexpr, const std::vector<std::string>& extra_end,
                      bool explicit_parentheses) {
    const Token& start = current();
    std::vector<ExprPtr> items;
    bool is_tuple = false;
    while (true) {
      if (!items.empty()) expect_op(",");
      if (is_tuple_end(extra_end)) break;
      items.push_back(simplified ? parse_primary() : parse_expression(with_condexpr));
      if (is_op(",")) {
        is_tuple = true;
      } else {
        break;
      }
    }
    if (!is_tuple) {
      if (!items.empty()) return std::move(items[0]);
      if (!explicit_parentheses) fail("expected an expression, got '" + describe(current()) + "'");
    }
    auto tuple = node(Expr::Kind::Tuple, start);
    tuple->items = std::move(items);
    return tuple;
  }

  ExprPtr parse_expression(bool with_condexpr) { return with_condexpr ? parse_condexpr() : parse_or(); }

  ExprPtr parse_condexpr() {
    ExprPtr expr = parse_or();
    while (is_name("if")) {
      auto cond = node(Expr::Kind::Conditional, current());
      advance();
      cond->object = parse_or();
      cond->index = std::move(expr);
      if (skip_name("else")) cond->step = parse_condexpr();
      expr = std::move(cond);
    }
    return expr;
  }

  ExprPtr binary(const Token& at, const std::string& op, ExprPtr left, ExprPtr right) {
    auto e = node(Expr::Kind::Binary, at);
    e->name = op;
    e->object = std::move(left);
    e->index = std::move(right);
    return e;
  }

  ExprPtr parse_or() {
    ExprPtr left = parse_and();
    while (is_name("or")) {
      const Token& at = advance();
      left = binary(at, "or", std::move(left), parse_and());
    }
    return left;
  }

  ExprPtr parse_and() {
    ExprPtr left = parse_not();
    while (is_name("and")) {
      const Token& at = advance();
      left = binary(at, "and", std::move(left), parse_not());
    }
    return left;
  }

  ExprPtr parse_not() {
    NestingGuard guard(*this);
    if (is_name("not")) {
      auto e = node(Expr::Kind::Not, advance());
      e->object = parse_not();
      return e;
    }
    return parse_compare();
  }

  ExprPtr parse_compare() {
    const Token& start = current();
    ExprPtr first = parse_math1();
    auto cmp = node(Expr::Kind::Compare, start);
    while (true) {
      if (current().type == T::Operator &&
          (is_op("==") || is_op("!=") || is_op("<") || is_op("<=") || is_op(">") || is_op(">="))) {
        cmp->ops.push_back(advance().text);
      } else if (is_name("in")) {
        advance();
        cmp->ops.push_back("in");
      } else if (is_name("not") && look().type == T::Name && look().text == "in") {
        advance();
        advance();
        cmp->ops.push_back("notin");
      } else {
        break;
      }
      cmp->items.push_back(parse_math1());
    }
    if (cmp->ops.empty()) return first;
    cmp->object = std::move(first);
    return cmp;
  }

  ExprPtr parse_math1() {
    ExprPtr left = parse_concat();
    while (is_op("+") || is_op("-")) {
      const Token& at = advance();
      left = binary(at, at.text, std::move(left), parse_concat());
    }
    return left;
  }

  ExprPtr parse_concat() {
    ExprPtr left = parse_math2();
    while (is_op("~")) {
      const Token& at = advance();
      left = binary(at, "~", std::move(left), parse_math2());
    }
    return left;
  }

  ExprPtr parse_math2() {
    ExprPtr left = parse_pow();
    while (is_op("*") || is_op("/") || is_op("//") || is_op("%")) {
      const Token& at = advance();
      left = binary(at, at.text, std::move(left), parse_pow());
    }
    return left;
  }

  ExprPtr parse_pow() {
    ExprPtr left = parse_unary(true);
    while (is_op("**")) {
      const Token& at = advance();
      left = binary(at, "**", std::move(left), parse_unary(true));
    }
    return left;
  }

  ExprPtr parse_unary(bool with_filter) {
    NestingGuard guard(*this);
    ExprPtr expr;
    if (is_op("-") || is_op("+")) {
      const Token& at = advance();
      expr = node(at.text == "-" ? Expr::Kind::Negate : Expr::Kind::Plus, at);
      expr->object = parse_unary(false);
    } else {
      expr = parse_primary();
    }
    expr = parse_postfix(std::move(expr));
    if (with_filter) expr = parse_filter_expr(std::move(expr));
    return expr;
  }

  ExprPtr parse_primary() {
    const Token& token = current();
    switch (token.type) {
      case T::Name: {
        advance();
        auto e = node(Expr::Kind::Literal, token);
        if (token.text == "true" || token.text == "True") {
          e->literal = Value::boolean(true);
        } else if (token.text == "false" || token.text == "False") {
          e->literal = Value::boolean(false);
        } else if (token.text == "none" || token.text == "None") {
          e->literal = Value::none();
        } else {
          e->kind = Expr::Kind::Name;
          e->name = token.text;
        }
        return e;
      }
      case T::String: {
        std::string text;
        while (current().type == T::String) text += advance().text;
        auto e = node(Expr::Kind::Literal, token);
        e->literal = Value::string(std::move(text));
        return e;
      }
      case T::Integer:
      case T::Float: {
        advance();
        auto e = node(Expr::Kind::Literal, token);
        e->literal = token.type == T::Integer ? Value::integer(token.integer) : Value::floating(token.floating);
        return e;
      }
      case T::Operator:
        if (token.text == "(") {
          advance();
          ExprPtr inner = parse_tuple(false, true, {}, true);
          expect_op(")");
          return inner;
        }
        if (token.text == "[") return parse_list();
        if (token.text == "{") return parse_dict();
        break;
      default:
        break;
    }
    fail("unexpected '" + describe(token) + "'");
  }

  ExprPtr parse_list() {
    auto e = node(Expr::Kind::List, advance());
    while (!is_op("]")) {
      if (!e->items.empty()) expect_op(",");
      if (is_op("]")) break;
      e->items.push_back(parse_expression(true));
    }
    expect_op("]");
    return e;
  }

  ExprPtr parse_dict() {
    auto e = node(Expr::Kind::Dict, advance());
    while (!is_op("}")) {
      if (!e->items.empty()) expect_op(",");
      if (is_op("}")) break;
      e->items.push_back(parse_expression(true));
      expect_op(":");
      e->values.push_back(parse_expression(true));
    }
    expect_op("}");
    return e;
  }

  ExprPtr parse_postfix(ExprPtr expr) {
    while (true) {
      if (is_op(".") || is_op("[")) {
        expr = parse_subscript(std::move(expr));
      } else if (is_op("(")) {
        expr = parse_call(std::move(expr));
      } else {
        return expr;
      }
    }
  }

  ExprPtr parse_filter_expr(ExprPtr expr) {
    while (true) {
      if (is_op("|")) {
        expr = parse_filter(std::move(expr), false);
      } else if (is_name("is")) {
        expr = parse_test(std::move(expr));
      } else if (is_op("(")) {
        expr = parse_call(std::move(expr));
      } else {
        return expr;
      }
    }
  }

  ExprPtr parse_subscript(ExprPtr object) {
    const Token& token = advance();
    if (token.text == ".") {
      const Token& attr = current();
      if (attr.type == T::Name) {
        advance();
        auto e = node(Expr::Kind::Getattr, token);
        e->object = std::move(object);
        e->name = attr.text;
        return e;
      }
      if (attr.type != T::Integer) fail("expected name or number");
      advance();
      auto e = node(Expr::Kind::Getitem, token);
      e->object = std::move(object);
      e->index = node(Expr::Kind::Literal, attr);
      e->index->literal = Value::integer(attr.integer);
      return e;
    }
    std::vector<ExprPtr> args;
    while (!is_op("]")) {
      if (!args.empty()) expect_op(",");
      args.push_back(parse_subscribed());
    }
    expect_op("]");
    if (args.size() == 1 && args[0]->kind == Expr::Kind::Slice) {
      args[0]->object = std::move(object);
      return std::move(args[0]);
    }
    auto e = node(Expr::Kind::Getitem, token);
    e->object = std::move(object);
    if (args.size() == 1) {
      e->index = std::move(args[0]);
    } else {
      e->index = node(Expr::Kind::Tuple, token);
      e->index->items = std::move(args);
    }
    return e;
  }

  // A subscript or a slice; slices come back as Slice nodes whose object the caller fills in.
  ExprPtr parse_subscribed() {
    const Token& start = current();
    ExprPtr first;
    if (!is_op(":")) {
      first = parse_expression(true);
      if (!is_op(":")) return first;
    }
    advance();  // the first ':'
    auto slice = node(Expr::Kind::Slice, start);
    slice->index = std::move(first);
    if (!is_op(":") && !is_op("]") && !is_op(",")) slice->stop = parse_expression(true);
    if (skip_op(":")) {
      if (!is_op("]") && !is_op(",")) slice->step = parse_expression(true);
    }
    return slice;
  }

  void parse_call_args(Expr& call) {
    expect_op("(");
    bool require_comma = false;
    while (!is_op(")")) {
      if (require_comma) {
        expect_op(",");
        if (is_op(")")) break;
      }
      if (is_op("*")) {
        advance();
        call.star_args = parse_expression(true);
      } else if (is_op("**")) {
        advance();
        call.star_kwargs = parse_expression(true);
      } else if (current().type == T::Name && look().type == T::Operator && look().text == "=") {
        std::string key = advance().text;
        advance();
        call.kwargs.emplace_back(key, parse_expression(true));
      } else {
        if (!call.kwargs.empty() || call.star_args || call.star_kwargs) {
          fail("invalid syntax for function call expression");
        }
        call.items.push_back(parse_expression(true));
      }
      require_comma = true;
    }
    expect_op(")");
  }

  ExprPtr parse_call(ExprPtr callee) {
    auto e = node(Expr::Kind::Call, current());
    e->object = std::move(callee);
    parse_call_args(*e);
    return e;
  }

  ExprPtr parse_filter(ExprPtr subject, bool start_inline) {
    while (is_op("|") || start_inline) {
      if (!start_inline) advance();
      const Token& name = expect_name();
      auto e = node(Expr::Kind::Filter, name);
      e->name = name.text;
      while (is_op(".")) {
        advance();
        e->name += "." + expect_name().text;
      }
      e->object = std::move(subject);
      if (is_op("(")) parse_call_args(*e);
      subject = std::move(e);
      start_inline = false;
    }
    return subject;
  }

  ExprPtr parse_test(ExprPtr subject) {
    const Token& at = advance();  // 'is'
    bool negated = skip_name("not");
    const Token& name = expect_name();
    auto e = node(Expr::Kind::Test, at);
    e->name = name.text;
    while (is_op(".")) {
      advance();
      e->name += "." + expect_name().text;
    }
    e->object = std::move(subject);
    const Token& next = current();
    if (is_op("(")) {
      parse_call_args(*e);
    } else if ((next.type == T::Name || next.type == T::String || next.type == T::Integer ||
                next.type == T::Float || is_op("[") || is_op("{")) &&
               !(is_name("else") || is_name("or") || is_name("and"))) {
      if (is_name("is")) fail("You cannot chain multiple tests with is");
      e->items.push_back(parse_postfix(parse_primary()));
    }
    if (!negated) return e;
    auto not_expr = node(Expr::Kind::Not, at);
    not_expr->object = std::move(e);
    return not_expr;
  }

  // Bounds recursion on hostile input (thousands of nested brackets or blocks).
  struct NestingGuard {
    explicit NestingGuard(Parser& parser) : self(parser) {
      if (++self.nesting_ > kMaxNesting) self.fail("template nesting deeper than " + std::to_string(kMaxNesting));
    }
    ~NestingGuard() { --self.nesting_; }
    Parser& self;
  };
  static constexpr int kMaxNesting = 1024;

  const std::vector<Token>& tokens_;
  const std::string& origin_;
  std::size_t pos_ = 0;
  int nesting_ = 0;
};

}  // namespace

Body parse_template(const std::vector<Token>& tokens, const std::string& origin) {
  return Parser(tokens, origin).parse_root();
}

}  // namespace rb::tmpl
