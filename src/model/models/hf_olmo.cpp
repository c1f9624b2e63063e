// OLMoForCausalLM of the original OLMo code (allenai/OLMo's hf_olmo, ai2-olmo 0.2/0.3: the
// checkpoint layout allenai/OLMo-7B-Instruct ships with trust_remote_code). Its config.json holds
// olmo.config.ModelConfig's fields (d_model, n_heads, ...) under model_type "olmo"; its class name
// (OLMo..., not transformers' Olmo...) is what tells the two apart. The network is transformers'
// OLMo (olmo.cpp) under other names:
//   model.transformer.wte                      embedding (embedding_size rows, the padded vocab)
//   model.transformer.blocks.N.att_proj        fused [q | k | v] projection
//   model.transformer.blocks.N.attn_out        attention output
//   model.transformer.blocks.N.ff_proj         fused [x | gate] projection (SwiGLU: silu(gate) * x)
//   model.transformer.blocks.N.ff_out          MLP output
//   model.transformer.ff_out                   LM head (absent when weight_tying: the embedding)
// with the parameter-free LayerNorm (eps 1e-5) before attention, MLP and the head, RoPE (base
// 10000) computed in float32 (rope_full_precision), and q, k, v clamped to +-clip_qkv when set.
// Logits cover every embedding row, as the reference's log_softmax does.
// Only the options the published OLMo checkpoints use are supported; any other value is refused
// naming the field (the other block types, ALiBi, affine or RMS norms, biases, ...).
#include <nlohmann/json.hpp>

#include "model/decoder.h"

namespace rb::model {
namespace {

// olmo.config.ModelConfig's defaults, for fields a config.json leaves out.
constexpr int64_t kDefaultMlpRatio = 4;
constexpr int64_t kDefaultMaxSequenceLength = 1024;

void require_value(const ConfigReader& config, const std::string& key, const std::string& fallback,
                   const std::vector<std::string>& supported) {
  const std::string value = config.text({key}, fallback);
  for (const std::string& allowed : supported)
    if (value == allowed) return;
  std::string list;
  for (const std::string& allowed : supported) list += (list.empty() ? "" : ", ") + allowed;
  throw config.error(key, "'" + value + "' is not supported for OLMoForCausalLM (supported: " + list + ")");
}

void require_flag(const ConfigReader& config, const std::string& key, bool fallback, bool supported) {
  if (config.flag(key, fallback) != supported)
    throw config.error(key, std::string("only ") + (supported ? "true" : "false") +
                                " is supported for OLMoForCausalLM (the published OLMo checkpoints' setting)");
}

// The config.json of the OLMo code, refused where it leaves the supported subset, as the
// transformers-OLMo config the shared decoder reads.
ConfigReader as_transformers_olmo(const ConfigReader& config) {
  require_value(config, "block_type", "sequential", {"sequential"});
  require_value(config, "activation_type", "swiglu", {"swiglu"});
  // low_precision differs from default only under autocast, which the reference does not use.
  require_value(config, "layer_norm_type", "default", {"default", "low_precision"});
  require_flag(config, "rope", false, true);
  require_flag(config, "rope_full_precision", true, true);
  require_flag(config, "alibi", false, false);
  require_flag(config, "multi_query_attention", false, false);
  require_flag(config, "attention_layer_norm", false, false);
  require_flag(config, "layer_norm_with_affine", true, false);
  require_flag(config, "include_bias", true, false);
  require_flag(config, "scale_logits", false, false);
  if (config.integer({"block_group_size"}, 1) != 1) throw config.error("block_group_size", "only 1 is supported");
  if (config.has("n_kv_heads") && config.integer({"n_kv_heads"}, 0) != config.integer({"n_heads"}, 12))
    throw config.error("n_kv_heads", "grouped-query OLMo checkpoints are not supported");

  const int64_t d_model = config.positive_integer({"d_model"}, std::nullopt);
  const int64_t ff_width = config.has("mlp_hidden_size") ? config.positive_integer({"mlp_hidden_size"}, std::nullopt)
                                                         : config.integer({"mlp_ratio"}, kDefaultMlpRatio) * d_model;
  if (ff_width % 2 != 0) throw config.error("mlp_hidden_size", "must be even (SwiGLU halves it)");
  const int64_t vocab = config.positive_integer({"vocab_size"}, std::nullopt);
  const int64_t rows = config.has("embedding_size") ? config.positive_integer({"embedding_size"}, std::nullopt) : vocab;
  if (rows < vocab) throw config.error("embedding_size", "is smaller than vocab_size");

  const CommonConfig common = config.common();
  nlohmann::json out = {
      {"model_type", "olmo"},
      {"architectures", common.architectures},
      {"hidden_size", d_model},
      {"intermediate_size", ff_width / 2},
      {"num_hidden_layers", config.positive_integer({"n_layers"}, std::nullopt)},
      {"num_attention_heads", config.positive_integer({"n_heads"}, std::nullopt)},
      {"vocab_size", rows},
      {"max_position_embeddings", config.integer({"max_sequence_length"}, kDefaultMaxSequenceLength)},
      {"rope_theta", 10000.0},
      {"hidden_act", "silu"},
      {"attention_bias", false},
      {"tie_word_embeddings", config.flag("weight_tying", true)},
  };
  if (config.has("clip_qkv")) out["clip_qkv"] = config.number({"clip_qkv"}, 0.0);
  if (common.pad_token_id) out["pad_token_id"] = *common.pad_token_id;
  if (common.bos_token_id) out["bos_token_id"] = *common.bos_token_id;
  if (!common.eos_token_ids.empty()) out["eos_token_id"] = common.eos_token_ids;
  return ConfigReader(out.dump(), config.source());
}

}  // namespace

Architecture hf_olmo_architecture() {
  DecoderVariant olmo;
  olmo.norm = NormKind::LayerNormNoParams;
  olmo.norm_eps_key = NormEpsKey::Fixed;
  olmo.default_norm_eps = 1e-5;
  olmo.clips_qkv = true;
  olmo.rope_in_float32 = true;
  DecoderNames& names = olmo.names;
  names.model_prefix = "model.transformer.";
  names.layers = "blocks";
  names.embed = "wte";
  names.final_norm = "ln_f";
  names.lm_head = "model.transformer.ff_out";
  names.fused_qkv = "att_proj";
  names.fused_qkv_layout = FusedQkvLayout::Contiguous;
  names.o = "attn_out";
  names.fused_up_gate = "ff_proj";
  names.down = "ff_out";
  Architecture family = decoder_architecture("hf_olmo", "", "OLMoForCausalLM", olmo);
  const CausalLmBuilder build = family.build_causal_lm;
  family.build_causal_lm = [build](const ModelSource& source) {
    return build(ModelSource{as_transformers_olmo(source.config), source.checkpoint, source.options});
  };
  return family;
}

}  // namespace rb::model
