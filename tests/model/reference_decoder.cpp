#include "reference_decoder.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <tuple>

namespace rb::testing {
namespace {

using Json = nlohmann::json;

torch::Tensor weight(const TinyModel& model, const std::string& name) {
  const auto& entry = model.weights.at(name);
  return torch::tensor(std::vector<double>(entry.second.begin(), entry.second.end()), torch::kDouble)
      .reshape(entry.first);
}

bool has(const TinyModel& model, const std::string& name) { return model.weights.count(name) != 0; }

// y = x W^T (+ b)
torch::Tensor affine(const TinyModel& model, const std::string& name, const torch::Tensor& x) {
  torch::Tensor y = torch::matmul(x, weight(model, name + ".weight").t());
  if (has(model, name + ".bias")) y = y + weight(model, name + ".bias");
  return y;
}

// Normalises each row (last dimension) to unit root-mean-square, then scales elementwise.
torch::Tensor rms(const torch::Tensor& x, const torch::Tensor& gain, double eps) {
  torch::Tensor mean_square = (x * x).sum(-1, true) / static_cast<double>(x.size(-1));
  return x / torch::sqrt(mean_square + eps) * gain;
}

const Json& rope_dict(const Json& config) {
  static const Json empty = Json::object();
  if (config.contains("rope_parameters")) return config["rope_parameters"];
  if (config.contains("rope_scaling") && !config["rope_scaling"].is_null()) return config["rope_scaling"];
  return empty;
}

// Rotates pairs (i, i + D/2) of every row by angle position * inv_freq[i].
torch::Tensor rotate(const torch::Tensor& x, const std::vector<double>& inv_freq, int64_t position_start) {
  torch::Tensor out = x.clone();
  const int64_t half = x.size(-1) / 2;
  auto in_acc = x.accessor<double, 3>();    // [L, heads, D]
  auto out_acc = out.accessor<double, 3>();
  for (int64_t t = 0; t < x.size(0); ++t) {
    for (int64_t h = 0; h < x.size(1); ++h) {
      for (int64_t i = 0; i < half; ++i) {
        const double angle = static_cast<double>(position_start + t) * inv_freq[static_cast<size_t>(i)];
        const double a = in_acc[t][h][i], b = in_acc[t][h][i + half];
        out_acc[t][h][i] = a * std::cos(angle) - b * std::sin(angle);
        out_acc[t][h][i + half] = b * std::cos(angle) + a * std::sin(angle);
      }
    }
  }
  return out;
}

bool is_gemma(const Json& config) { return config.value("model_type", "").rfind("gemma", 0) == 0; }

// Gemma-2: even layers slide; Gemma-3: all but every sliding_window_pattern-th; layer_types wins.
bool gemma_layer_slides(const Json& config, int64_t layer) {
  if (config.contains("layer_types")) return config["layer_types"][static_cast<size_t>(layer)] == "sliding_attention";
  const int64_t pattern = config.value("model_type", "") == "gemma2" ? 2 : config.value("sliding_window_pattern", 6);
  return (layer + 1) % pattern != 0;
}

double number_or(const Json& config, const std::string& key, double fallback) {
  return config.contains(key) && !config[key].is_null() ? config[key].get<double>() : fallback;
}

int64_t layer_window(const Json& config, int64_t layer) {
  const std::string type = config.value("model_type", "");
  const bool has_window = config.contains("sliding_window") && !config["sliding_window"].is_null();
  if (!has_window) return 0;
  if (is_gemma(config)) return gemma_layer_slides(config, layer) ? config["sliding_window"].get<int64_t>() : 0;
  if (type == "mistral" || type == "starcoder2") return config["sliding_window"].get<int64_t>();
  if ((type == "qwen2" || type == "qwen3") && config.value("use_sliding_window", false) &&
      layer >= config.value("max_window_layers", 28))
    return config["sliding_window"].get<int64_t>();
  return 0;
}

}  // namespace

std::vector<double> reference_inv_freq(const Json& config, int64_t head_dim) {
  const Json& rope = rope_dict(config);
  const double theta = rope.contains("rope_theta") ? rope["rope_theta"].get<double>() : config.value("rope_theta", 10000.0);
  const std::string type = rope.value("rope_type", rope.value("type", std::string("default")));
  std::vector<double> inv_freq;
  for (int64_t i = 0; i < head_dim / 2; ++i) {
    double frequency = 1.0 / std::pow(theta, 2.0 * static_cast<double>(i) / static_cast<double>(head_dim));
    if (type == "linear") frequency /= rope["factor"].get<double>();
    if (type == "llama3") {
      const double factor = rope["factor"].get<double>();
      const double low = rope["low_freq_factor"].get<double>(), high = rope["high_freq_factor"].get<double>();
      const double context = rope["original_max_position_embeddings"].get<double>();
      const double wavelength = 2 * 3.141592653589793 / frequency;
      if (wavelength > context / low) {
        frequency /= factor;  // long wavelengths: fully interpolated
      } else if (wavelength >= context / high) {
        const double blend = (context / wavelength - low) / (high - low);
        frequency = (1 - blend) * frequency / factor + blend * frequency;
      }
    }
    inv_freq.push_back(frequency);
  }
  return inv_freq;
}

namespace {

// Standardises each row (last dimension) to zero mean and unit variance (biased variance).
torch::Tensor standardise(const torch::Tensor& x, double eps) {
  torch::Tensor centred = x - x.mean(-1, true);
  torch::Tensor variance = (centred * centred).sum(-1, true) / static_cast<double>(x.size(-1));
  return centred / torch::sqrt(variance + eps);
}

std::string model_type(const Json& config) { return config.value("model_type", ""); }

// Each family's norm of a row: RMS scaled by w (Llama, OLMo-2) or by 1 + w (Gemma), LayerNorm
// with weight and bias (StableLM, Starcoder2), or LayerNorm without parameters (OLMo).
struct RowNorm {
  std::string kind = "rms";  // rms, rms_one_plus, layernorm, layernorm_plain
  double eps = 1e-6;
};

RowNorm row_norm(const Json& config) {
  const std::string type = model_type(config);
  if (is_gemma(config)) return {"rms_one_plus", number_or(config, "rms_norm_eps", 1e-6)};
  if (type == "stablelm") return {"layernorm", number_or(config, "layer_norm_eps", 1e-5)};
  if (type == "starcoder2") return {"layernorm", number_or(config, "norm_epsilon", 1e-5)};
  if (type == "olmo") return {"layernorm_plain", 1e-5};
  if (type == "olmo2" || type == "olmoe") return {"rms", number_or(config, "rms_norm_eps", 1e-5)};
  return {"rms", number_or(config, "rms_norm_eps", 1e-6)};
}

// `name` is the norm's tensor prefix ("model.norm"); OLMo's norms have no tensors.
torch::Tensor norm(const TinyModel& model, const std::string& name, const torch::Tensor& x) {
  const RowNorm how = row_norm(model.config);
  if (how.kind == "layernorm_plain") return standardise(x, how.eps);
  const torch::Tensor gain = weight(model, name + ".weight");
  if (how.kind == "layernorm") return standardise(x, how.eps) * gain + weight(model, name + ".bias");
  return rms(x, how.kind == "rms_one_plus" ? gain + 1.0 : gain, how.eps);
}

// How many leading dims of each head RoPE turns (StableLM: a fraction of them).
int64_t rotary_dims(const Json& config, int64_t head_dim) {
  double fraction = number_or(config, "partial_rotary_factor", 1.0);
  const Json& rope = rope_dict(config);
  if (rope.contains("partial_rotary_factor")) fraction = rope["partial_rotary_factor"].get<double>();
  return static_cast<int64_t>(static_cast<double>(head_dim) * fraction);
}

torch::Tensor rotate_leading(const torch::Tensor& x, int64_t dims, const std::vector<double>& inv_freq,
                             int64_t position_start) {
  if (dims == x.size(-1)) return rotate(x, inv_freq, position_start);
  return torch::cat({rotate(x.slice(-1, 0, dims).contiguous(), inv_freq, position_start), x.slice(-1, dims)}, -1);
}

// q or k [L, heads, head_dim] through the family's q/k norm, if it has one.
torch::Tensor qk_normed(const TinyModel& model, const std::string& p, const std::string& which, torch::Tensor x) {
  const std::string name = p + "self_attn." + which + "_norm.weight";
  if (has(model, name)) {
    const torch::Tensor gain = weight(model, name);
    const RowNorm how = row_norm(model.config);
    const auto shape = x.sizes().vec();
    if (gain.size(0) == x.size(2))  // one weight shared by the heads (Qwen3, Gemma-3)
      return rms(x, how.kind == "rms_one_plus" ? gain + 1.0 : gain, how.eps);
    return rms(x.reshape({x.size(0), -1}), gain, how.eps).reshape(shape);  // OLMo-2: the whole projection
  }
  const std::string per_head = p + "self_attn." + which + "_layernorm.norms.";
  if (has(model, per_head + "0.weight")) {  // StableLM: a LayerNorm (no bias) of its own per head
    std::vector<torch::Tensor> heads;
    for (int64_t h = 0; h < x.size(1); ++h)
      heads.push_back(standardise(x.select(1, h), row_norm(model.config).eps) *
                      weight(model, per_head + std::to_string(h) + ".weight"));
    return torch::stack(heads, 1);
  }
  return x;
}

torch::Tensor activation(const Json& config, const torch::Tensor& x) {
  std::string name = config.value("hidden_act", "silu");
  if (config.contains("hidden_activation") && !config["hidden_activation"].is_null())
    name = config["hidden_activation"].get<std::string>();
  if (name == "gelu_pytorch_tanh")
    return 0.5 * x * (1 + torch::tanh(std::sqrt(2.0 / 3.141592653589793) * (x + 0.044715 * x * x * x)));
  if (name == "gelu") return 0.5 * x * (1 + torch::erf(x / std::sqrt(2.0)));
  return x / (1 + torch::exp(-x));
}

torch::Tensor gated(const Json& config, const torch::Tensor& x, const torch::Tensor& gate, const torch::Tensor& up,
                    const torch::Tensor& down) {
  return torch::matmul(activation(config, torch::matmul(x, gate.t())) * torch::matmul(x, up.t()), down.t());
}

// Each token: softmax over the router's logits, its num_experts_per_tok most probable experts
// (their probabilities renormalised to sum 1 for Mixtral, or when norm_topk_prob), the weighted
// sum of those experts' gated MLPs; Qwen2-MoE adds sigmoid(gate . x) times a shared expert.
torch::Tensor mixture_of_experts(const TinyModel& model, const std::string& block, const torch::Tensor& x) {
  const Json& config = model.config;
  const torch::Tensor router = weight(model, block + "gate.weight");
  const int64_t experts = router.size(0), top_k = config.value("num_experts_per_tok", 2);
  const bool renormalise = model_type(config) == "mixtral" || config.value("norm_topk_prob", false);
  auto expert_weights = [&](int64_t e) {
    const std::string at = block + "experts." + std::to_string(e) + ".";
    if (has(model, block + "experts.gate_up_proj")) {
      const torch::Tensor gate_up = weight(model, block + "experts.gate_up_proj")[e];
      const int64_t inner = gate_up.size(0) / 2;
      return std::make_tuple(gate_up.slice(0, 0, inner), gate_up.slice(0, inner), weight(model, block + "experts.down_proj")[e]);
    }
    if (has(model, at + "w1.weight"))
      return std::make_tuple(weight(model, at + "w1.weight"), weight(model, at + "w3.weight"), weight(model, at + "w2.weight"));
    return std::make_tuple(weight(model, at + "gate_proj.weight"), weight(model, at + "up_proj.weight"),
                           weight(model, at + "down_proj.weight"));
  };
  const torch::Tensor probabilities = torch::softmax(torch::matmul(x, router.t()), -1);
  torch::Tensor out = torch::zeros_like(x);
  for (int64_t t = 0; t < x.size(0); ++t) {
    std::vector<std::pair<double, int64_t>> ranked;
    for (int64_t e = 0; e < experts; ++e) ranked.emplace_back(probabilities[t][e].item<double>(), e);
    std::sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    double total = 0;
    for (int64_t k = 0; k < top_k; ++k) total += ranked[static_cast<size_t>(k)].first;
    for (int64_t k = 0; k < top_k; ++k) {
      const auto [probability, e] = ranked[static_cast<size_t>(k)];
      const auto [gate, up, down] = expert_weights(e);
      out[t] += gated(config, x[t].unsqueeze(0), gate, up, down)[0] * (renormalise ? probability / total : probability);
    }
  }
  if (has(model, block + "shared_expert_gate.weight")) {
    const torch::Tensor share = torch::sigmoid(torch::matmul(x, weight(model, block + "shared_expert_gate.weight").t()));
    out += share * gated(config, x, weight(model, block + "shared_expert.gate_proj.weight"),
                         weight(model, block + "shared_expert.up_proj.weight"),
                         weight(model, block + "shared_expert.down_proj.weight"));
  }
  return out;
}

// InternLM2's checkpoint under Llama's names: wqkv's rows come per kv head h as `groups` query
// heads (h * groups + s), then h's key head, then h's value head, head_dim rows each.
TinyModel with_llama_names(const TinyModel& model) {
  if (model_type(model.config) != "internlm2") return model;
  const Json& config = model.config;
  const int64_t heads = config["num_attention_heads"], kv_heads = config["num_key_value_heads"];
  const int64_t hidden = config["hidden_size"], head_dim = hidden / heads, groups = heads / kv_heads;
  const std::vector<std::pair<std::string, std::string>> renames = {
      {"model.tok_embeddings.", "model.embed_tokens."}, {"output.weight", "lm_head.weight"},
      {".attention_norm.", ".input_layernorm."},        {".ffn_norm.", ".post_attention_layernorm."},
      {".attention.wo.", ".self_attn.o_proj."},          {".feed_forward.w1.", ".mlp.gate_proj."},
      {".feed_forward.w3.", ".mlp.up_proj."},            {".feed_forward.w2.", ".mlp.down_proj."}};
  TinyModel renamed = model;
  renamed.weights.clear();
  for (const auto& [name, tensor] : model.weights) {
    const size_t fused = name.find(".attention.wqkv.");
    if (fused != std::string::npos) {
      const std::string layer = name.substr(0, fused + 1), suffix = name.substr(fused + 16);  // "weight" / "bias"
      const int64_t width = suffix == "weight" ? hidden : 1;
      std::vector<float> q, k, v;
      for (int64_t h = 0; h < kv_heads; ++h)
        for (int64_t slot = 0; slot < groups + 2; ++slot) {
          const auto begin = tensor.second.begin() + ((h * (groups + 2) + slot) * head_dim) * width;
          std::vector<float>& target = slot < groups ? q : slot == groups ? k : v;
          target.insert(target.end(), begin, begin + head_dim * width);
        }
      auto shape = [&](int64_t rows) {
        return suffix == "weight" ? std::vector<int64_t>{rows, hidden} : std::vector<int64_t>{rows};
      };
      renamed.weights[layer + "self_attn.q_proj." + suffix] = {shape(heads * head_dim), q};
      renamed.weights[layer + "self_attn.k_proj." + suffix] = {shape(kv_heads * head_dim), k};
      renamed.weights[layer + "self_attn.v_proj." + suffix] = {shape(kv_heads * head_dim), v};
      continue;
    }
    std::string target = name;
    for (const auto& [from, to] : renames)
      if (const size_t at = target.find(from); at != std::string::npos) target.replace(at, from.size(), to);
    renamed.weights[target] = tensor;
  }
  return renamed;
}

// Final-normed hidden states [L, hidden] of one sequence.
torch::Tensor reference_hidden(const TinyModel& model, const std::vector<int32_t>& tokens, int64_t position_start) {
  const Json& config = model.config;
  const bool gemma = is_gemma(config);
  const int64_t hidden = config["hidden_size"], heads = config["num_attention_heads"];
  const int64_t kv_heads = config["num_key_value_heads"], layers = config["num_hidden_layers"];
  const int64_t head_dim = config.contains("head_dim") ? config["head_dim"].get<int64_t>() : hidden / heads;
  const std::string type = model_type(config);
  const int64_t rotary = rotary_dims(config, head_dim);
  const std::vector<double> inv_freq = reference_inv_freq(config, rotary);
  std::vector<double> local_inv_freq = inv_freq;  // Gemma-3 sliding layers: plain rope, local base
  if (config.contains("rope_local_base_freq"))
    local_inv_freq = reference_inv_freq(Json{{"rope_theta", config["rope_local_base_freq"]}}, head_dim);
  const bool pre_attn_scalar = type == "gemma2" || type == "gemma3_text";
  const double scale = pre_attn_scalar ? 1.0 / std::sqrt(number_or(config, "query_pre_attn_scalar", 256.0))
                                       : 1.0 / std::sqrt(static_cast<double>(head_dim));
  const double clip = number_or(config, "clip_qkv", 0.0);  // OLMo, OLMoE: after OLMoE's q/k norms
  const bool post_norms = type == "olmo2";
  const bool parallel = type == "stablelm" && config.value("use_parallel_residual", false);
  auto clipped = [&](const torch::Tensor& y) { return clip > 0 ? y.clamp(-clip, clip) : y; };
  // transformers applies the attention soft-cap in Gemma-2 only (Gemma-3 never passes it on).
  // Gemma2Config's default is 50 when the key is absent; null switches it off.
  double cap = 0.0;
  if (config.value("model_type", "") == "gemma2")
    cap = !config.contains("attn_logit_softcapping") ? 50.0 : number_or(config, "attn_logit_softcapping", 0.0);
  const int64_t length = static_cast<int64_t>(tokens.size());

  torch::Tensor embed = weight(model, "model.embed_tokens.weight");
  torch::Tensor x = torch::zeros({length, hidden}, torch::kDouble);
  for (int64_t t = 0; t < length; ++t) x[t] = embed[tokens[static_cast<size_t>(t)]];
  if (gemma) x = x * std::sqrt(static_cast<double>(hidden));
  // MiniCPM: embeddings times scale_emb, block outputs times scale_depth / sqrt(layers).
  const bool minicpm = type == "minicpm";
  if (minicpm) x = x * number_or(config, "scale_emb", 1.0);
  const double depth_scale = minicpm ? number_or(config, "scale_depth", 1.0) / std::sqrt(static_cast<double>(layers)) : 1.0;

  for (int64_t layer = 0; layer < layers; ++layer) {
    const std::string p = "model.layers." + std::to_string(layer) + ".";
    torch::Tensor h = post_norms ? x : norm(model, p + "input_layernorm", x);
    torch::Tensor q = affine(model, p + "self_attn.q_proj", h).reshape({length, heads, head_dim});
    torch::Tensor k = affine(model, p + "self_attn.k_proj", h).reshape({length, kv_heads, head_dim});
    torch::Tensor v = clipped(affine(model, p + "self_attn.v_proj", h).reshape({length, kv_heads, head_dim}));
    q = clipped(qk_normed(model, p, "q", q));
    k = clipped(qk_normed(model, p, "k", k));
    const int64_t window = layer_window(config, layer);
    const bool local_rope = type == "gemma3_text" && window > 0;
    q = rotate_leading(q, rotary, local_rope ? local_inv_freq : inv_freq, position_start);
    k = rotate_leading(k, rotary, local_rope ? local_inv_freq : inv_freq, position_start);
    torch::Tensor attended = torch::zeros({length, heads * head_dim}, torch::kDouble);
    for (int64_t head = 0; head < heads; ++head) {
      const int64_t kv = head / (heads / kv_heads);
      for (int64_t i = 0; i < length; ++i) {
        std::vector<double> logits;
        std::vector<int64_t> visible;
        for (int64_t j = 0; j <= i; ++j) {
          if (window > 0 && i - j >= window) continue;
          visible.push_back(j);
          double logit = (q[i][head] * k[j][kv]).sum().item<double>() * scale;
          if (cap > 0) logit = cap * std::tanh(logit / cap);
          logits.push_back(logit);
        }
        double largest = *std::max_element(logits.begin(), logits.end()), total = 0;
        for (double& value : logits) total += (value = std::exp(value - largest));
        torch::Tensor mixed = torch::zeros({head_dim}, torch::kDouble);
        for (size_t n = 0; n < visible.size(); ++n) mixed += v[visible[n]][kv] * (logits[n] / total);
        attended[i].slice(0, head * head_dim, (head + 1) * head_dim) = mixed;
      }
    }
    torch::Tensor attention_out = affine(model, p + "self_attn.o_proj", attended);
    // Gated MLP, Starcoder2's plain one, or a sparse mixture of gated experts.
    auto mlp = [&](const torch::Tensor& g) {
      for (const char* block : {"block_sparse_moe.", "mlp."})
        if (has(model, p + block + "gate.weight")) return mixture_of_experts(model, p + block, g);
      if (has(model, p + "mlp.c_fc.weight"))
        return affine(model, p + "mlp.c_proj", activation(config, affine(model, p + "mlp.c_fc", g)));
      return affine(model, p + "mlp.down_proj",
                    activation(config, affine(model, p + "mlp.gate_proj", g)) * affine(model, p + "mlp.up_proj", g));
    };
    if (gemma && has(model, p + "pre_feedforward_layernorm.weight")) {  // Gemma-2/3: sandwich norms
      x = x + norm(model, p + "post_attention_layernorm", attention_out);
      x = x + norm(model, p + "post_feedforward_layernorm", mlp(norm(model, p + "pre_feedforward_layernorm", x)));
    } else if (post_norms) {  // OLMo-2: norms on each block's output
      x = x + norm(model, p + "post_attention_layernorm", attention_out);
      x = x + norm(model, p + "post_feedforward_layernorm", mlp(x));
    } else if (parallel) {  // StableLM: both blocks read the same normed input
      x = x + attention_out + mlp(h);
    } else {
      x = x + attention_out * depth_scale;
      x = x + mlp(norm(model, p + "post_attention_layernorm", x)) * depth_scale;
    }
  }
  return norm(model, "model.norm", x);
}

}  // namespace

std::vector<double> reference_score(const TinyModel& model, const std::vector<int32_t>& tokens,
                                    int64_t position_start, int64_t pool_index) {
  torch::NoGradGuard no_grad;
  torch::Tensor final_row = reference_hidden(with_llama_names(model), tokens, position_start)[pool_index];
  torch::Tensor scores = torch::matmul(weight(model, "score.weight"), final_row);
  return std::vector<double>(scores.data_ptr<double>(), scores.data_ptr<double>() + scores.numel());
}

std::vector<std::vector<double>> reference_hidden_states(const TinyModel& model, const std::vector<int32_t>& tokens,
                                                         int64_t position_start) {
  torch::NoGradGuard no_grad;
  torch::Tensor states = reference_hidden(with_llama_names(model), tokens, position_start).contiguous();
  std::vector<std::vector<double>> rows;
  for (int64_t t = 0; t < states.size(0); ++t)
    rows.emplace_back(states[t].data_ptr<double>(), states[t].data_ptr<double>() + states.size(1));
  return rows;
}

std::vector<double> reference_next_token_log_probs(const TinyModel& original, const std::vector<int32_t>& tokens,
                                                   int64_t position_start) {
  torch::NoGradGuard no_grad;
  const TinyModel model = with_llama_names(original);
  const Json& config = model.config;
  torch::Tensor states = reference_hidden(model, tokens, position_start);
  if (model_type(config) == "minicpm")  // MiniCPM's LM head reads hidden / (hidden_size / dim_model_base)
    states = states / (config["hidden_size"].get<double>() / number_or(config, "dim_model_base", 1.0));
  const bool tied = !has(model, "lm_head.weight");
  torch::Tensor logits = torch::matmul(states, weight(model, tied ? "model.embed_tokens.weight" : "lm_head.weight").t());
  double cap = 0.0;  // Gemma2Config: 30 when absent; Gemma3TextConfig: none; null: none
  if (is_gemma(config))
    cap = !config.contains("final_logit_softcapping") && config.value("model_type", "") == "gemma2"
              ? 30.0
              : number_or(config, "final_logit_softcapping", 0.0);
  if (cap > 0) logits = cap * torch::tanh(logits / cap);
  std::vector<double> result;
  for (size_t t = 0; t + 1 < tokens.size(); ++t) {
    torch::Tensor row = logits[static_cast<int64_t>(t)];
    const double largest = row.max().item<double>();
    const double log_total = std::log(torch::exp(row - largest).sum().item<double>()) + largest;
    result.push_back(row[tokens[t + 1]].item<double>() - log_total);
  }
  return result;
}

}  // namespace rb::testing
