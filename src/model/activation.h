#pragma once
// transformers' ACT2FN names used by the supported families, as one enum for every architecture
// (the ops are in torch_layers.h: layers::activate). Torch-free.
#include <string>
#include <vector>

namespace rb::model {

enum class Activation { Gelu, GeluNew, GeluFast, GeluPytorchTanh, Relu, Silu, Tanh, Sigmoid };

// The activation named `name` ("swish" is "silu"), if it is one of `allowed` (all when empty);
// false otherwise (the caller names the field in its error).
bool parse_activation(const std::string& name, Activation& out, const std::vector<Activation>& allowed = {});
std::string activation_name(Activation activation);
// "gelu, gelu_new, ..." for error messages.
std::string activation_names(const std::vector<Activation>& allowed = {});

}  // namespace rb::model
