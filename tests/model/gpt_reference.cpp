#include "gpt_reference.h"

#include <ATen/ATen.h>

#include <cmath>
#include <fstream>
#include <random>
#include <stdexcept>

#include "tiny_model_writer.h"

namespace rb::testing::gpt {
namespace {

using nlohmann::json;

class WeightMaker {
 public:
  WeightMaker(TinyGpt& model, const std::string& dtype, uint32_t seed) : model_(model), dtype_(dtype), rng_(seed) {}

  void add(const std::string& name, const std::vector<int64_t>& shape, double scale, double offset = 0.0) {
    int64_t count = 1;
    for (int64_t d : shape) count *= d;
    std::normal_distribution<float> normal(0.0f, 1.0f);
    std::vector<float> values(static_cast<size_t>(count));
    for (float& v : values) v = round_to_storage(static_cast<float>(offset + scale * normal(rng_)));
    model_.weights[name] = {shape, values};
  }
  void layer_norm(const std::string& name, int64_t hidden) {
    add(name + ".weight", {hidden}, 0.2, 1.0);
    add(name + ".bias", {hidden}, 0.2);
  }
  // fan_in-scaled projection weight of the given shape plus a bias of `bias_size` (0: none).
  void projection(const std::string& name, const std::vector<int64_t>& shape, int64_t fan_in, int64_t bias_size) {
    add(name + ".weight", shape, 1.0 / std::sqrt(static_cast<double>(fan_in)));
    if (bias_size > 0) add(name + ".bias", {bias_size}, 0.3);
  }

