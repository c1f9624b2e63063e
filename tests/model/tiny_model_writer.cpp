#include "tiny_model_writer.h"

#include <algorithm>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <stdexcept>

namespace rb::testing {
namespace {

void put_u64_le(std::ofstream& out, uint64_t value) {
  for (int i = 0; i < 8; ++i) out.put(static_cast<char>((value >> (8 * i)) & 0xff));
}

size_t element_bytes(const std::string& dtype) {
  if (dtype == "F32") return 4;
  if (dtype == "BF16" || dtype == "F16") return 2;
  throw std::runtime_error("test writer: unsupported dtype " + dtype);
}

}  // namespace

void write_raw_safetensors(const std::string& path, const std::string& header, const std::vector<uint8_t>& data) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  put_u64_le(out, header.size());
  out.write(header.data(), static_cast<std::streamsize>(header.size()));
  out.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
  if (!out) throw std::runtime_error("test writer: cannot write " + path);
}

void write_safetensors(const std::string& path, const std::map<std::string, RawTensor>& tensors,
                       const std::map<std::string, std::string>& metadata) {
  nlohmann::json header = nlohmann::json::object();
  if (!metadata.empty()) header["__metadata__"] = metadata;
  std::vector<uint8_t> data;
  for (const auto& [name, tensor] : tensors) {
    const size_t begin = data.size();
    data.insert(data.end(), tensor.bytes.begin(), tensor.bytes.end());
    header[name] = {{"dtype", tensor.dtype}, {"shape", tensor.shape}, {"data_offsets", {begin, data.size()}}};
  }
  write_raw_safetensors(path, header.dump(), data);
}

uint16_t float_to_bf16_bits(float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, 4);
  const uint32_t rounding = 0x7fff + ((bits >> 16) & 1);
  return static_cast<uint16_t>((bits + rounding) >> 16);
}

float bf16_bits_to_float(uint16_t bits) {
  uint32_t wide = static_cast<uint32_t>(bits) << 16;
  float value;
  std::memcpy(&value, &wide, 4);
  return value;
}

uint16_t float_to_f16_bits(float value) {
  // Normal numbers only (test values are in [1e-4, 1e4]); round to nearest even on the mantissa.
  uint32_t bits;
  std::memcpy(&bits, &value, 4);
  const uint32_t sign = (bits >> 16) & 0x8000;
  if ((bits & 0x7fffffff) == 0) return static_cast<uint16_t>(sign);
  int32_t exponent = static_cast<int32_t>((bits >> 23) & 0xff) - 127 + 15;
  uint32_t mantissa = bits & 0x7fffff;
  uint32_t half_mantissa = mantissa >> 13;
  const uint32_t rest = mantissa & 0x1fff;
  if (rest > 0x1000 || (rest == 0x1000 && (half_mantissa & 1))) ++half_mantissa;
  if (half_mantissa == 0x400) {
    half_mantissa = 0;
    ++exponent;
  }
  if (exponent <= 0 || exponent >= 31) throw std::runtime_error("test writer: value out of f16 normal range");
  return static_cast<uint16_t>(sign | (static_cast<uint32_t>(exponent) << 10) | half_mantissa);
}

float f16_bits_to_float(uint16_t bits) {
  const uint32_t sign = (bits & 0x8000u) << 16;
  const uint32_t exponent = (bits >> 10) & 0x1f;
  const uint32_t mantissa = bits & 0x3ff;
  if (exponent == 0 && mantissa == 0) {
    float zero;
    std::memcpy(&zero, &sign, 4);
    return zero;
  }
  const uint32_t wide = sign | ((exponent - 15 + 127) << 23) | (mantissa << 13);
  float value;
  std::memcpy(&value, &wide, 4);
  return value;
}

