#include "template/evaluator.h"

#include <unordered_map>

#include "template/builtins.h"
#include "template/operators.h"

namespace rb::tmpl {
namespace {

// A RenderError that already carries its template position (not re-wrapped by outer nodes).
class PositionedError : public TemplateError {
 public:
  using TemplateError::TemplateError;
};

struct Scope;
using ScopePtr = std::shared_ptr<Scope>;

struct Scope {
  std::unordered_map<std::string, Value> vars;
  ScopePtr parent;

  explicit Scope(ScopePtr parent_scope = nullptr) : parent(std::move(parent_scope)) {}
  const Value* find(const std::string& name) const {
    for (const Scope* s = this; s; s = s->parent.get()) {
      auto it = s->vars.find(name);
      if (it != s->vars.end()) return &it->second;
    }
    return nullptr;
  }
};

enum class Flow { Normal, Break, Continue };

// jinja2's LoopContext: one instance per iteration, sharing the item list.
class LoopObject : public Object {
 public:
  LoopObject(std::shared_ptr<const ValueList> items, std::size_t index0, int depth0,
             std::shared_ptr<Value> last_changed, std::function<Value(const CallArgs&)> recurse)
      : items_(std::move(items)), index0_(index0), depth0_(depth0), last_changed_(std::move(last_changed)),
        recurse_(std::move(recurse)) {}

  Value attribute(const std::string& name) const override {
    auto length = static_cast<std::int64_t>(items_->size());
    auto index0 = static_cast<std::int64_t>(index0_);
    if (name == "index") return Value::integer(index0 + 1);
    if (name == "index0") return Value::integer(index0);
    if (name == "revindex") return Value::integer(length - index0);
    if (name == "revindex0") return Value::integer(length - index0 - 1);
    if (name == "first") return Value::boolean(index0 == 0);
    if (name == "last") return Value::boolean(index0 == length - 1);
    if (name == "length") return Value::integer(length);
    if (name == "depth") return Value::integer(depth0_ + 1);
    if (name == "depth0") return Value::integer(depth0_);
    if (name == "previtem") {
      return index0 > 0 ? (*items_)[index0_ - 1] : Value::undefined("there is no previous item");
    }
    if (name == "nextitem") {
      return index0 + 1 < length ? (*items_)[index0_ + 1] : Value::undefined("there is no next item");
    }
    if (name == "cycle") {
      std::size_t index = index0_;
      return Value::callable("loop.cycle", [index](const CallArgs& a) {
        if (a.positional.empty()) throw RenderError("TypeError", "no items for cycling given");
        return a.positional[index % a.positional.size()];
      });
    }
    if (name == "changed") {
      auto last = last_changed_;
      return Value::callable("loop.changed", [last](const CallArgs& a) {
        Value current = Value::tuple(a.positional);
        if (!last->is_undefined() && last->equals(current)) return Value::boolean(false);
        *last = current;
        return Value::boolean(true);
      });
    }
    return Value::undefined("'LoopContext object' has no attribute '" + name + "'");
  }

  std::string type_name() const override { return "LoopContext"; }
  bool is_callable() const override { return static_cast<bool>(recurse_); }
  Value call(const CallArgs& args) const override {
    if (!recurse_) throw RenderError("TypeError", "The loop must have the 'recursive' marker to be called recursively.");
    return recurse_(args);
  }

 private:
  std::shared_ptr<const ValueList> items_;
  std::size_t index0_;
  int depth0_;
  std::shared_ptr<Value> last_changed_;
  std::function<Value(const CallArgs&)> recurse_;
};

class Interpreter {
 public:
  Interpreter(const std::string& origin, const RenderLimits& limits, const TemplateClock& clock)
      : origin_(origin), limits_(limits), clock_(clock) {}

  std::string run(const Body& body, const Dict& context) {
    auto root = std::make_shared<Scope>();
    for (const auto& [key, value] : context.items) root->vars[key.to_str()] = value;
    std::string out;
    exec_body(body, root, out);
    return out;
  }

 private:
  [[noreturn]] void rethrow_at(int line, int column, const RenderError& error) const {
    throw PositionedError(origin_ + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + error.what());
  }

  void append(std::string& out, const std::string& text) const {
    out += text;
    if (out.size() > limits_.max_output_bytes) {
      throw RenderError("OutputLimitError", "rendered output exceeds " + std::to_string(limits_.max_output_bytes) + " bytes");
    }
  }

  void count_iteration() {
    if (++iterations_ > limits_.max_loop_iterations) {
      throw RenderError("LoopLimitError", "more than " + std::to_string(limits_.max_loop_iterations) + " loop iterations");
    }
  }

