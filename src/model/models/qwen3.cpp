// Qwen3ForSequenceClassification / Qwen3ForCausalLM: q_norm/k_norm (RMSNorm over head_dim) before
// RoPE, q/k/v/o bias from attention_bias, head_dim 128 by default (Qwen3Config), Qwen-style window.
#include "model/decoder.h"

namespace rb::model {

Architecture qwen3_architecture() {
  DecoderVariant qwen3;
  qwen3.qkv_bias = qwen3.o_bias = BiasRule::FromAttentionBias;
  qwen3.qk_norm = QkNorm::PerHeadRms;
  qwen3.sliding_window = SlidingWindowRule::QwenStyle;
  qwen3.default_head_dim = 128;
  qwen3.default_max_window_layers = 28;
  return decoder_architecture("qwen3", "Qwen3ForSequenceClassification", "Qwen3ForCausalLM", qwen3);
}

}  // namespace rb::model