RawTensor make_tensor(const std::string& dtype, const std::vector<int64_t>& shape, const std::vector<float>& values) {
  RawTensor tensor{dtype, shape, {}};
  tensor.bytes.resize(values.size() * element_bytes(dtype));
  for (size_t i = 0; i < values.size(); ++i) {
    if (dtype == "F32") {
      std::memcpy(&tensor.bytes[4 * i], &values[i], 4);
    } else {
      const uint16_t bits = dtype == "BF16" ? float_to_bf16_bits(values[i]) : float_to_f16_bits(values[i]);
      tensor.bytes[2 * i] = static_cast<uint8_t>(bits & 0xff);
      tensor.bytes[2 * i + 1] = static_cast<uint8_t>(bits >> 8);
    }
  }
  return tensor;
}

namespace {

float representable(const std::string& dtype, float value) {
  if (dtype == "BF16") return bf16_bits_to_float(float_to_bf16_bits(value));
  if (dtype == "F16") return f16_bits_to_float(float_to_f16_bits(value));
  return value;
}

class WeightMaker {
 public:
  WeightMaker(TinyModel& model, const std::string& dtype, uint32_t seed) : model_(model), dtype_(dtype), rng_(seed) {}

  // Values uniform in [center - spread, center + spread], kept away from f16 subnormals.
  void add(const std::string& name, const std::vector<int64_t>& shape, float center, float spread) {
    int64_t count = 1;
    for (int64_t dim : shape) count *= dim;
    std::uniform_real_distribution<float> uniform(-spread, spread);
    std::vector<float> values(static_cast<size_t>(count));
    for (float& value : values) {
      float drawn = center + uniform(rng_);
      if (std::fabs(drawn) < 1e-3f) drawn = drawn < 0 ? -1e-3f : 1e-3f;
      value = representable(dtype_, drawn);
    }
    model_.weights[name] = {shape, values};
  }
  void linear(const std::string& name, int64_t out, int64_t in, bool bias) {
    add(name + ".weight", {out, in}, 0.0f, 1.0f / std::sqrt(static_cast<float>(in)));
    if (bias) add(name + ".bias", {out}, 0.0f, 0.2f);
  }

 private:
  TinyModel& model_;
  std::string dtype_;
  std::mt19937 rng_;
};

}  // namespace

// InternLM2's layout: per kv head h, its query heads h * groups .. then its key and value head.
void rename_for_internlm2(TinyModel& model, const TinyModelSpec& spec) {
  const int64_t head_dim = spec.head_dim > 0 ? spec.head_dim : spec.hidden / spec.heads;
  const int64_t groups = spec.heads / spec.kv_heads;
  const std::vector<std::pair<std::string, std::string>> renames = {
      {"model.embed_tokens.", "model.tok_embeddings."}, {"lm_head.weight", "output.weight"},
      {".input_layernorm.", ".attention_norm."},        {".post_attention_layernorm.", ".ffn_norm."},
      {".self_attn.o_proj.", ".attention.wo."},          {".mlp.gate_proj.", ".feed_forward.w1."},
      {".mlp.up_proj.", ".feed_forward.w3."},            {".mlp.down_proj.", ".feed_forward.w2."}};
  std::map<std::string, std::pair<std::vector<int64_t>, std::vector<float>>> renamed;
  for (auto& [name, tensor] : model.weights) {
    if (name.find(".self_attn.k_proj.") != std::string::npos || name.find(".self_attn.v_proj.") != std::string::npos)
      continue;
    const size_t q_at = name.find(".self_attn.q_proj.");
    if (q_at != std::string::npos) {
      const std::string layer = name.substr(0, q_at + 1), suffix = name.substr(q_at + 18);
      const auto& q = tensor.second;
      const auto& k = model.weights.at(layer + "self_attn.k_proj." + suffix).second;
      const auto& v = model.weights.at(layer + "self_attn.v_proj." + suffix).second;
      const int64_t width = suffix == "weight" ? spec.hidden : 1, block = head_dim * width;
      std::vector<float> fused;
      for (int64_t h = 0; h < spec.kv_heads; ++h) {
        for (int64_t g = 0; g < groups; ++g) {
          const auto begin = q.begin() + (h * groups + g) * block;
          fused.insert(fused.end(), begin, begin + block);
        }
        fused.insert(fused.end(), k.begin() + h * block, k.begin() + (h + 1) * block);
        fused.insert(fused.end(), v.begin() + h * block, v.begin() + (h + 1) * block);
      }
      const int64_t rows = spec.kv_heads * (groups + 2) * head_dim;
      renamed[layer + "attention.wqkv." + suffix] = {
          suffix == "weight" ? std::vector<int64_t>{rows, spec.hidden} : std::vector<int64_t>{rows}, fused};
      continue;
    }
    std::string target = name;
    for (const auto& [from, to] : renames)
      if (const size_t at = target.find(from); at != std::string::npos) target.replace(at, from.size(), to);
    renamed[target] = tensor;
  }
  model.weights = renamed;
}