 private:
  float round_to_storage(float value) const {
    if (dtype_ == "BF16") return bf16_bits_to_float(float_to_bf16_bits(value));
    return value;
  }
  TinyGpt& model_;
  std::string dtype_;
  std::mt19937 rng_;
};

json gpt2_config(const TinyGptSpec& spec) {
  return {{"architectures", {"GPT2ForSequenceClassification", "GPT2LMHeadModel"}},
          {"model_type", "gpt2"}, {"vocab_size", spec.vocab}, {"n_positions", spec.positions},
          {"n_embd", spec.hidden}, {"n_layer", spec.layers}, {"n_head", spec.heads}, {"n_inner", spec.inner},
          {"activation_function", "gelu_new"}, {"layer_norm_epsilon", 1e-5}, {"num_labels", spec.num_labels},
          {"bos_token_id", 0}, {"eos_token_id", 0}, {"pad_token_id", nullptr}};
}

json neox_config(const TinyGptSpec& spec) {
  json config = {{"architectures", {"GPTNeoXForSequenceClassification", "GPTNeoXForCausalLM"}},
                 {"model_type", "gpt_neox"}, {"vocab_size", spec.vocab}, {"hidden_size", spec.hidden},
                 {"num_hidden_layers", spec.layers}, {"num_attention_heads", spec.heads},
                 {"intermediate_size", spec.inner}, {"hidden_act", "gelu"}, {"rotary_pct", 0.25},
                 {"rotary_emb_base", 10000}, {"layer_norm_eps", 1e-5}, {"use_parallel_residual", true},
                 {"max_position_embeddings", 2048}, {"num_labels", spec.num_labels}, {"bos_token_id", 0},
                 {"eos_token_id", 0}};
  if (spec.family == Family::OpenAssistant) {
    config["architectures"] = {"GPTNeoXRewardModel"};
    config["model_type"] = "gpt_neox_reward_model";
    config["pooling"] = "last";
  }
  return config;
}

void gpt2_weights(WeightMaker& make, const TinyGptSpec& spec, const std::string& p) {
  const int64_t h = spec.hidden;
  make.add(p + "wte.weight", {spec.vocab, h}, 1.0);
  make.add(p + "wpe.weight", {spec.positions, h}, 0.5);
  for (int64_t i = 0; i < spec.layers; ++i) {
    const std::string l = p + "h." + std::to_string(i) + ".";
    make.layer_norm(l + "ln_1", h);
    make.layer_norm(l + "ln_2", h);
    make.projection(l + "attn.c_attn", {h, 3 * h}, h, 3 * h);  // Conv1D: [in, out]
    make.projection(l + "attn.c_proj", {h, h}, h, h);
    make.projection(l + "mlp.c_fc", {h, spec.inner}, h, spec.inner);
    make.projection(l + "mlp.c_proj", {spec.inner, h}, spec.inner, h);
  }
  make.layer_norm(p + "ln_f", h);
  make.projection("score", {spec.num_labels, h}, h, 0);
  make.projection("lm_head", {spec.vocab, h}, h, 0);  // read only when the config unties it
}

void neox_weights(WeightMaker& make, const TinyGptSpec& spec, const std::string& p) {
  const int64_t h = spec.hidden;
  make.add(p + "embed_in.weight", {spec.vocab, h}, 1.0);
  for (int64_t i = 0; i < spec.layers; ++i) {
    const std::string l = p + "layers." + std::to_string(i) + ".";
    make.layer_norm(l + "input_layernorm", h);
    make.layer_norm(l + "post_attention_layernorm", h);
    make.projection(l + "attention.query_key_value", {3 * h, h}, h, 3 * h);
    make.projection(l + "attention.dense", {h, h}, h, h);
    make.projection(l + "mlp.dense_h_to_4h", {spec.inner, h}, h, spec.inner);
    make.projection(l + "mlp.dense_4h_to_h", {h, spec.inner}, spec.inner, h);
  }
  make.layer_norm(p + "final_layer_norm", h);
  make.projection("score", {spec.num_labels, h}, h, 0);
  make.projection("embed_out", {spec.vocab, h}, h, 0);
  make.projection("out_proj", {1, h}, h, 1);
}

// ---- reference network (float64) ----

at::Tensor weight(const TinyGpt& model, const std::string& name) {
  auto found = model.weights.find(name);
  if (found == model.weights.end()) throw std::runtime_error("reference: no weight " + name);
  const auto& [shape, values] = found->second;
  return at::tensor(at::ArrayRef<float>(values), at::kFloat).reshape(shape).to(at::kDouble);
}

bool json_has(const json& object, const std::string& key) { return object.contains(key) && !object[key].is_null(); }

double config_number(const json& config, const std::vector<std::string>& keys, double fallback) {
  for (const std::string& key : keys)
    if (json_has(config, key)) return config[key].get<double>();
  return fallback;
}

at::Tensor layer_norm(const at::Tensor& x, const TinyGpt& model, const std::string& name, double eps) {
  at::Tensor mean = x.mean(-1, true);
  at::Tensor variance = (x - mean).pow(2).mean(-1, true);
  return (x - mean) / at::sqrt(variance + eps) * weight(model, name + ".weight") + weight(model, name + ".bias");
}

at::Tensor activation(const at::Tensor& x, const std::string& name) {
  if (name == "gelu") return 0.5 * x * (1.0 + at::erf(x / std::sqrt(2.0)));
  if (name == "gelu_new") return 0.5 * x * (1.0 + at::tanh(std::sqrt(2.0 / M_PI) * (x + 0.044715 * x.pow(3))));
  if (name == "relu") return at::clamp_min(x, 0.0);
  throw std::runtime_error("reference: activation " + name);
}

// q, k, v: [heads, L, d]. Causal softmax attention; returns [L, heads * d].
at::Tensor causal_attention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, double scale) {
  const int64_t length = q.size(1);
  at::Tensor scores = at::matmul(q, k.transpose(1, 2)) * scale;
  for (int64_t i = 0; i < length; ++i)
    for (int64_t j = i + 1; j < length; ++j) scores.select(1, i).select(1, j).fill_(-INFINITY);
  at::Tensor output = at::matmul(at::softmax(scores, -1), v);  // [heads, L, d]
  return output.transpose(0, 1).reshape({length, q.size(0) * q.size(2)});
}

at::Tensor gpt2_hidden(const TinyGpt& m, const std::vector<int32_t>& tokens, int64_t position_start) {
  const json& c = m.config;
  const int64_t length = static_cast<int64_t>(tokens.size());
  const int64_t hidden = c["n_embd"], heads = c["n_head"], layers = c["n_layer"];
  const int64_t d = hidden / heads;
  const double eps = config_number(c, {"layer_norm_epsilon"}, 1e-5);
  const std::string act = json_has(c, "activation_function") ? c["activation_function"].get<std::string>() : "gelu_new";
  const bool scale_weights = c.value("scale_attn_weights", true);
  const bool by_layer = c.value("scale_attn_by_inverse_layer_idx", false);
  const std::string& p = m.prefix;
  at::Tensor wte = weight(m, p + "wte.weight"), wpe = weight(m, p + "wpe.weight");
  at::Tensor x = at::zeros({length, hidden}, at::kDouble);
  for (int64_t t = 0; t < length; ++t) x[t] = wte[tokens[static_cast<size_t>(t)]] + wpe[position_start + t];
  for (int64_t i = 0; i < layers; ++i) {
    const std::string l = p + "h." + std::to_string(i) + ".";
    at::Tensor h = layer_norm(x, m, l + "ln_1", eps);
    at::Tensor qkv = at::matmul(h, weight(m, l + "attn.c_attn.weight")) + weight(m, l + "attn.c_attn.bias");
    auto split = [&](int64_t part) {
      return qkv.slice(1, part * hidden, (part + 1) * hidden).reshape({length, heads, d}).transpose(0, 1);
    };
    double scale = scale_weights ? 1.0 / std::sqrt(static_cast<double>(d)) : 1.0;
    if (by_layer) scale /= static_cast<double>(i + 1);
    at::Tensor attn = causal_attention(split(0), split(1), split(2), scale);
    x = x + at::matmul(attn, weight(m, l + "attn.c_proj.weight")) + weight(m, l + "attn.c_proj.bias");
    h = layer_norm(x, m, l + "ln_2", eps);
    h = activation(at::matmul(h, weight(m, l + "mlp.c_fc.weight")) + weight(m, l + "mlp.c_fc.bias"), act);
    x = x + at::matmul(h, weight(m, l + "mlp.c_proj.weight")) + weight(m, l + "mlp.c_proj.bias");
  }
  return layer_norm(x, m, p + "ln_f", eps);
}

// Rotary on the first `rotary` dims of x [heads, L, d] (rotate_half convention), positions from start.
at::Tensor rotary(const at::Tensor& x, int64_t rotary_dims, double theta, int64_t position_start) {
  if (rotary_dims == 0) return x;
  at::Tensor out = x.clone();
  const int64_t half = rotary_dims / 2;
  for (int64_t t = 0; t < x.size(1); ++t) {
    for (int64_t j = 0; j < half; ++j) {
      const double inv_freq = 1.0 / std::pow(theta, static_cast<double>(2 * j) / static_cast<double>(rotary_dims));
      const double angle = static_cast<double>(position_start + t) * inv_freq;
      at::Tensor a = x.select(1, t).select(1, j), b = x.select(1, t).select(1, j + half);
      out.select(1, t).select(1, j).copy_(a * std::cos(angle) - b * std::sin(angle));
      out.select(1, t).select(1, j + half).copy_(b * std::cos(angle) + a * std::sin(angle));
    }
  }
  return out;
}

at::Tensor neox_hidden(const TinyGpt& m, const std::vector<int32_t>& tokens, int64_t position_start) {
  const json& c = m.config;
  const int64_t length = static_cast<int64_t>(tokens.size());
  const int64_t hidden = c["hidden_size"], heads = c["num_attention_heads"], layers = c["num_hidden_layers"];
  const int64_t d = hidden / heads;
  const double eps = config_number(c, {"layer_norm_eps"}, 1e-5);
  const std::string act = json_has(c, "hidden_act") ? c["hidden_act"].get<std::string>() : "gelu";
  json rope = json_has(c, "rope_parameters") ? c["rope_parameters"] : json::object();
  const double theta = config_number(rope, {"rope_theta"}, config_number(c, {"rotary_emb_base", "rope_theta"}, 10000.0));
  const double fraction =
      config_number(rope, {"partial_rotary_factor"}, config_number(c, {"rotary_pct", "partial_rotary_factor"}, 0.25));
  const int64_t rotary_dims = static_cast<int64_t>(static_cast<double>(d) * fraction);
  const bool parallel = c.value("use_parallel_residual", true);
  const bool bias = c.value("attention_bias", true);
  const std::string& p = m.prefix;
  at::Tensor embed = weight(m, p + "embed_in.weight");
  at::Tensor x = at::zeros({length, hidden}, at::kDouble);
  for (int64_t t = 0; t < length; ++t) x[t] = embed[tokens[static_cast<size_t>(t)]];
  auto linear = [&](const at::Tensor& input, const std::string& name, bool with_bias) {
    at::Tensor out = at::matmul(input, weight(m, name + ".weight").t());
    return with_bias ? out + weight(m, name + ".bias") : out;
  };
  for (int64_t i = 0; i < layers; ++i) {
    const std::string l = p + "layers." + std::to_string(i) + ".";
    at::Tensor qkv = linear(layer_norm(x, m, l + "input_layernorm", eps), l + "attention.query_key_value", bias)
                         .reshape({length, heads, 3 * d})
                         .transpose(0, 1);  // [heads, L, 3d]: per head q | k | v
    at::Tensor q = rotary(qkv.slice(2, 0, d), rotary_dims, theta, position_start);
    at::Tensor k = rotary(qkv.slice(2, d, 2 * d), rotary_dims, theta, position_start);
    at::Tensor attn = linear(causal_attention(q, k, qkv.slice(2, 2 * d), 1.0 / std::sqrt(static_cast<double>(d))),
                             l + "attention.dense", bias);
    auto mlp = [&](const at::Tensor& input) {
      return linear(activation(linear(input, l + "mlp.dense_h_to_4h", true), act), l + "mlp.dense_4h_to_h", true);
    };
    if (parallel) {
      x = x + attn + mlp(layer_norm(x, m, l + "post_attention_layernorm", eps));
    } else {
      x = x + attn;
      x = x + mlp(layer_norm(x, m, l + "post_attention_layernorm", eps));
    }
  }
  return layer_norm(x, m, p + "final_layer_norm", eps);
}

at::Tensor final_hidden(const TinyGpt& m, const std::vector<int32_t>& tokens, int64_t position_start) {
  return m.family == Family::Gpt2 ? gpt2_hidden(m, tokens, position_start) : neox_hidden(m, tokens, position_start);
}

std::vector<double> to_vector(const at::Tensor& t) {
  at::Tensor c = t.contiguous();
  return std::vector<double>(c.data_ptr<double>(), c.data_ptr<double>() + c.numel());
}

}  // namespace

