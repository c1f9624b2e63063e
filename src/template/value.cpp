#include "template/value.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "common/utf8.h"
#include "template/unicode_chars.h"

namespace rb::tmpl {

const Value* CallArgs::find_keyword(const std::string& name) const {
  for (const auto& [key, value] : keyword) {
    if (key == name) return &value;
  }
  return nullptr;
}

const Value* CallArgs::get(std::size_t index, const std::string& name) const {
  if (index < positional.size()) return &positional[index];
  return find_keyword(name);
}

Value Object::call(const CallArgs&) const {
  throw RenderError("TypeError", "'" + type_name() + "' object is not callable");
}

const Value* Dict::find(const Value& key) const {
  for (const auto& item : items) {
    if (item.first.equals(key)) return &item.second;
  }
  return nullptr;
}

const Value* Dict::find(const std::string& key) const {
  for (const auto& item : items) {
    if (item.first.is_string() && item.first.as_string() == key) return &item.second;
  }
  return nullptr;
}

void Dict::set(const Value& key, Value value) {
  for (auto& item : items) {
    if (item.first.equals(key)) {
      item.second = std::move(value);
      return;
    }
  }
  items.emplace_back(key, std::move(value));
}

Value::Value() : string_(std::make_shared<const std::string>()) {}

Value Value::undefined(std::string message, bool unsafe) {
  Value v;
  v.kind_ = Kind::Undefined;
  v.bool_ = unsafe;
  v.string_ = std::make_shared<const std::string>(std::move(message));
  return v;
}

Value Value::none() {
  Value v;
  v.kind_ = Kind::None;
  return v;
}

Value Value::boolean(bool b) {
  Value v;
  v.kind_ = Kind::Bool;
  v.bool_ = b;
  return v;
}

Value Value::integer(std::int64_t i) {
  Value v;
  v.kind_ = Kind::Int;
  v.int_ = i;
  return v;
}

Value Value::floating(double d) {
  Value v;
  v.kind_ = Kind::Float;
  v.double_ = d;
  return v;
}

Value Value::string(std::string s) {
  Value v;
  v.kind_ = Kind::String;
  v.string_ = std::make_shared<const std::string>(std::move(s));
  return v;
}

Value Value::markup(std::string s) {
  Value v = string(std::move(s));
  v.bool_ = true;
  return v;
}

Value Value::list(ValueList items) {
  Value v;
  v.kind_ = Kind::List;
  v.list_ = std::make_shared<const ValueList>(std::move(items));
  return v;
}

Value Value::tuple(ValueList items) {
  Value v = list(std::move(items));
  v.kind_ = Kind::Tuple;
  return v;
}

Value Value::dict(Dict dict) {
  Value v;
  v.kind_ = Kind::Dict;
  v.dict_ = std::make_shared<Dict>(std::move(dict));
  return v;
}

Value Value::namespace_object(Dict attributes) {
  Value v = dict(std::move(attributes));
  v.kind_ = Kind::Namespace;
  return v;
}

Value Value::callable(std::string name, NativeFunction function) {
  Value v;
  v.kind_ = Kind::Callable;
  v.callable_ = std::make_shared<const Callable>(Callable{std::move(name), std::move(function)});
  return v;
}

Value Value::object(std::shared_ptr<const Object> object) {
  Value v;
  v.kind_ = Kind::Object;
  v.object_ = std::move(object);
  return v;
}

Value Value::from_json(const nlohmann::ordered_json& json) {
  switch (json.type()) {
    case nlohmann::ordered_json::value_t::null:
      return none();
    case nlohmann::ordered_json::value_t::boolean:
      return boolean(json.get<bool>());
    case nlohmann::ordered_json::value_t::number_integer:
      return integer(json.get<std::int64_t>());
    case nlohmann::ordered_json::value_t::number_unsigned:
      return integer(static_cast<std::int64_t>(json.get<std::uint64_t>()));
    case nlohmann::ordered_json::value_t::number_float:
      return floating(json.get<double>());
    case nlohmann::ordered_json::value_t::string:
      return string(json.get<std::string>());
    case nlohmann::ordered_json::value_t::array: {
      ValueList items;
      items.reserve(json.size());
      for (const auto& item : json) items.push_back(from_json(item));
      return list(std::move(items));
    }
    case nlohmann::ordered_json::value_t::object: {
      Dict d;
      d.items.reserve(json.size());
      for (auto it = json.begin(); it != json.end(); ++it) d.items.emplace_back(string(it.key()), from_json(it.value()));
      return dict(std::move(d));
    }
    default:
      return none();
  }
}

bool Value::is_callable() const {
  return kind_ == Kind::Callable || (kind_ == Kind::Object && object_->is_callable());
}

double Value::as_double() const {
  if (kind_ == Kind::Float) return double_;
  return static_cast<double>(as_int());
}

const std::string& Value::undefined_message() const { return *string_; }
bool Value::undefined_is_unsafe() const { return kind_ == Kind::Undefined && bool_; }

void Value::fail_undefined() const {
  throw RenderError(bool_ ? "SecurityError" : "UndefinedError", string_->empty() ? "undefined value" : *string_);
}

bool Value::truthy() const {
  switch (kind_) {
    case Kind::Undefined:
    case Kind::None:
      return false;
    case Kind::Bool:
      return bool_;
    case Kind::Int:
      return int_ != 0;
    case Kind::Float:
      return double_ != 0.0;
    case Kind::String:
      return !string_->empty();
    case Kind::List:
    case Kind::Tuple:
      return !list_->empty();
    case Kind::Dict:
      return !dict_->items.empty();
    default:
      return true;
  }
}

static bool is_printable(char32_t cp) {
  if (cp < 0x20 || cp == 0x7F) return false;
  if (cp >= 0x80 && cp <= 0xA0) return false;
  if (cp == 0xAD || cp == 0x2028 || cp == 0x2029 || (cp >= 0x200B && cp <= 0x200F)) return false;
  if (cp >= 0xD800 && cp <= 0xDFFF) return false;
  return cp != 0xFEFF;
}

std::string python_string_repr(const std::string& text) {
  bool has_single = text.find('\'') != std::string::npos;
  bool has_double = text.find('"') != std::string::npos;
  char quote = has_single && !has_double ? '"' : '\'';
  std::string out(1, quote);
  for (char32_t cp : utf8::decode(text)) {
    if (cp == static_cast<char32_t>(quote) || cp == '\\') {
      out += '\\';
      out += static_cast<char>(cp);
    } else if (cp == '\n') {
      out += "\\n";
    } else if (cp == '\r') {
      out += "\\r";
    } else if (cp == '\t') {
      out += "\\t";
    } else if (!is_printable(cp)) {
      char buffer[16];
      if (cp < 0x100) {
        std::snprintf(buffer, sizeof buffer, "\\x%02x", static_cast<unsigned>(cp));
      } else if (cp < 0x10000) {
        std::snprintf(buffer, sizeof buffer, "\\u%04x", static_cast<unsigned>(cp));
      } else {
        std::snprintf(buffer, sizeof buffer, "\\U%08x", static_cast<unsigned>(cp));
      }
      out += buffer;
    } else {
      utf8::append(out, cp);
    }
  }
  out += quote;
  return out;
}

std::string Value::to_str() const {
  switch (kind_) {
    case Kind::Undefined:
      return "";
    case Kind::String:
      return *string_;
    default:
      return repr();
  }
}

std::string Value::repr() const {
  switch (kind_) {
    case Kind::Undefined:
      return "Undefined";
    case Kind::None:
      return "None";
    case Kind::Bool:
      return bool_ ? "True" : "False";
    case Kind::Int:
      return std::to_string(int_);
    case Kind::Float:
      return python_float_repr(double_);
    case Kind::String:
      return bool_ ? "Markup(" + python_string_repr(*string_) + ")" : python_string_repr(*string_);
    case Kind::List:
    case Kind::Tuple: {
      bool tuple = kind_ == Kind::Tuple;
      std::string out = tuple ? "(" : "[";
      for (std::size_t i = 0; i < list_->size(); ++i) {
        if (i) out += ", ";
        out += (*list_)[i].repr();
      }
      if (tuple && list_->size() == 1) out += ",";
      return out + (tuple ? ")" : "]");
    }
    case Kind::Dict: {
      std::string out = "{";
      for (std::size_t i = 0; i < dict_->items.size(); ++i) {
        if (i) out += ", ";
        out += dict_->items[i].first.repr() + ": " + dict_->items[i].second.repr();
      }
      return out + "}";
    }
    case Kind::Namespace: {
      std::string out = "<Namespace {";
      for (std::size_t i = 0; i < dict_->items.size(); ++i) {
        if (i) out += ", ";
        out += dict_->items[i].first.repr() + ": " + dict_->items[i].second.repr();
      }
      return out + "}>";
    }
    case Kind::Callable:
      return "<function " + callable_->name + ">";
    case Kind::Object:
      return "<" + object_->type_name() + " object>";
  }
  return "";
}

std::string Value::type_name() const {
  switch (kind_) {
    case Kind::Undefined: return "Undefined";
    case Kind::None: return "NoneType";
    case Kind::Bool: return "bool";
    case Kind::Int: return "int";
    case Kind::Float: return "float";
    case Kind::String: return "str";
    case Kind::List: return "list";
    case Kind::Tuple: return "tuple";
    case Kind::Dict: return "dict";
    case Kind::Namespace: return "Namespace";
    case Kind::Callable: return "function";
    case Kind::Object: return object_->type_name();
  }
  return "object";
}

bool Value::equals(const Value& other) const {
  if (is_number() && other.is_number()) {
    if (kind_ == Kind::Float || other.kind_ == Kind::Float) return as_double() == other.as_double();
    return as_int() == other.as_int();
  }
  if (kind_ != other.kind_) return false;
  switch (kind_) {
    case Kind::Undefined:
    case Kind::None:
      return true;
    case Kind::String:
      return *string_ == *other.string_;
    case Kind::List:
    case Kind::Tuple: {
      if (list_->size() != other.list_->size()) return false;
      for (std::size_t i = 0; i < list_->size(); ++i) {
        if (!(*list_)[i].equals((*other.list_)[i])) return false;
      }
      return true;
    }
    case Kind::Dict: {
      if (dict_->items.size() != other.dict_->items.size()) return false;
      for (const auto& [key, value] : dict_->items) {
        const Value* found = other.dict_->find(key);
        if (!found || !found->equals(value)) return false;
      }
      return true;
    }
    case Kind::Namespace:
      return dict_ == other.dict_;
    case Kind::Callable:
      return callable_ == other.callable_;
    case Kind::Object:
      return object_ == other.object_;
    default:
      return false;
  }
}

int Value::compare(const Value& other) const {
  if (kind_ == Kind::Undefined) fail_undefined();
  if (other.kind_ == Kind::Undefined) other.fail_undefined();
  if (is_number() && other.is_number()) {
    if (kind_ == Kind::Float || other.kind_ == Kind::Float) {
      double a = as_double(), b = other.as_double();
      return a < b ? -1 : (a > b ? 1 : 0);
    }
    std::int64_t a = as_int(), b = other.as_int();
    return a < b ? -1 : (a > b ? 1 : 0);
  }
  if (kind_ == Kind::String && other.kind_ == Kind::String) {
    int c = string_->compare(*other.string_);
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
  }
  if ((kind_ == Kind::List || kind_ == Kind::Tuple) && kind_ == other.kind_) {
    std::size_t n = std::min(list_->size(), other.list_->size());
    for (std::size_t i = 0; i < n; ++i) {
      if (!(*list_)[i].equals((*other.list_)[i])) return (*list_)[i].compare((*other.list_)[i]);
    }
    return list_->size() < other.list_->size() ? -1 : (list_->size() > other.list_->size() ? 1 : 0);
  }
  throw RenderError("TypeError", "'<' not supported between instances of '" + type_name() + "' and '" +
                                     other.type_name() + "'");
}

std::size_t Value::length() const {
  switch (kind_) {
    case Kind::Undefined:
      return 0;
    case Kind::String:
      return utf8::length(*string_);
    case Kind::List:
    case Kind::Tuple:
      return list_->size();
    case Kind::Dict:
      return dict_->items.size();
    default:
      throw RenderError("TypeError", "object of type '" + type_name() + "' has no len()");
  }
}

ValueList Value::iterate() const {
  switch (kind_) {
    case Kind::Undefined:
      if (bool_) fail_undefined();
      return {};
    case Kind::String: {
      ValueList out;
      for (char32_t cp : utf8::decode(*string_)) {
        std::string ch;
        utf8::append(ch, cp);
        out.push_back(string(std::move(ch)));
      }
      return out;
    }
    case Kind::List:
    case Kind::Tuple:
      return *list_;
    case Kind::Dict: {
      ValueList out;
      out.reserve(dict_->items.size());
      for (const auto& item : dict_->items) out.push_back(item.first);
      return out;
    }
    default:
      throw RenderError("TypeError", "'" + type_name() + "' object is not iterable");
  }
}

// markupsafe.escape, which jinja2 uses for |escape, |forceescape and Markup concatenation.
std::string html_escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&#34;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

}  // namespace rb::tmpl