  struct DepthGuard {
    explicit DepthGuard(Interpreter& interpreter) : self(interpreter) {
      if (++self.depth_ > self.limits_.max_call_depth) {
        --self.depth_;
        throw RenderError("RecursionError", "maximum template call depth (" + std::to_string(self.limits_.max_call_depth) + ") exceeded");
      }
    }
    ~DepthGuard() { --self.depth_; }
    Interpreter& self;
  };

  // ---- statements -------------------------------------------------------------------------

  Flow exec_body(const Body& body, const ScopePtr& scope, std::string& out) {
    for (const auto& stmt : body) {
      Flow flow = exec(*stmt, scope, out);
      if (flow != Flow::Normal) return flow;
    }
    return Flow::Normal;
  }

  Flow exec(const Stmt& stmt, const ScopePtr& scope, std::string& out) {
    try {
      return exec_unpositioned(stmt, scope, out);
    } catch (const RenderError& error) {
      rethrow_at(stmt.line, stmt.column, error);
    }
  }

  Flow exec_unpositioned(const Stmt& stmt, const ScopePtr& scope, std::string& out) {
    switch (stmt.kind) {
      case Stmt::Kind::Data:
        append(out, stmt.text);
        return Flow::Normal;
      case Stmt::Kind::Print:
        append(out, eval(*stmt.expr, scope).to_str());
        return Flow::Normal;
      case Stmt::Kind::If:
        for (const auto& [condition, body] : stmt.branches) {
          if (eval(*condition, scope).truthy()) return exec_body(body, scope, out);
        }
        return exec_body(stmt.else_body, scope, out);
      case Stmt::Kind::For:
        exec_for(stmt, scope, out);
        return Flow::Normal;
      case Stmt::Kind::Set:
        assign(stmt.target, eval(*stmt.expr, scope), scope);
        return Flow::Normal;
      case Stmt::Kind::SetBlock: {
        std::string captured;
        exec_body(stmt.body, scope, captured);
        Value value = Value::string(std::move(captured));
        if (stmt.expr) value = apply_filter_chain(*stmt.expr, value, scope);
        assign(stmt.target, value, scope);
        return Flow::Normal;
      }
      case Stmt::Kind::Macro:
        scope->vars[stmt.text] = make_macro(stmt, stmt.text, scope);
        return Flow::Normal;
      case Stmt::Kind::CallBlock: {
        Value caller = make_macro(stmt, "caller", scope);
        append(out, eval_call(*stmt.expr, scope, &caller).to_str());
        return Flow::Normal;
      }
      case Stmt::Kind::FilterBlock: {
        std::string captured;
        exec_body(stmt.body, scope, captured);
        append(out, apply_filter_chain(*stmt.expr, Value::string(std::move(captured)), scope).to_str());
        return Flow::Normal;
      }
      case Stmt::Kind::With: {
        auto inner = std::make_shared<Scope>(scope);
        for (const auto& [target, value] : stmt.assignments) assign(target, eval(*value, scope), inner);
        return exec_body(stmt.body, inner, out);
      }
      case Stmt::Kind::Scope:
        return exec_body(stmt.body, scope, out);
      case Stmt::Kind::Break:
        return Flow::Break;
      case Stmt::Kind::Continue:
        return Flow::Continue;
    }
    return Flow::Normal;
  }

  void assign(const Target& target, const Value& value, const ScopePtr& scope) {
    switch (target.kind) {
      case Target::Kind::Name:
        scope->vars[target.name] = value;
        return;
      case Target::Kind::Attribute: {
        const Value* object = scope->find(target.name);
        if (!object || !object->is_namespace()) {
          throw RenderError("TemplateRuntimeError", "cannot assign attribute on non-namespace object");
        }
        object->namespace_attributes().set(Value::string(target.attribute), value);
        return;
      }
      case Target::Kind::Tuple: {
        ValueList items = value.iterate();
        if (items.size() != target.items.size()) {
          throw RenderError("ValueError", items.size() < target.items.size()
                                              ? "not enough values to unpack (expected " + std::to_string(target.items.size()) + ", got " + std::to_string(items.size()) + ")"
                                              : "too many values to unpack (expected " + std::to_string(target.items.size()) + ")");
        }
        for (std::size_t i = 0; i < items.size(); ++i) assign(target.items[i], items[i], scope);
        return;
      }
    }
  }

  void exec_for(const Stmt& stmt, const ScopePtr& scope, std::string& out) {
    Value iterable = eval(*stmt.expr, scope);
    if (iterable.is_undefined() && iterable.undefined_is_unsafe()) iterable.fail_undefined();
    run_loop(stmt, iterable.iterate(), 0, scope, out);
  }