TinyModel write_tiny_model(const std::string& folder, const TinyModelSpec& spec) {
  TinyModel model;
  model.folder = folder;
  std::filesystem::create_directories(folder);
  const int64_t head_dim = spec.head_dim > 0 ? spec.head_dim : spec.hidden / spec.heads;
  nlohmann::json config = {
      {"architectures", {spec.architecture}}, {"model_type", spec.model_type},
      {"hidden_size", spec.hidden}, {"intermediate_size", spec.intermediate},
      {"num_hidden_layers", spec.layers}, {"num_attention_heads", spec.heads},
      {"num_key_value_heads", spec.kv_heads}, {"vocab_size", spec.vocab},
      {"rms_norm_eps", 1e-6}, {"max_position_embeddings", 4096}, {"hidden_act", "silu"},
      {"bos_token_id", 1}, {"eos_token_id", 2}, {"pad_token_id", 0}, {"torch_dtype", "float32"},
      {"attention_bias", spec.o_bias || (spec.qkv_bias && spec.model_type != "qwen2")},
      {"mlp_bias", spec.mlp_bias}};
  if (spec.head_dim > 0) config["head_dim"] = spec.head_dim;
  if (spec.head == "lm_head" || spec.head == "tied") config["tie_word_embeddings"] = spec.head == "tied";
  nlohmann::json id2label = nlohmann::json::object();
  for (int64_t i = 0; i < spec.num_labels; ++i) id2label[std::to_string(i)] = "LABEL_" + std::to_string(i);
  config["id2label"] = id2label;
  config.merge_patch(spec.extra_config);
  model.config = config;
  std::ofstream(folder + "/config.json") << config.dump(2);

  WeightMaker maker(model, spec.storage_dtype, spec.seed);
  maker.add("model.embed_tokens.weight", {spec.vocab, spec.hidden}, 0.0f, 1.0f);
  const float norm_center = spec.gemma_norms || spec.gemma_centred ? 0.0f : 1.0f;  // Gemma scales by (1 + weight)
  auto norm = [&](const std::string& name, int64_t width) {
    if (spec.norms == "none") return;
    maker.add(name + ".weight", {width}, norm_center, 0.3f);
    if (spec.norms == "layernorm") maker.add(name + ".bias", {width}, 0.0f, 0.3f);
  };
  for (int64_t layer = 0; layer < spec.layers; ++layer) {
    const std::string prefix = "model.layers." + std::to_string(layer) + ".";
    if (spec.placement != "post") norm(prefix + "input_layernorm", spec.hidden);
    if (spec.placement != "parallel") norm(prefix + "post_attention_layernorm", spec.hidden);
    if (spec.gemma_norms) norm(prefix + "pre_feedforward_layernorm", spec.hidden);
    if (spec.gemma_norms || spec.placement == "post") norm(prefix + "post_feedforward_layernorm", spec.hidden);
    maker.linear(prefix + "self_attn.q_proj", spec.heads * head_dim, spec.hidden, spec.qkv_bias);
    maker.linear(prefix + "self_attn.k_proj", spec.kv_heads * head_dim, spec.hidden, spec.qkv_bias);
    maker.linear(prefix + "self_attn.v_proj", spec.kv_heads * head_dim, spec.hidden, spec.qkv_bias);
    maker.linear(prefix + "self_attn.o_proj", spec.hidden, spec.heads * head_dim, spec.o_bias);
    if (spec.qk_norm && spec.qk_norm_kind == "per_head") {
      maker.add(prefix + "self_attn.q_norm.weight", {head_dim}, norm_center, 0.3f);
      maker.add(prefix + "self_attn.k_norm.weight", {head_dim}, norm_center, 0.3f);
    } else if (spec.qk_norm && spec.qk_norm_kind == "full_width") {
      maker.add(prefix + "self_attn.q_norm.weight", {spec.heads * head_dim}, norm_center, 0.3f);
      maker.add(prefix + "self_attn.k_norm.weight", {spec.kv_heads * head_dim}, norm_center, 0.3f);
    } else if (spec.qk_norm && spec.qk_norm_kind == "per_head_layernorm") {
      for (int64_t h = 0; h < spec.heads; ++h)
        maker.add(prefix + "self_attn.q_layernorm.norms." + std::to_string(h) + ".weight", {head_dim}, 1.0f, 0.3f);
      for (int64_t h = 0; h < spec.kv_heads; ++h)
        maker.add(prefix + "self_attn.k_layernorm.norms." + std::to_string(h) + ".weight", {head_dim}, 1.0f, 0.3f);
    }
    const bool sparse = spec.experts > 0 &&
                        std::find(spec.dense_layers.begin(), spec.dense_layers.end(), layer) == spec.dense_layers.end();
    if (sparse) {
      const int64_t e_count = spec.experts, inner = spec.expert_intermediate;
      const std::string block = prefix + (spec.moe_names == "mixtral" ? "block_sparse_moe." : "mlp.");
      maker.add(block + "gate.weight", {e_count, spec.hidden}, 0.0f, 1.0f);
      if (spec.moe_names == "fused") {
        maker.add(block + "experts.gate_up_proj", {e_count, 2 * inner, spec.hidden}, 0.0f,
                  1.0f / std::sqrt(static_cast<float>(spec.hidden)));
        maker.add(block + "experts.down_proj", {e_count, spec.hidden, inner}, 0.0f,
                  1.0f / std::sqrt(static_cast<float>(inner)));
      } else {
        const bool mixtral = spec.moe_names == "mixtral";
        for (int64_t e = 0; e < e_count; ++e) {
          const std::string expert = block + "experts." + std::to_string(e) + ".";
          maker.linear(expert + (mixtral ? "w1" : "gate_proj"), inner, spec.hidden, false);
          maker.linear(expert + (mixtral ? "w3" : "up_proj"), inner, spec.hidden, false);
          maker.linear(expert + (mixtral ? "w2" : "down_proj"), spec.hidden, inner, false);
        }
      }
      if (spec.shared_intermediate > 0) {
        maker.linear(block + "shared_expert.gate_proj", spec.shared_intermediate, spec.hidden, false);
        maker.linear(block + "shared_expert.up_proj", spec.shared_intermediate, spec.hidden, false);
        maker.linear(block + "shared_expert.down_proj", spec.hidden, spec.shared_intermediate, false);
        maker.linear(block + "shared_expert_gate", 1, spec.hidden, false);
      }
    } else if (spec.plain_mlp) {
      maker.linear(prefix + "mlp.c_fc", spec.intermediate, spec.hidden, spec.mlp_bias);
      maker.linear(prefix + "mlp.c_proj", spec.hidden, spec.intermediate, spec.mlp_bias);
    } else {
      maker.linear(prefix + "mlp.gate_proj", spec.intermediate, spec.hidden, spec.mlp_bias);
      maker.linear(prefix + "mlp.up_proj", spec.intermediate, spec.hidden, spec.mlp_bias);
      maker.linear(prefix + "mlp.down_proj", spec.hidden, spec.intermediate, spec.mlp_bias);
    }
  }
  norm("model.norm", spec.hidden);
  if (spec.head == "score")
    maker.add("score.weight", {spec.num_labels, spec.hidden}, 0.0f, 1.0f / std::sqrt(static_cast<float>(spec.hidden)));
  if (spec.head == "lm_head")
    maker.add("lm_head.weight", {spec.vocab, spec.hidden}, 0.0f, 3.0f / std::sqrt(static_cast<float>(spec.hidden)));

  if (spec.naming == "internlm2") rename_for_internlm2(model, spec);
  std::map<std::string, RawTensor> tensors;
  for (const auto& [name, weight] : model.weights)
    tensors[name] = make_tensor(spec.storage_dtype, weight.first, weight.second);
  write_safetensors(folder + "/model.safetensors", tensors, {{"format", "pt"}});
  return model;
}

