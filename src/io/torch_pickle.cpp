#include "io/torch_pickle.h"

#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <set>
#include <utility>

#include "common/error.h"

namespace rb::io {
namespace {

// Storage type tags of the persistent ids -> element type.
const std::map<std::string, TensorDType>& storage_types() {
  static const std::map<std::string, TensorDType> types = {
      {"FloatStorage", TensorDType::F32}, {"HalfStorage", TensorDType::F16},  {"BFloat16Storage", TensorDType::BF16},
      {"DoubleStorage", TensorDType::F64}, {"LongStorage", TensorDType::I64}, {"IntStorage", TensorDType::I32},
      {"ShortStorage", TensorDType::I16},  {"CharStorage", TensorDType::I8},  {"ByteStorage", TensorDType::U8},
      {"BoolStorage", TensorDType::BOOL}};
  return types;
}

// The globals a state dict needs; everything else is refused.
bool allowed_global(const std::string& module, const std::string& name) {
  if (module == "collections" && name == "OrderedDict") return true;
  if (module == "torch._utils" && (name == "_rebuild_tensor_v2" || name == "_rebuild_tensor" ||
                                   name == "_rebuild_parameter" || name == "_rebuild_parameter_with_state"))
    return true;
  return module == "torch" && storage_types().count(name) != 0;
}

struct Value;
using ValuePtr = std::shared_ptr<Value>;

struct Value {
  enum class Kind { None, Bool, Int, Float, Text, Bytes, Tuple, List, Dict, Global, Storage, Tensor, Mark };
  Kind kind = Kind::None;
  int64_t integer = 0;
  double real = 0.0;
  std::string text;   // Text, Bytes, Global module, Storage key
  std::string name;   // Global name
  TensorDType dtype = TensorDType::F32;  // Storage
  std::vector<ValuePtr> items;                          // Tuple, List
  std::vector<std::pair<ValuePtr, ValuePtr>> entries;   // Dict
  PickledTensor tensor;                                 // Tensor
};

ValuePtr make(Value::Kind kind) {
  auto value = std::make_shared<Value>();
  value->kind = kind;
  return value;
}

class Unpickler {
 public:
  Unpickler(const uint8_t* bytes, size_t size, const std::string& source) : bytes_(bytes), size_(size), source_(source) {}

  ValuePtr run() {
    while (true) {
      const uint8_t op = next_byte();
      if (op == '.') break;
      step(op);
    }
    if (stack_.size() != 1) fail("ends with " + std::to_string(stack_.size()) + " values on the stack");
    return stack_.back();
  }

 private:
  [[noreturn]] void fail(const std::string& why) const {
    throw IoError(source_ + ": not a loadable PyTorch state dict: pickle " + why + " (at byte " + std::to_string(at_) +
                  ")");
  }

  uint8_t next_byte() {
    if (at_ >= size_) fail("is truncated");
    return bytes_[at_++];
  }
  uint64_t little(int width) {
    uint64_t value = 0;
    for (int i = 0; i < width; ++i) value |= static_cast<uint64_t>(next_byte()) << (8 * i);
    return value;
  }
  std::string take(uint64_t length) {
    if (length > size_ - at_) fail("is truncated (a string runs past the end)");
    std::string text(reinterpret_cast<const char*>(bytes_ + at_), static_cast<size_t>(length));
    at_ += static_cast<size_t>(length);
    return text;
  }
  std::string line() {
    std::string text;
    for (uint8_t c = next_byte(); c != '\n'; c = next_byte()) text += static_cast<char>(c);
    return text;
  }

  ValuePtr pop() {
    if (stack_.empty() || stack_.back()->kind == Value::Kind::Mark) fail("pops an empty stack");
    ValuePtr value = stack_.back();
    stack_.pop_back();
    return value;
  }
  ValuePtr& top() {
    if (stack_.empty()) fail("reads an empty stack");
    return stack_.back();
  }
  // The values above the topmost mark, which is removed.
  std::vector<ValuePtr> pop_to_mark() {
    std::vector<ValuePtr> values;
    while (true) {
      if (stack_.empty()) fail("has no mark to pop to");
      ValuePtr value = stack_.back();
      stack_.pop_back();
      if (value->kind == Value::Kind::Mark) break;
      values.push_back(value);
    }
    return {values.rbegin(), values.rend()};
  }

