// LlamaForSequenceClassification / LlamaForCausalLM: q/k/v/o bias from attention_bias, MLP bias
// from mlp_bias, full causal attention; Llama-3 rope scaling comes from config (model_config.cpp).
#include "model/decoder.h"

namespace rb::model {

Architecture llama_architecture() {
  DecoderVariant llama;
  llama.qkv_bias = llama.o_bias = BiasRule::FromAttentionBias;
  llama.mlp_bias = BiasRule::FromMlpBias;
  return decoder_architecture("llama", "LlamaForSequenceClassification", "LlamaForCausalLM", llama);
}

}  // namespace rb::model
