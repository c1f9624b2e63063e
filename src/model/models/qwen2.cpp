// Qwen2ForSequenceClassification / Qwen2ForCausalLM: q/k/v always carry a bias, o_proj and MLP
// never; sliding window only when use_sliding_window (layers >= max_window_layers, default 28).
#include "model/decoder.h"

namespace rb::model {

Architecture qwen2_architecture() {
  DecoderVariant qwen2;
  qwen2.qkv_bias = BiasRule::Always;
  qwen2.sliding_window = SlidingWindowRule::QwenStyle;
  qwen2.default_max_window_layers = 28;
  return decoder_architecture("qwen2", "Qwen2ForSequenceClassification", "Qwen2ForCausalLM", qwen2);
}

}  // namespace rb::model