TinyModelSpec llama_spec() {
  TinyModelSpec spec;  // GQA, head_dim != hidden/heads, attention + MLP bias, llama3 rope scaling
  spec.kv_heads = 2;
  spec.head_dim = 16;
  spec.qkv_bias = spec.o_bias = spec.mlp_bias = true;
  spec.num_labels = 1;
  spec.extra_config = {{"rope_theta", 500000.0},
                       {"rope_scaling", {{"rope_type", "llama3"}, {"factor", 8.0}, {"low_freq_factor", 1.0},
                                         {"high_freq_factor", 4.0}, {"original_max_position_embeddings", 64}}}};
  return spec;
}

TinyModelSpec mistral_spec() {
  TinyModelSpec spec;  // GQA + a sliding window shorter than the test sequences
  spec.architecture = "MistralForSequenceClassification";
  spec.model_type = "mistral";
  spec.kv_heads = 1;
  spec.num_labels = 2;
  spec.extra_config = {{"sliding_window", 5}, {"rope_theta", 1000000.0}};
  return spec;
}

TinyModelSpec qwen2_spec() {
  TinyModelSpec spec;  // q/k/v bias, linear rope scaling, sliding window from layer 1 on
  spec.architecture = "Qwen2ForSequenceClassification";
  spec.model_type = "qwen2";
  spec.kv_heads = 2;
  spec.qkv_bias = true;
  spec.layers = 3;
  spec.extra_config = {{"rope_theta", 10000.0}, {"rope_scaling", {{"type", "linear"}, {"factor", 2.0}}},
                       {"use_sliding_window", true}, {"sliding_window", 4}, {"max_window_layers", 1}};
  return spec;
}

