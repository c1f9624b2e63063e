#pragma once
// Test-only writer of safetensors files and tiny random Hugging Face model folders
// (config.json + model.safetensors). Written from the format description, independent of the
// reader under test. Torch-free.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace rb::testing {

struct RawTensor {
  std::string dtype;           // "F32", "BF16", "F16" or anything else (raw bytes are written)
  std::vector<int64_t> shape;
  std::vector<uint8_t> bytes;
};

// Writes tensors in map order; `padding` extra zero bytes go between header and data (still valid).
void write_safetensors(const std::string& path, const std::map<std::string, RawTensor>& tensors,
                       const std::map<std::string, std::string>& metadata = {});
// Writes a file with an arbitrary header text and data bytes (for malformed-input tests).
void write_raw_safetensors(const std::string& path, const std::string& header, const std::vector<uint8_t>& data);

uint16_t float_to_bf16_bits(float value);  // round to nearest even
float bf16_bits_to_float(uint16_t bits);
uint16_t float_to_f16_bits(float value);    // round to nearest even, normal range only
float f16_bits_to_float(uint16_t bits);
RawTensor make_tensor(const std::string& dtype, const std::vector<int64_t>& shape, const std::vector<float>& values);

struct TinyModelSpec {
  std::string architecture = "LlamaForSequenceClassification";
  std::string model_type = "llama";
  int64_t hidden = 32;
  int64_t intermediate = 48;
  int64_t layers = 2;
  int64_t heads = 4;
  int64_t kv_heads = 4;
  int64_t head_dim = 0;  // 0: not written (hidden / heads)
  int64_t vocab = 64;
  int64_t num_labels = 1;
  bool qkv_bias = false;  // weights written for q/k/v bias
  bool o_bias = false;
  bool mlp_bias = false;
  bool qk_norm = false;
  std::string storage_dtype = "F32";
  // Head: "score" (sequence classifier), "lm_head" (causal LM, own weight), "tied" (causal LM
  // reading embed_tokens: no head weight written), "none" (backbone only: tests add their own head).
  std::string head = "score";
  bool gemma_norms = false;  // Gemma: pre/post_feedforward_layernorm, norm weights around 0 ((1 + w) scaling)
  bool gemma_centred = false;  // norm weights around 0 without the sandwich norms (Gemma 1)
  // Norm parameters: "rms" (weight), "layernorm" (weight and bias), "none" (OLMo: no tensors).
  std::string norms = "rms";
  // Which per-layer norms exist: "pre" (input + post_attention; Sandwich adds two with
  // gemma_norms), "post" (OLMo-2: post_attention + post_feedforward), "parallel" (input only).
  std::string placement = "pre";
  bool plain_mlp = false;  // Starcoder2: mlp.c_fc / mlp.c_proj instead of gate/up/down
  // With qk_norm: "per_head" (q_norm/k_norm [head_dim]), "full_width" (OLMo-2: [heads * head_dim]),
  // "per_head_layernorm" (StableLM: q_layernorm.norms.<h>.weight per head).
  std::string qk_norm_kind = "per_head";
  // Sparse MoE (experts > 0): "mixtral" (block_sparse_moe.experts.<e>.w1/w2/w3), "qwen2_moe"
  // (mlp.experts.<e>.gate_proj/..., a shared expert and its gate) or "fused" (transformers 5:
  // mlp.experts.gate_up_proj / down_proj). Layers in `dense_layers` keep a gated MLP.
  int64_t experts = 0;
  int64_t expert_intermediate = 16;
  int64_t shared_intermediate = 0;
  std::string moe_names = "mixtral";
  std::vector<int64_t> dense_layers;
  // "internlm2": the weights under InternLM2's names, q/k/v fused into attention.wqkv per kv head.
  std::string naming = "llama";
  uint32_t seed = 1;
  nlohmann::json extra_config = nlohmann::json::object();  // merged into config.json last
};

struct TinyModel {
  std::string folder;
  nlohmann::json config;
  // Weights as float values exactly representable in the stored dtype.
  std::map<std::string, std::pair<std::vector<int64_t>, std::vector<float>>> weights;
};

TinyModel write_tiny_model(const std::string& folder, const TinyModelSpec& spec);

// Presets for the four architectures (GQA, biases, q/k norm as each has them).
TinyModelSpec llama_spec();
TinyModelSpec mistral_spec();
TinyModelSpec qwen2_spec();
TinyModelSpec qwen3_spec();
// Gemma-2 (soft-capping small enough to bind, alternating windows) and Gemma-3 text (q/k norm,
// sliding_window_pattern, local rope base), both sequence classifiers.
TinyModelSpec gemma2_spec();
TinyModelSpec gemma3_spec();
// Issue 14's families: Gemma 1, StableLM (sequential with q/k/v bias; parallel with per-head q/k
// LayerNorm), Starcoder2 (LayerNorm, plain MLP, biases, window), OLMo (no-parameter LayerNorm,
// clip_qkv), OLMo-2 (post norms, full-width q/k norm).
TinyModelSpec gemma_spec();
TinyModelSpec stablelm_spec();
TinyModelSpec stablelm_parallel_spec();
TinyModelSpec starcoder2_spec();
TinyModelSpec olmo_spec();
TinyModelSpec olmo2_spec();
// Mixtral (4 experts, top 2, original and transformers-5 names) and Qwen2-MoE (shared expert,
// no top-k renormalisation, a dense first layer).
TinyModelSpec mixtral_spec();
TinyModelSpec mixtral_fused_spec();
TinyModelSpec qwen2_moe_spec();
// OLMoE (full-width q/k RMSNorms, then clip_qkv; 6 experts, top 3, not renormalised; no shared expert).
TinyModelSpec olmoe_spec();
// MiniCPM (scale_emb, scale_depth, dim_model_base) and InternLM2 (causal LM, fused wqkv, GQA, bias).
TinyModelSpec minicpm_spec();
TinyModelSpec internlm2_causal_spec();
// The same network as `spec` as a *ForCausalLM (class name and head kind changed).
TinyModelSpec as_causal_lm(TinyModelSpec spec, bool tied);

// A fresh empty directory under the build tree.
std::string scratch_dir(const std::string& name);

}  // namespace rb::testing
