#include "model/activation.h"

#include <algorithm>

#include "common/enum_names.h"

namespace rb::model {
namespace {

constexpr EnumName<Activation> kActivationNames[] = {
    {Activation::Gelu, "gelu"}, {Activation::GeluNew, "gelu_new"}, {Activation::GeluFast, "gelu_fast"},
    {Activation::GeluPytorchTanh, "gelu_pytorch_tanh"}, {Activation::Relu, "relu"}, {Activation::Silu, "silu"},
    {Activation::Tanh, "tanh"}, {Activation::Sigmoid, "sigmoid"}};

std::vector<Activation> all_activations() {
  std::vector<Activation> all;
  for (const auto& entry : kActivationNames) all.push_back(entry.value);
  return all;
}

}  // namespace

std::string activation_name(Activation activation) { return name_of(kActivationNames, activation); }

bool parse_activation(const std::string& name, Activation& out, const std::vector<Activation>& allowed) {
  const std::vector<Activation> candidates = allowed.empty() ? all_activations() : allowed;
  const std::string canonical = name == "swish" ? "silu" : name;
  for (Activation activation : candidates) {
    if (activation_name(activation) == canonical) {
      out = activation;
      return true;
    }
  }
  return false;
}

std::string activation_names(const std::vector<Activation>& allowed) {
  std::string names;
  for (Activation activation : allowed.empty() ? all_activations() : allowed)
    names += (names.empty() ? "" : ", ") + activation_name(activation);
  return names;
}

}  // namespace rb::model