  void run_loop(const Stmt& stmt, ValueList candidates, int depth0, const ScopePtr& scope, std::string& out) {
    ValueList items;
    if (stmt.condition) {
      for (auto& item : candidates) {
        count_iteration();
        auto filter_scope = std::make_shared<Scope>(scope);
        assign(stmt.target, item, filter_scope);
        if (eval(*stmt.condition, filter_scope).truthy()) items.push_back(std::move(item));
      }
    } else {
      items = std::move(candidates);
    }
    if (items.empty()) {
      exec_body(stmt.else_body, std::make_shared<Scope>(scope), out);
      return;
    }
    auto shared_items = std::make_shared<const ValueList>(std::move(items));
    auto last_changed = std::make_shared<Value>();
    std::function<Value(const CallArgs&)> recurse;
    if (stmt.recursive) {
      recurse = [this, &stmt, depth0, scope](const CallArgs& args) {
        if (args.positional.empty()) throw RenderError("TypeError", "loop() missing the iterable");
        DepthGuard guard(*this);
        std::string nested;
        run_loop(stmt, args.positional[0].iterate(), depth0 + 1, scope, nested);
        return Value::string(std::move(nested));
      };
    }
    for (std::size_t i = 0; i < shared_items->size(); ++i) {
      count_iteration();
      auto iteration = std::make_shared<Scope>(scope);
      assign(stmt.target, (*shared_items)[i], iteration);
      iteration->vars["loop"] = Value::object(std::make_shared<LoopObject>(shared_items, i, depth0, last_changed, recurse));
      if (exec_body(stmt.body, iteration, out) == Flow::Break) break;
    }
  }

  // A macro (or a call block's `caller`) as a callable bound to its defining scope.
  Value make_macro(const Stmt& stmt, const std::string& name, const ScopePtr& defining_scope) {
    return Value::callable(name, [this, &stmt, name, defining_scope](const CallArgs& args) {
      DepthGuard guard(*this);
      auto frame = std::make_shared<Scope>(defining_scope);
      std::size_t bound = 0;
      ValueList extra_positional;
      for (std::size_t i = 0; i < args.positional.size(); ++i) {
        if (i < stmt.params.size()) {
          frame->vars[stmt.params[i].name] = args.positional[i];
          ++bound;
        } else {
          extra_positional.push_back(args.positional[i]);
        }
      }
      Dict extra_keyword;
      for (const auto& [key, value] : args.keyword) {
        bool is_param = false;
        for (std::size_t i = 0; i < stmt.params.size(); ++i) {
          if (stmt.params[i].name != key) continue;
          if (i < bound) throw RenderError("TypeError", "macro '" + name + "' got multiple values for argument '" + key + "'");
          frame->vars[key] = value;
          is_param = true;
        }
        if (!is_param) {
          if (key == "caller") {
            frame->vars["caller"] = value;
          } else {
            extra_keyword.set(Value::string(key), value);
          }
        }
      }
      for (const auto& param : stmt.params) {
        if (frame->vars.count(param.name)) continue;
        frame->vars[param.name] = param.default_value
                                      ? eval(*param.default_value, frame)
                                      : Value::undefined("parameter '" + param.name + "' was not provided");
      }
      frame->vars["varargs"] = Value::tuple(std::move(extra_positional));
      frame->vars["kwargs"] = Value::dict(std::move(extra_keyword));
      std::string out;
      exec_body(stmt.body, frame, out);
      return Value::string(std::move(out));
    });
  }

  // ---- expressions ------------------------------------------------------------------------

  Value eval(const Expr& expr, const ScopePtr& scope) {
    try {
      return eval_unpositioned(expr, scope);
    } catch (const RenderError& error) {
      rethrow_at(expr.line, expr.column, error);
    }
  }

  Value lookup(const std::string& name, const ScopePtr& scope) const {
    if (const Value* found = scope->find(name)) return *found;
    Value global = lookup_global(name, clock_);
    if (!global.is_undefined()) return global;
    return Value::undefined("'" + name + "' is undefined");
  }

  CallArgs eval_args(const Expr& expr, const ScopePtr& scope) {
    CallArgs args;
    for (const auto& item : expr.items) args.positional.push_back(eval(*item, scope));
    for (const auto& [key, value] : expr.kwargs) args.keyword.emplace_back(key, eval(*value, scope));
    if (expr.star_args) {
      for (auto& item : eval(*expr.star_args, scope).iterate()) args.positional.push_back(std::move(item));
    }
    if (expr.star_kwargs) {
      Value kwargs = eval(*expr.star_kwargs, scope);
      if (!kwargs.is_dict()) throw RenderError("TypeError", "argument after ** must be a mapping, not " + kwargs.type_name());
      for (const auto& [key, value] : kwargs.as_dict().items) args.keyword.emplace_back(key.to_str(), value);
    }
    return args;
  }

