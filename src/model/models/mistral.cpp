// MistralForSequenceClassification: no biases; sliding_window (when not null) on every layer.
#include "model/architecture.h"

namespace rb::model {

ArchitectureSpec mistral_architecture() {
  ArchitectureSpec spec;
  spec.class_name = "MistralForSequenceClassification";
  spec.causal_lm_class_name = "MistralForCausalLM";
  spec.model_type = "mistral";
  spec.sliding_window = SlidingWindowRule::AllLayers;
  return spec;
}

}  // namespace rb::model
