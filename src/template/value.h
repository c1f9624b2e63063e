#pragma once
// The runtime values of the interpreter, modelled on the Python objects jinja2 handles:
// None, bool, int, float, str, list, tuple, dict, jinja2's Undefined, namespace(), callables
// (globals, macros, bound methods) and a few host objects (loop, cycler, joiner).
// Printing follows Python's str()/repr() exactly because templates print lists and floats.
#include "common/python_text.h"
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/error.h"

namespace rb::tmpl {

class Value;
using ValueList = std::vector<Value>;

struct CallArgs {
  std::vector<Value> positional;
  std::vector<std::pair<std::string, Value>> keyword;

  const Value* find_keyword(const std::string& name) const;
  // Python's binding of positional-or-keyword parameter `index`/`name`; nullptr when absent.
  const Value* get(std::size_t index, const std::string& name) const;
};

using NativeFunction = std::function<Value(const CallArgs&)>;

struct Callable {
  std::string name;
  NativeFunction function;
};

// Host objects with read-only attributes (loop, cycler, joiner).
class Object {
 public:
  virtual ~Object() = default;
  virtual Value attribute(const std::string& name) const = 0;
  virtual std::string type_name() const = 0;
  virtual bool is_callable() const { return false; }
  virtual Value call(const CallArgs& args) const;
};

// Errors raised while rendering; `kind` is the Python exception class jinja2 would raise.
class RenderError : public TemplateError {
 public:
  RenderError(std::string kind, const std::string& message)
      : TemplateError(kind + ": " + message), kind_(std::move(kind)), detail_(message) {}
  const std::string& kind() const { return kind_; }
  const std::string& detail() const { return detail_; }

 private:
  std::string kind_;
  std::string detail_;
};

struct Dict {
  std::vector<std::pair<Value, Value>> items;
  const Value* find(const Value& key) const;
  const Value* find(const std::string& key) const;
  void set(const Value& key, Value value);
};

class Value {
 public:
  enum class Kind { Undefined, None, Bool, Int, Float, String, List, Tuple, Dict, Namespace, Callable, Object };

  Value();  // Undefined without a name
  static Value undefined(std::string message, bool unsafe = false);
  static Value none();
  static Value boolean(bool b);
  static Value integer(std::int64_t i);
  static Value floating(double d);
  static Value string(std::string s);
  // markupsafe.Markup: a str that prints as itself but shows as Markup('...') inside containers.
  static Value markup(std::string s);
  static Value list(ValueList items);
  static Value tuple(ValueList items);
  static Value dict(Dict dict = {});
  static Value namespace_object(Dict attributes = {});
  static Value callable(std::string name, NativeFunction function);
  static Value object(std::shared_ptr<const Object> object);
  static Value from_json(const nlohmann::ordered_json& json);

  Kind kind() const { return kind_; }
  bool is_undefined() const { return kind_ == Kind::Undefined; }
  bool is_none() const { return kind_ == Kind::None; }
  bool is_bool() const { return kind_ == Kind::Bool; }
  bool is_int() const { return kind_ == Kind::Int; }
  bool is_float() const { return kind_ == Kind::Float; }
  bool is_number() const { return kind_ == Kind::Int || kind_ == Kind::Float || kind_ == Kind::Bool; }
  bool is_string() const { return kind_ == Kind::String; }
  bool is_markup() const { return kind_ == Kind::String && bool_; }
  bool is_list() const { return kind_ == Kind::List; }
  bool is_tuple() const { return kind_ == Kind::Tuple; }
  bool is_sequence() const { return kind_ == Kind::List || kind_ == Kind::Tuple; }
  bool is_dict() const { return kind_ == Kind::Dict; }
  bool is_namespace() const { return kind_ == Kind::Namespace; }
  bool is_callable() const;
  bool is_object() const { return kind_ == Kind::Object; }

  bool as_bool() const { return bool_; }
  std::int64_t as_int() const { return kind_ == Kind::Bool ? (bool_ ? 1 : 0) : int_; }
  double as_double() const;
  const std::string& as_string() const { return *string_; }
  const ValueList& as_list() const { return *list_; }
  const Dict& as_dict() const { return *dict_; }
  Dict& namespace_attributes() const { return *dict_; }
  const Callable& as_callable() const { return *callable_; }
  const Object& as_object() const { return *object_; }
  const std::string& undefined_message() const;
  bool undefined_is_unsafe() const;

  // Raises jinja2's UndefinedError (or SecurityError) carried by this Undefined.
  [[noreturn]] void fail_undefined() const;

  bool truthy() const;
  std::string to_str() const;  // Python str()
  std::string repr() const;    // Python repr()
  std::string type_name() const;  // Python type name: 'str', 'list', 'dict', ...
  bool equals(const Value& other) const;  // Python ==
  int compare(const Value& other) const;  // Python <, raising TypeError when unorderable
  std::size_t length() const;             // Python len(), raising TypeError when unsized
  // Python iteration: list/tuple items, dict keys, string characters; Undefined gives nothing.
  ValueList iterate() const;

 private:
  Kind kind_ = Kind::Undefined;
  bool bool_ = false;  // Bool: the value; String: is Markup; Undefined: unsafe (SecurityError)
  std::int64_t int_ = 0;
  double double_ = 0.0;
  std::shared_ptr<const std::string> string_;  // string; undefined message
  std::shared_ptr<const ValueList> list_;
  std::shared_ptr<Dict> dict_;
  std::shared_ptr<const Callable> callable_;
  std::shared_ptr<const Object> object_;
};

// Python float repr (shortest round-trip digits, 'e' notation outside [1e-4, 1e16)).
using rb::python_float_repr;  // common/python_text.h

// markupsafe.escape: & < > " ' as &amp; &lt; &gt; &#34; &#39;.
std::string html_escape(const std::string& text);
// Python repr of a str: single quotes unless the text holds ' and no ".
std::string python_string_repr(const std::string& text);

}  // namespace rb::tmpl