  Value eval_call(const Expr& expr, const ScopePtr& scope, const Value* caller) {
    Value callee = eval(*expr.object, scope);
    CallArgs args = eval_args(expr, scope);
    if (caller) args.keyword.emplace_back("caller", *caller);
    return call_value(callee, args);
  }

  Value apply_filter_chain(const Expr& filter, const Value& subject, const ScopePtr& scope) {
    Value input = filter.object ? apply_filter_chain(*filter.object, subject, scope) : subject;
    return apply_filter(filter.name, input, eval_args(filter, scope));
  }

  ValueList eval_items(const std::vector<ExprPtr>& items, const ScopePtr& scope) {
    ValueList out;
    out.reserve(items.size());
    for (const auto& item : items) out.push_back(eval(*item, scope));
    return out;
  }

  Value eval_unpositioned(const Expr& expr, const ScopePtr& scope) {
    switch (expr.kind) {
      case Expr::Kind::Literal:
        return expr.literal;
      case Expr::Kind::Name:
        return lookup(expr.name, scope);
      case Expr::Kind::List:
        return Value::list(eval_items(expr.items, scope));
      case Expr::Kind::Tuple:
        return Value::tuple(eval_items(expr.items, scope));
      case Expr::Kind::Dict: {
        Dict d;
        for (std::size_t i = 0; i < expr.items.size(); ++i) d.set(eval(*expr.items[i], scope), eval(*expr.values[i], scope));
        return Value::dict(std::move(d));
      }
      case Expr::Kind::Getattr:
        return get_attribute(eval(*expr.object, scope), expr.name);
      case Expr::Kind::Getitem: {
        Value object = eval(*expr.object, scope);
        return get_item(object, eval(*expr.index, scope));
      }
      case Expr::Kind::Slice: {
        Value object = eval(*expr.object, scope);
        Value start = expr.index ? eval(*expr.index, scope) : Value::none();
        Value stop = expr.stop ? eval(*expr.stop, scope) : Value::none();
        Value step = expr.step ? eval(*expr.step, scope) : Value::none();
        return slice_value(object, start, stop, step);
      }
      case Expr::Kind::Call:
        return eval_call(expr, scope, nullptr);
      case Expr::Kind::Filter: {
        Value subject = expr.object ? eval(*expr.object, scope) : Value();
        return apply_filter(expr.name, subject, eval_args(expr, scope));
      }
      case Expr::Kind::Test: {
        Value subject = eval(*expr.object, scope);
        return Value::boolean(apply_test(expr.name, subject, eval_args(expr, scope)));
      }
      case Expr::Kind::Not:
        return Value::boolean(!eval(*expr.object, scope).truthy());
      case Expr::Kind::Negate:
        return negate(eval(*expr.object, scope));
      case Expr::Kind::Plus:
        return unary_plus(eval(*expr.object, scope));
      case Expr::Kind::Binary:
        return eval_binary(expr, scope);
      case Expr::Kind::Compare:
        return eval_compare(expr, scope);
      case Expr::Kind::Conditional:
        if (eval(*expr.object, scope).truthy()) return eval(*expr.index, scope);
        if (expr.step) return eval(*expr.step, scope);
        return Value::undefined("the inline if-expression on line " + std::to_string(expr.line) +
                                " evaluated to false and no else section was defined.");
    }
    return Value();
  }

  Value eval_binary(const Expr& expr, const ScopePtr& scope) {
    Value left = eval(*expr.object, scope);
    if (expr.name == "and") return left.truthy() ? eval(*expr.index, scope) : left;
    if (expr.name == "or") return left.truthy() ? left : eval(*expr.index, scope);
    return binary_operation(expr.name, left, eval(*expr.index, scope));
  }

  Value eval_compare(const Expr& expr, const ScopePtr& scope) {
    Value left = eval(*expr.object, scope);
    for (std::size_t i = 0; i < expr.ops.size(); ++i) {
      Value right = eval(*expr.items[i], scope);
      const std::string& op = expr.ops[i];
      bool holds = op == "in" ? contains(right, left) : op == "notin" ? !contains(right, left) : compare_values(op, left, right);
      if (!holds) return Value::boolean(false);
      left = std::move(right);
    }
    return Value::boolean(true);
  }

  const std::string& origin_;
  const RenderLimits& limits_;
  const TemplateClock& clock_;
  std::size_t iterations_ = 0;
  int depth_ = 0;
};

}  // namespace

std::string render_template(const Body& body, const Dict& context, const std::string& origin, const RenderLimits& limits,
                            const TemplateClock& clock) {
  return Interpreter(origin, limits, clock).run(body, context);
}

}  // namespace rb::tmpl