TinyModelSpec qwen3_spec() {
  TinyModelSpec spec;  // q/k RMSNorm, head_dim 8 with hidden 32 and 8 heads... via rope_parameters
  spec.architecture = "Qwen3ForSequenceClassification";
  spec.model_type = "qwen3";
  spec.heads = 8;
  spec.kv_heads = 2;
  spec.head_dim = 8;
  spec.hidden = 48;
  spec.qk_norm = true;
  spec.num_labels = 3;
  spec.extra_config = {{"rope_parameters", {{"rope_type", "default"}, {"rope_theta", 1000000.0}}}};
  return spec;
}

TinyModelSpec gemma2_spec() {
  TinyModelSpec spec;  // caps small enough to bind on these weights; windows 4 on even layers
  spec.architecture = "Gemma2ForSequenceClassification";
  spec.model_type = "gemma2";
  spec.kv_heads = 2;
  spec.head_dim = 16;
  spec.layers = 3;
  spec.gemma_norms = true;
  spec.num_labels = 2;
  spec.extra_config = {{"hidden_activation", "gelu_pytorch_tanh"}, {"hidden_act", "gelu_pytorch_tanh"},
                       {"query_pre_attn_scalar", 24}, {"attn_logit_softcapping", 2.0},
                       {"final_logit_softcapping", 3.0}, {"sliding_window", 4}, {"rope_theta", 10000.0}};
  return spec;
}