TinyGpt write_tiny_gpt(const std::string& folder, const TinyGptSpec& spec) {
  TinyGpt model;
  model.folder = folder;
  model.family = spec.family;
  model.config = spec.family == Family::Gpt2 ? gpt2_config(spec) : neox_config(spec);
  model.config.update(spec.extra_config);
  model.prefix = spec.weight_prefix == "default" ? (spec.family == Family::Gpt2 ? "transformer." : "gpt_neox.")
                                                 : spec.weight_prefix;
  WeightMaker make(model, spec.storage_dtype, spec.seed);
  if (spec.family == Family::Gpt2) gpt2_weights(make, spec, model.prefix);
  else neox_weights(make, spec, model.prefix);
  std::map<std::string, RawTensor> tensors;
  for (const auto& [name, entry] : model.weights) tensors[name] = make_tensor(spec.storage_dtype, entry.first, entry.second);
  write_safetensors(folder + "/model.safetensors", tensors, {{"format", "pt"}});
  std::ofstream(folder + "/config.json") << model.config.dump(2);
  return model;
}

std::vector<double> reference_gpt_score(const TinyGpt& model, const std::vector<int32_t>& tokens,
                                        int64_t position_start, int64_t pool_index) {
  at::Tensor hidden = final_hidden(model, tokens, position_start);
  if (model.family == Family::OpenAssistant) {
    const bool mean = model.config.value("pooling", "last") == "mean";
    at::Tensor pooled = mean ? hidden.mean(0) : hidden[hidden.size(0) - 1];
    return to_vector(at::matmul(weight(model, "out_proj.weight"), pooled) + weight(model, "out_proj.bias"));
  }
  return to_vector(at::matmul(weight(model, "score.weight"), hidden[pool_index]));
}

std::vector<double> reference_gpt_log_probs(const TinyGpt& model, const std::vector<int32_t>& tokens,
                                            int64_t position_start) {
  at::Tensor hidden = final_hidden(model, tokens, position_start);
  at::Tensor head;
  if (model.family == Family::Gpt2) {
    head = model.config.value("tie_word_embeddings", true) ? weight(model, model.prefix + "wte.weight")
                                                            : weight(model, "lm_head.weight");
  } else {
    head = model.config.value("tie_word_embeddings", false) ? weight(model, model.prefix + "embed_in.weight")
                                                             : weight(model, "embed_out.weight");
  }
  at::Tensor log_probs = at::log_softmax(at::matmul(hidden, head.t()), -1);
  std::vector<double> result;
  for (size_t t = 0; t + 1 < tokens.size(); ++t)
    result.push_back(log_probs[static_cast<int64_t>(t)][tokens[t + 1]].item<double>());
  return result;
}

}  // namespace rb::testing::gpt
