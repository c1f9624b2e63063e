// Qwen2ForSequenceClassification: q/k/v always carry a bias, o_proj and MLP never;
// sliding window only when use_sliding_window (layers >= max_window_layers, default 28).
#include "model/architecture.h"

namespace rb::model {

ArchitectureSpec qwen2_architecture() {
  ArchitectureSpec spec;
  spec.class_name = "Qwen2ForSequenceClassification";
  spec.causal_lm_class_name = "Qwen2ForCausalLM";
  spec.model_type = "qwen2";
  spec.qkv_bias = BiasRule::Always;
  spec.sliding_window = SlidingWindowRule::QwenStyle;
  spec.default_max_window_layers = 28;
  return spec;
}

}  // namespace rb::model