TinyModelSpec gemma3_spec() {
  TinyModelSpec spec;  // q/k norm, every 3rd layer full, local rope base 100, linear-scaled global rope
  spec.architecture = "Gemma3TextForSequenceClassification";
  spec.model_type = "gemma3_text";
  spec.kv_heads = 1;
  spec.head_dim = 8;
  spec.layers = 3;
  spec.qk_norm = true;
  spec.gemma_norms = true;
  spec.extra_config = {{"hidden_activation", "gelu_pytorch_tanh"}, {"query_pre_attn_scalar", 8},
                       {"attn_logit_softcapping", nullptr}, {"final_logit_softcapping", nullptr},
                       {"sliding_window", 3}, {"sliding_window_pattern", 3}, {"rope_theta", 1000000.0},
                       {"rope_local_base_freq", 100.0}, {"rope_scaling", {{"rope_type", "linear"}, {"factor", 4.0}}}};
  return spec;
}

TinyModelSpec gemma_spec() {
  TinyModelSpec spec;  // (1 + w) norms without the sandwich, scaled embeddings, head_dim 16 != 32 / 4
  spec.architecture = "GemmaForSequenceClassification";
  spec.model_type = "gemma";
  spec.kv_heads = 1;
  spec.head_dim = 16;
  spec.gemma_centred = true;
  spec.extra_config = {{"hidden_activation", "gelu_pytorch_tanh"}, {"rope_theta", 10000.0}};
  return spec;
}

TinyModelSpec stablelm_spec() {
  TinyModelSpec spec;  // LayerNorm with bias, a quarter of each head rotated, q/k/v bias
  spec.architecture = "StableLmForSequenceClassification";
  spec.model_type = "stablelm";
  spec.kv_heads = 2;
  spec.norms = "layernorm";
  spec.qkv_bias = true;
  spec.extra_config = {{"layer_norm_eps", 1e-5}, {"partial_rotary_factor", 0.25}, {"use_qkv_bias", true},
                       {"rope_theta", 10000.0}};
  return spec;
}

TinyModelSpec stablelm_parallel_spec() {
  TinyModelSpec spec = stablelm_spec();  // one input norm for both branches, per-head q/k LayerNorm
  spec.qkv_bias = false;
  spec.placement = "parallel";
  spec.qk_norm = true;
  spec.qk_norm_kind = "per_head_layernorm";
  spec.extra_config.update({{"use_qkv_bias", false}, {"qk_layernorm", true}, {"use_parallel_residual", true},
                            {"partial_rotary_factor", 0.5}});
  return spec;
}

TinyModelSpec starcoder2_spec() {
  TinyModelSpec spec;  // LayerNorm, plain gelu MLP, every bias, a window shorter than the sequences
  spec.architecture = "Starcoder2ForSequenceClassification";
  spec.model_type = "starcoder2";
  spec.kv_heads = 2;
  spec.norms = "layernorm";
  spec.plain_mlp = true;
  spec.qkv_bias = spec.o_bias = spec.mlp_bias = true;
  spec.extra_config = {{"norm_epsilon", 1e-5}, {"use_bias", true}, {"hidden_act", "gelu_pytorch_tanh"},
                       {"sliding_window", 5}, {"rope_theta", 10000.0}};
  return spec;
}

TinyModelSpec olmo_spec() {
  TinyModelSpec spec;  // no norm parameters at all; clip_qkv small enough to bind
  spec.architecture = "OlmoForSequenceClassification";
  spec.model_type = "olmo";
  spec.kv_heads = 2;
  spec.norms = "none";
  spec.extra_config = {{"clip_qkv", 0.3}, {"rope_theta", 10000.0}};
  return spec;
}

TinyModelSpec olmo2_spec() {
  TinyModelSpec spec;  // norms after attention and MLP, q/k norm over the whole projection
  spec.architecture = "Olmo2ForSequenceClassification";
  spec.model_type = "olmo2";
  spec.kv_heads = 2;
  spec.placement = "post";
  spec.qk_norm = true;
  spec.qk_norm_kind = "full_width";
  spec.extra_config = {{"rms_norm_eps", 1e-5}, {"rope_theta", 10000.0}};
  return spec;
}

TinyModelSpec mixtral_spec() {
  TinyModelSpec spec;  // 4 experts, 2 per token, routers spread wide enough that tokens differ
  spec.architecture = "MixtralForSequenceClassification";
  spec.model_type = "mixtral";
  spec.kv_heads = 2;
  spec.experts = 4;
  spec.expert_intermediate = spec.intermediate;
  spec.extra_config = {{"num_local_experts", 4}, {"num_experts_per_tok", 2}, {"rope_theta", 1000000.0},
                       {"rms_norm_eps", 1e-5}, {"sliding_window", nullptr}};
  return spec;
}