  void push_integer(int64_t value) {
    ValuePtr v = make(Value::Kind::Int);
    v->integer = value;
    stack_.push_back(v);
  }
  void push_text(std::string text, Value::Kind kind = Value::Kind::Text) {
    ValuePtr v = make(kind);
    v->text = std::move(text);
    stack_.push_back(v);
  }
  void push_sequence(Value::Kind kind, std::vector<ValuePtr> items) {
    ValuePtr v = make(kind);
    v->items = std::move(items);
    stack_.push_back(v);
  }
  void push_global(const std::string& module, const std::string& name) {
    if (!allowed_global(module, name))
      throw IoError(source_ + ": refused to load: the pickle asks for the global '" + module + "." + name +
                    "', which a tensor state dict never needs (only collections.OrderedDict, "
                    "torch._utils._rebuild_tensor_v2/_rebuild_parameter and torch.*Storage are allowed); "
                    "nothing was executed");
    ValuePtr v = make(Value::Kind::Global);
    v->text = module;
    v->name = name;
    stack_.push_back(v);
  }
  void memo_put(uint64_t key) { memo_[key] = top(); }
  void memo_get(uint64_t key) {
    const auto found = memo_.find(key);
    if (found == memo_.end()) fail("reads memo entry " + std::to_string(key) + " before it is written");
    stack_.push_back(found->second);
  }
  Value& dict_at_top() {
    Value& dict = *top();
    if (dict.kind != Value::Kind::Dict) fail("sets items on something that is not a dict");
    return dict;
  }
  Value& list_at_top() {
    Value& list = *top();
    if (list.kind != Value::Kind::List) fail("appends to something that is not a list");
    return list;
  }

  void step(uint8_t op);
  void reduce();
  void persistent_load();

