// LlamaForSequenceClassification: q/k/v/o bias from attention_bias, MLP bias from mlp_bias,
// full causal attention; Llama-3 rope scaling comes from config (model_config.cpp).
#include "model/architecture.h"

namespace rb::model {

ArchitectureSpec llama_architecture() {
  ArchitectureSpec spec;
  spec.class_name = "LlamaForSequenceClassification";
  spec.causal_lm_class_name = "LlamaForCausalLM";
  spec.model_type = "llama";
  spec.qkv_bias = BiasRule::FromAttentionBias;
  spec.o_bias = BiasRule::FromAttentionBias;
  spec.mlp_bias = BiasRule::FromMlpBias;
  return spec;
}

}  // namespace rb::model