TinyModelSpec olmoe_spec() {
  TinyModelSpec spec;  // full-width q/k norms then a binding clip_qkv; 6 experts, top 3, no renormalisation
  spec.architecture = "OlmoeForSequenceClassification";
  spec.model_type = "olmoe";
  spec.kv_heads = 2;
  spec.qk_norm = true;
  spec.qk_norm_kind = "full_width";
  spec.experts = 6;
  spec.expert_intermediate = spec.intermediate;
  spec.moe_names = "qwen2_moe";
  spec.extra_config = {{"num_experts", 6}, {"num_experts_per_tok", 3}, {"norm_topk_prob", false},
                       {"clip_qkv", 0.8}, {"rms_norm_eps", 1e-5}, {"rope_theta", 10000.0}};
  return spec;
}

TinyModelSpec mixtral_fused_spec() {
  TinyModelSpec spec = mixtral_spec();  // the same network under transformers 5's fused names
  spec.moe_names = "fused";
  return spec;
}

TinyModelSpec qwen2_moe_spec() {
  TinyModelSpec spec;  // shared expert, weights not renormalised, layer 0 dense (decoder_sparse_step 2)
  spec.architecture = "Qwen2MoeForSequenceClassification";
  spec.model_type = "qwen2_moe";
  spec.kv_heads = 2;
  spec.qkv_bias = true;
  spec.experts = 4;
  spec.expert_intermediate = 12;
  spec.shared_intermediate = 20;
  spec.moe_names = "qwen2_moe";
  spec.dense_layers = {0};
  spec.extra_config = {{"num_experts", 4}, {"num_experts_per_tok", 2}, {"norm_topk_prob", false},
                       {"moe_intermediate_size", 12}, {"shared_expert_intermediate_size", 20},
                       {"decoder_sparse_step", 2}, {"mlp_only_layers", nlohmann::json::array()},
                       {"rope_theta", 1000000.0}};
  return spec;
}

TinyModelSpec minicpm_spec() {
  TinyModelSpec spec;  // the three scalings all away from 1; GQA
  spec.architecture = "MiniCPMForSequenceClassification";
  spec.model_type = "minicpm";
  spec.kv_heads = 2;
  spec.extra_config = {{"scale_emb", 12.0}, {"scale_depth", 1.4}, {"dim_model_base", 8.0}, {"rope_theta", 10000.0}};
  return spec;
}

TinyModelSpec internlm2_causal_spec() {
  TinyModelSpec spec;  // GQA (2 query heads per kv head) and biases on wqkv and wo
  spec.architecture = "InternLM2ForCausalLM";
  spec.model_type = "internlm2";
  spec.kv_heads = 2;
  spec.qkv_bias = spec.o_bias = true;
  spec.head = "lm_head";
  spec.naming = "internlm2";
  spec.extra_config = {{"bias", true}, {"rope_theta", 1000000.0},
                       {"rope_scaling", {{"type", "dynamic"}, {"factor", 2.0}}}};
  return spec;
}

TinyModelSpec as_causal_lm(TinyModelSpec spec, bool tied) {
  const std::string suffix = "ForSequenceClassification";
  std::string name = spec.architecture.substr(0, spec.architecture.size() - suffix.size());
  if (name == "Gemma3Text") name = "Gemma3";  // Gemma3ForCausalLM is the text-only causal LM
  spec.architecture = name + "ForCausalLM";
  spec.head = tied ? "tied" : "lm_head";
  return spec;
}

std::string scratch_dir(const std::string& name) {
  const std::filesystem::path path = std::filesystem::path(RB_BINARY_DIR) / "test-scratch" / name;
  std::filesystem::remove_all(path);
  std::filesystem::create_directories(path);
  return path.string();
}

}  // namespace rb::testing