  const uint8_t* bytes_;
  size_t size_;
  const std::string& source_;
  size_t at_ = 0;
  std::vector<ValuePtr> stack_;
  std::map<uint64_t, ValuePtr> memo_;
};

void Unpickler::step(uint8_t op) {
  using Kind = Value::Kind;
  switch (op) {
    case 0x80: next_byte(); return;  // PROTO
    case 0x95: little(8); return;    // FRAME
    case '(': stack_.push_back(make(Kind::Mark)); return;
    case '}': stack_.push_back(make(Kind::Dict)); return;
    case ']': stack_.push_back(make(Kind::List)); return;
    case ')': push_sequence(Kind::Tuple, {}); return;
    case 't': push_sequence(Kind::Tuple, pop_to_mark()); return;
    case 'l': push_sequence(Kind::List, pop_to_mark()); return;
    case 0x85: { ValuePtr a = pop(); push_sequence(Kind::Tuple, {a}); return; }
    case 0x86: { ValuePtr b = pop(), a = pop(); push_sequence(Kind::Tuple, {a, b}); return; }
    case 0x87: { ValuePtr c = pop(), b = pop(), a = pop(); push_sequence(Kind::Tuple, {a, b, c}); return; }
    case 'd': {
      std::vector<ValuePtr> values = pop_to_mark();
      if (values.size() % 2 != 0) fail("builds a dict from an odd number of values");
      stack_.push_back(make(Kind::Dict));
      for (size_t i = 0; i < values.size(); i += 2) dict_at_top().entries.emplace_back(values[i], values[i + 1]);
      return;
    }
    case 's': { ValuePtr value = pop(), key = pop(); dict_at_top().entries.emplace_back(key, value); return; }
    case 'u': {
      std::vector<ValuePtr> values = pop_to_mark();
      if (values.size() % 2 != 0) fail("sets an odd number of dict values");
      Value& dict = dict_at_top();
      for (size_t i = 0; i < values.size(); i += 2) dict.entries.emplace_back(values[i], values[i + 1]);
      return;
    }
    case 'a': { ValuePtr value = pop(); list_at_top().items.push_back(value); return; }
    case 'e': {
      std::vector<ValuePtr> values = pop_to_mark();
      Value& list = list_at_top();
      list.items.insert(list.items.end(), values.begin(), values.end());
      return;
    }
    case 'q': memo_put(little(1)); return;
    case 'r': memo_put(little(4)); return;
    case 0x94: memo_put(memo_.size()); return;  // MEMOIZE
    case 'h': memo_get(little(1)); return;
    case 'j': memo_get(little(4)); return;
    case 'c': { std::string module = line(); push_global(module, line()); return; }
    case 0x93: {  // STACK_GLOBAL
      ValuePtr name = pop(), module = pop();
      if (name->kind != Kind::Text || module->kind != Kind::Text) fail("names a global with non-strings");
      push_global(module->text, name->text);
      return;
    }
    case 'Q': persistent_load(); return;
    case 'R': reduce(); return;
    case 'b': {  // BUILD: a state dict's _metadata, a tensor's state: nothing the weights need
      pop();
      const Kind kind = top()->kind;
      if (kind != Kind::Dict && kind != Kind::Tensor) fail("sets the state of an object that is not a dict or a tensor");
      return;
    }
    case 'N': stack_.push_back(make(Kind::None)); return;
    case 0x88: case 0x89: { ValuePtr v = make(Kind::Bool); v->integer = op == 0x88; stack_.push_back(v); return; }
    case 'K': push_integer(static_cast<int64_t>(little(1))); return;
    case 'M': push_integer(static_cast<int64_t>(little(2))); return;
    case 'J': push_integer(static_cast<int32_t>(static_cast<uint32_t>(little(4)))); return;
    case 0x8a: {  // LONG1: little-endian two's complement of n bytes
      const uint64_t n = little(1);
      if (n > 8) fail("holds an integer wider than 64 bits");
      uint64_t raw = n == 0 ? 0 : little(static_cast<int>(n));
      if (n > 0 && n < 8 && (raw >> (8 * n - 1)) & 1) raw |= ~uint64_t{0} << (8 * n);
      push_integer(static_cast<int64_t>(raw));
      return;
    }
    case 'G': {  // BINFLOAT: big-endian double
      uint64_t raw = 0;
      for (int i = 0; i < 8; ++i) raw = (raw << 8) | next_byte();
      ValuePtr v = make(Kind::Float);
      std::memcpy(&v->real, &raw, sizeof raw);
      stack_.push_back(v);
      return;
    }
    case 'X': push_text(take(little(4))); return;
    case 0x8c: push_text(take(little(1))); return;
    case 0x8d: push_text(take(little(8))); return;
    case 'U': push_text(take(little(1))); return;
    case 'T': push_text(take(little(4))); return;
    case 'C': push_text(take(little(1)), Kind::Bytes); return;
    case 'B': push_text(take(little(4)), Kind::Bytes); return;
    case '0': pop(); return;
    case '1': pop_to_mark(); return;
    case '2': stack_.push_back(top()); return;
    default: {
      char hex[8];
      std::snprintf(hex, sizeof hex, "0x%02x", op);
      fail(std::string("uses opcode ") + hex + ", which a tensor state dict does not need");
    }
  }
}

// ('storage', <storage type>, key, location, numel) -> a storage of that element type.
void Unpickler::persistent_load() {
  ValuePtr pid = pop();
  if (pid->kind != Value::Kind::Tuple || pid->items.size() < 3 || pid->items[0]->kind != Value::Kind::Text ||
      pid->items[0]->text != "storage" || pid->items[1]->kind != Value::Kind::Global ||
      pid->items[2]->kind != Value::Kind::Text)
    fail("has a persistent id that is not ('storage', type, key, ...)");
  const Value& type = *pid->items[1];
  const auto dtype = storage_types().find(type.name);
  if (type.text != "torch" || dtype == storage_types().end()) fail("names a storage of type " + type.text + "." + type.name);
  ValuePtr storage = make(Value::Kind::Storage);
  storage->text = pid->items[2]->text;
  storage->dtype = dtype->second;
  stack_.push_back(storage);
}

std::vector<int64_t> integers(const ValuePtr& tuple, const char* what, const std::string& source) {
  if (tuple->kind != Value::Kind::Tuple) throw IoError(source + ": a tensor's " + what + " is not a tuple");
  std::vector<int64_t> values;
  for (const auto& item : tuple->items) {
    if (item->kind != Value::Kind::Int) throw IoError(source + ": a tensor's " + what + " holds a non-integer");
    values.push_back(item->integer);
  }
  return values;
}

void Unpickler::reduce() {
  ValuePtr args = pop(), callable = pop();
  if (callable->kind != Value::Kind::Global || args->kind != Value::Kind::Tuple) fail("calls something that is not a global");
  const std::string& name = callable->name;
  if (name == "OrderedDict") {
    stack_.push_back(make(Value::Kind::Dict));
    return;
  }
  if (name == "_rebuild_parameter" || name == "_rebuild_parameter_with_state") {
    if (args->items.empty() || args->items[0]->kind != Value::Kind::Tensor) fail("rebuilds a parameter without a tensor");
    stack_.push_back(args->items[0]);
    return;
  }
  if (name == "_rebuild_tensor_v2" || name == "_rebuild_tensor") {
    if (args->items.size() < 4 || args->items[0]->kind != Value::Kind::Storage || args->items[1]->kind != Value::Kind::Int)
      fail("rebuilds a tensor from unexpected arguments");
    ValuePtr tensor = make(Value::Kind::Tensor);
    tensor->tensor.storage_key = args->items[0]->text;
    tensor->tensor.dtype = args->items[0]->dtype;
    tensor->tensor.storage_offset = args->items[1]->integer;
    tensor->tensor.shape = integers(args->items[2], "size", source_);
    tensor->tensor.stride = integers(args->items[3], "stride", source_);
    if (tensor->tensor.shape.size() != tensor->tensor.stride.size()) fail("rebuilds a tensor whose size and stride differ in rank");
    stack_.push_back(tensor);
    return;
  }
  fail("calls " + callable->text + "." + name + " with no meaning here");  // storage types are not callable
}

}  // namespace

std::vector<PickledTensor> read_pickled_state_dict(const uint8_t* bytes, size_t size, const std::string& source) {
  Unpickler unpickler(bytes, size, source);
  const ValuePtr result = unpickler.run();
  if (result->kind != Value::Kind::Dict) throw IoError(source + ": the pickle holds no dict of tensors");
  std::vector<PickledTensor> tensors;
  std::set<std::string> names;
  for (const auto& [key, value] : result->entries) {
    if (key->kind != Value::Kind::Text || value->kind != Value::Kind::Tensor) continue;
    if (!names.insert(key->text).second) throw IoError(source + ": tensor '" + key->text + "' appears twice");
    PickledTensor tensor = value->tensor;
    tensor.name = key->text;
    tensors.push_back(std::move(tensor));
  }
  if (tensors.empty()) throw IoError(source + ": the pickle's dict holds no tensors (not a state dict)");
  return tensors;
}

}  // namespace rb::io
