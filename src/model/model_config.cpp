#include "model/model_config.h"

#include "common/error.h"

namespace rb::model {
namespace {

RopeType parse_rope_type(const ConfigReader& dict, const std::string& field) {
  const std::string name = dict.text({"rope_type", "type"}, "default");
  if (name == "default") return RopeType::Default;
  if (name == "linear") return RopeType::Linear;
  if (name == "llama3") return RopeType::Llama3;
  if (name == "dynamic") return RopeType::Dynamic;
  throw dict.error(field, "rope type '" + name + "' is not supported (supported: default, linear, llama3, dynamic)");
}

// Reads a rope_scaling (transformers <5) or rope_parameters (transformers 5) dictionary.
void parse_rope_dict(const ConfigReader& dict, RopeConfig& rope) {
  for (const auto& [key, nested] : dict.objects())
    throw dict.error(key, "per-layer-type rope parameters are only supported as {full_attention, sliding_attention}");
  const std::string type_name = dict.text({"rope_type", "type"}, "default");
  rope.type = parse_rope_type(dict, "rope_type");
  rope.theta = dict.number({"rope_theta"}, rope.theta);
  rope.partial_rotary_factor = dict.number({"partial_rotary_factor"}, rope.partial_rotary_factor);
  auto required_number = [&](const std::string& key) {
    if (!dict.has(key)) throw dict.error(key, "missing (needed by rope type " + type_name + ")");
    return dict.number({key}, 0.0);
  };
  if (rope.type == RopeType::Linear || rope.type == RopeType::Llama3) {
    rope.factor = required_number("factor");
    if (rope.factor < 1.0) throw dict.error("factor", "must be >= 1");
  }
  if (rope.type == RopeType::Llama3) {
    rope.low_freq_factor = required_number("low_freq_factor");
    rope.high_freq_factor = required_number("high_freq_factor");
    rope.original_max_position_embeddings = dict.integer({"original_max_position_embeddings"}, std::nullopt);
    if (rope.high_freq_factor <= rope.low_freq_factor)
      throw dict.error("high_freq_factor", "must exceed low_freq_factor");
  }
}

// Whether the family rotates only part of each head is the variant's business (resolve_layout).
void check_rope(const RopeConfig& rope, const ConfigReader& where) {
  if (!(rope.partial_rotary_factor > 0 && rope.partial_rotary_factor <= 1.0))
    throw where.error("partial_rotary_factor", "must be within (0, 1]");
  if (!(rope.theta > 0)) throw where.error("rope_theta", "must be positive");
}

// transformers 5 writes rope_parameters per layer type for models whose sliding layers use
// another rope (Gemma-3): {"full_attention": {...}, "sliding_attention": {...}}.
bool is_per_layer_type(const ConfigReader& config) {
  const nlohmann::json* dict = config.value("rope_parameters");
  if (!dict || !dict->is_object() || dict->empty()) return false;
  for (auto item = dict->begin(); item != dict->end(); ++item) {
    if (item.key() != "full_attention" && item.key() != "sliding_attention") return false;
    if (!item.value().is_object()) return false;
  }
  return true;
}

void parse_rope(const ConfigReader& object, ModelConfig& config) {
  RopeConfig rope;
  rope.theta = object.number({"rope_theta"}, 10000.0);
  rope.partial_rotary_factor = object.number({"partial_rotary_factor"}, 1.0);
  if (object.has("rope_local_base_freq")) {
    config.rope_local_base_freq = object.number({"rope_local_base_freq"}, 10000.0);
    RopeConfig local;
    local.theta = *config.rope_local_base_freq;
    config.local_rope = local;
  }
  config.rope_theta_given = object.has("rope_theta");
  if (is_per_layer_type(object)) {
    const ConfigReader per_type = *object.object("rope_parameters");
    if (auto full = per_type.object("full_attention")) {
      parse_rope_dict(*full, rope);
      config.rope_theta_given = config.rope_theta_given || full->has("rope_theta");
    }
    if (auto sliding = per_type.object("sliding_attention")) {
      RopeConfig local;
      local.theta = config.rope_local_base_freq.value_or(10000.0);
      parse_rope_dict(*sliding, local);
      check_rope(local, *sliding);
      config.local_rope = local;
    }
  } else if (auto parameters = object.object("rope_parameters")) {
    parse_rope_dict(*parameters, rope);
    config.rope_theta_given = config.rope_theta_given || parameters->has("rope_theta");
  } else if (auto scaling = object.object("rope_scaling")) {
    parse_rope_dict(*scaling, rope);
  }
  check_rope(rope, object);
  config.rope = rope;
}

NullableNumber nullable_number(const ConfigReader& object, const std::string& key) {
  NullableNumber number;
  number.present = object.contains(key);
  if (object.has(key)) number.value = object.number({key}, 0.0);
  if (number.value && !(*number.value > 0)) throw object.error(key, "must be positive or null");
  return number;
}

void parse_gemma_fields(const ConfigReader& object, ModelConfig& config) {
  config.query_pre_attn_scalar = nullable_number(object, "query_pre_attn_scalar");
  config.attn_logit_softcapping = nullable_number(object, "attn_logit_softcapping");
  config.final_logit_softcapping = nullable_number(object, "final_logit_softcapping");
  config.sliding_window_pattern = object.optional_integer("sliding_window_pattern");
  if (config.sliding_window_pattern && *config.sliding_window_pattern <= 0)
    throw object.error("sliding_window_pattern", "must be positive");
  if (object.flag("use_bidirectional_attention", false))
    throw object.error("use_bidirectional_attention", "only causal attention is supported");
}

void parse_activation(const ConfigReader& object, ModelConfig& config) {
  // The MLP gate's activations the shared decoder is tested with.
  static const std::vector<Activation> kDecoderActivations = {Activation::Silu, Activation::GeluPytorchTanh,
                                                              Activation::Gelu};
  if (!object.has("hidden_activation") && !object.has("hidden_act")) return;
  config.hidden_act = object.activation({"hidden_activation", "hidden_act"}, "silu", kDecoderActivations);
}

void parse_sliding_window(const ConfigReader& object, ModelConfig& config) {
  config.sliding_window = object.optional_integer("sliding_window");
  config.sliding_window_given = object.contains("sliding_window");
  config.use_sliding_window = object.flag("use_sliding_window", false);
  config.max_window_layers = object.optional_integer("max_window_layers");
  config.layer_types = object.string_list("layer_types");
  for (const std::string& type : config.layer_types)
    if (type != "full_attention" && type != "sliding_attention")
      throw object.error("layer_types", "unsupported layer type '" + type + "'");
  if (object.has("layer_types") && static_cast<int64_t>(config.layer_types.size()) != config.num_hidden_layers)
    throw object.error("layer_types", "has " + std::to_string(config.layer_types.size()) + " entries for " +
                                          std::to_string(config.num_hidden_layers) + " layers");
}

void parse_shape(const ConfigReader& object, ModelConfig& config) {
  config.hidden_size = object.positive_integer({"hidden_size"}, std::nullopt);
  config.intermediate_size = object.positive_integer({"intermediate_size"}, std::nullopt);
  config.num_hidden_layers = object.positive_integer({"num_hidden_layers"}, std::nullopt);
  config.num_attention_heads = object.positive_integer({"num_attention_heads"}, std::nullopt);
  config.vocab_size = object.positive_integer({"vocab_size"}, std::nullopt);
  config.num_key_value_heads = object.positive_integer({"num_key_value_heads"}, config.num_attention_heads);
  if (config.num_attention_heads % config.num_key_value_heads != 0)
    throw object.error("num_key_value_heads", std::to_string(config.num_key_value_heads) +
                                                  " does not divide num_attention_heads " +
                                                  std::to_string(config.num_attention_heads));
  config.head_dim_given = object.has("head_dim");
  config.head_dim = object.positive_integer({"head_dim"}, config.hidden_size / config.num_attention_heads);
  if (config.head_dim % 2 != 0) throw object.error("head_dim", "must be even for rotary embeddings");
  config.max_position_embeddings = object.optional_integer("max_position_embeddings").value_or(0);
}

std::optional<double> optional_number(const ConfigReader& object, const std::string& key) {
  if (!object.has(key)) return std::nullopt;
  return object.number({key}, 0.0);
}

std::optional<bool> optional_flag(const ConfigReader& object, const std::string& key) {
  if (!object.has(key)) return std::nullopt;
  return object.flag(key, false);
}

void parse_family_switches(const ConfigReader& object, ModelConfig& config) {
  config.layer_norm_eps = optional_number(object, "layer_norm_eps");
  config.norm_epsilon = optional_number(object, "norm_epsilon");
  config.use_qkv_bias = optional_flag(object, "use_qkv_bias");
  config.qk_layernorm = optional_flag(object, "qk_layernorm");
  config.use_parallel_residual = optional_flag(object, "use_parallel_residual");
  config.use_bias = optional_flag(object, "use_bias");
  config.clip_qkv = optional_number(object, "clip_qkv");
  config.bias = optional_flag(object, "bias");
  config.scale_emb = optional_number(object, "scale_emb");
  config.scale_depth = optional_number(object, "scale_depth");
  config.dim_model_base = optional_number(object, "dim_model_base");
  config.num_experts = object.has("num_local_experts") ? object.optional_integer("num_local_experts")
                                                       : object.optional_integer("num_experts");
  config.num_experts_per_tok = object.optional_integer("num_experts_per_tok");
  config.norm_topk_prob = optional_flag(object, "norm_topk_prob");
  config.moe_intermediate_size = object.optional_integer("moe_intermediate_size");
  config.shared_expert_intermediate_size = object.optional_integer("shared_expert_intermediate_size");
  config.decoder_sparse_step = object.optional_integer("decoder_sparse_step");
  config.mlp_only_layers = object.integer_list("mlp_only_layers");
  if (config.clip_qkv && !(*config.clip_qkv > 0)) throw object.error("clip_qkv", "must be positive (or null)");
}

}  // namespace

ModelConfig parse_model_config(const ConfigReader& object) {
  ModelConfig config;
  config.source = object.source();
  config.common = object.common();
  parse_activation(object, config);
  parse_shape(object, config);
  config.rms_norm_eps = object.number({"rms_norm_eps"}, 1e-6);
  config.rms_norm_eps_given = object.has("rms_norm_eps");
  parse_family_switches(object, config);
  config.attention_bias = object.flag("attention_bias", false);
  config.mlp_bias = object.flag("mlp_bias", false);
  parse_sliding_window(object, config);
  parse_rope(object, config);
  parse_gemma_fields(object, config);
  return config;
}

ModelConfig parse_model_config(const std::string& json_text, const std::string& source) {
  return parse_model_config(ConfigReader(json_text, source));
}

}  // namespace rb::model
