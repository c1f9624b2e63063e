// GemmaForSequenceClassification / GemmaForCausalLM (Gemma 1): the Llama layer order with Gemma's
// (1 + weight) RMSNorm in float32, embeddings times sqrt(hidden_size) in the compute dtype, a
// gelu_pytorch_tanh gated MLP, head_dim 256 and tied embeddings by default, attention scaled by
// head_dim^-0.5 (no soft-caps, no sliding window). Defaults are GemmaConfig's (transformers 5).
#include "model/decoder.h"

namespace rb::model {

Architecture gemma_architecture() {
  DecoderVariant gemma;
  gemma.qkv_bias = gemma.o_bias = BiasRule::FromAttentionBias;
  gemma.norm = NormKind::RmsOnePlus;
  gemma.scale_embeddings = true;
  gemma.default_head_dim = 256;
  gemma.default_tie_word_embeddings = true;
  gemma.default_activation = Activation::GeluPytorchTanh;
  return decoder_architecture("gemma", "GemmaForSequenceClassification", "GemmaForCausalLM", gemma);
}

}  // namespace rb::model
