// Template globals: jinja2's defaults (range, dict, namespace, cycler, joiner) and the two
// functions transformers adds (raise_exception, strftime_now).
#include <ctime>
#include <memory>

#include "template/builtins.h"

namespace rb::tmpl {
namespace {

// ImmutableSandboxedEnvironment refuses ranges longer than this (jinja2.sandbox.MAX_RANGE).
constexpr std::int64_t kMaxRange = 100000;

Value range_function(const CallArgs& a) {
  if (!a.keyword.empty()) throw RenderError("TypeError", "range() takes no keyword arguments");
  std::int64_t start = 0, stop = 0, step = 1;
  for (const auto& v : a.positional) {
    if (!v.is_int() && !v.is_bool()) throw RenderError("TypeError", "'" + v.type_name() + "' object cannot be interpreted as an integer");
  }
  if (a.positional.size() == 1) {
    stop = a.positional[0].as_int();
  } else if (a.positional.size() == 2 || a.positional.size() == 3) {
    start = a.positional[0].as_int();
    stop = a.positional[1].as_int();
    if (a.positional.size() == 3) step = a.positional[2].as_int();
  } else {
    throw RenderError("TypeError", "range expected 1 to 3 arguments");
  }
  if (step == 0) throw RenderError("ValueError", "range() arg 3 must not be zero");
  std::int64_t count = step > 0 ? (stop > start ? (stop - start + step - 1) / step : 0)
                                : (start > stop ? (start - stop - step - 1) / -step : 0);
  if (count > kMaxRange) throw RenderError("OverflowError", "Range too big. The sandbox blocks ranges larger than MAX_RANGE (100000).");
  ValueList out;
  for (std::int64_t i = 0; i < count; ++i) out.push_back(Value::integer(start + i * step));
  return Value::list(std::move(out));
}

Value dict_function(const CallArgs& a) {
  Dict d;
  if (!a.positional.empty() && a.positional[0].is_dict()) d = a.positional[0].as_dict();
  for (const auto& [k, v] : a.keyword) d.set(Value::string(k), v);
  return Value::dict(std::move(d));
}

Value namespace_function(const CallArgs& a) {
  Dict d;
  for (const auto& positional : a.positional) {
    if (positional.is_dict()) {
      for (const auto& item : positional.as_dict().items) d.set(item.first, item.second);
    }
  }
  for (const auto& [k, v] : a.keyword) d.set(Value::string(k), v);
  return Value::namespace_object(std::move(d));
}

Value joiner_function(const CallArgs& a) {
  const Value* sep = a.get(0, "sep");
  std::string separator = sep ? sep->to_str() : ", ";
  auto used = std::make_shared<bool>(false);
  return Value::callable("joiner", [separator, used](const CallArgs&) {
    if (!*used) {
      *used = true;
      return Value::string("");
    }
    return Value::string(separator);
  });
}

// jinja2's cycler: next() returns the current item and advances; current and reset().
class Cycler : public Object {
 public:
  explicit Cycler(ValueList items) : items_(std::move(items)), position_(std::make_shared<std::size_t>(0)) {}
  Value attribute(const std::string& name) const override {
    auto position = position_;
    auto items = items_;
    if (name == "current") return items.empty() ? Value::none() : items[*position % items.size()];
    if (name == "next") {
      return Value::callable("cycler.next", [items, position](const CallArgs&) {
        if (items.empty()) throw RenderError("RuntimeError", "at least one item has to be provided");
        Value current = items[*position % items.size()];
        *position = (*position + 1) % items.size();
        return current;
      });
    }
    if (name == "reset") {
      return Value::callable("cycler.reset", [position](const CallArgs&) {
        *position = 0;
        return Value::none();
      });
    }
    return Value::undefined("'Cycler object' has no attribute '" + name + "'");
  }
  std::string type_name() const override { return "Cycler"; }

 private:
  ValueList items_;
  std::shared_ptr<std::size_t> position_;
};

Value cycler_function(const CallArgs& a) { return Value::object(std::make_shared<Cycler>(a.positional)); }

Value raise_exception_function(const CallArgs& a) {
  std::string message = a.positional.empty() ? "" : a.positional[0].to_str();
  throw RenderError("TemplateError", message);
}

Value strftime_now(const CallArgs& a, const TemplateClock& clock) {
  if (a.positional.empty()) throw RenderError("TypeError", "strftime_now() missing 1 required positional argument: 'format'");
  std::tm when{};
  if (clock.pinned_epoch_seconds) {
    const std::time_t pinned = static_cast<std::time_t>(*clock.pinned_epoch_seconds);
    gmtime_r(&pinned, &when);
  } else {
    const std::time_t now = std::time(nullptr);
    localtime_r(&now, &when);
  }
  char buffer[512];
  std::size_t n = std::strftime(buffer, sizeof buffer, a.positional[0].to_str().c_str(), &when);
  return Value::string(std::string(buffer, n));
}

}  // namespace

Value lookup_global(const std::string& name, const TemplateClock& clock) {
  if (name == "range") return Value::callable(name, range_function);
  if (name == "dict") return Value::callable(name, dict_function);
  if (name == "namespace") return Value::callable(name, namespace_function);
  if (name == "joiner") return Value::callable(name, joiner_function);
  if (name == "cycler") return Value::callable(name, cycler_function);
  if (name == "raise_exception") return Value::callable(name, raise_exception_function);
  if (name == "strftime_now")
    return Value::callable(name, [clock](const CallArgs& a) { return strftime_now(a, clock); });
  return Value();
}

}  // namespace rb::tmpl
