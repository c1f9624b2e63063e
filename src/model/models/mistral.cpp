// MistralForSequenceClassification / MistralForCausalLM: no biases; sliding_window (when not
// null) on every layer.
#include "model/decoder.h"

namespace rb::model {

Architecture mistral_architecture() {
  DecoderVariant mistral;
  mistral.sliding_window = SlidingWindowRule::AllLayers;
  return decoder_architecture("mistral", "MistralForSequenceClassification", "MistralForCausalLM", mistral);
}

}  // namespace rb::model
