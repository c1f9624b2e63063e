// Starcoder2ForSequenceClassification / Starcoder2ForCausalLM (starchat2): Mistral's layer with
// nn.LayerNorm (weight and bias, norm_epsilon, default 1e-5), q/k/v/o and MLP biases from use_bias
// (default true), a plain MLP c_proj(act(c_fc(x))) with gelu_pytorch_tanh, sliding_window (when
// not null) on every layer, tied embeddings by default. Defaults are Starcoder2Config's.
#include "model/decoder.h"

namespace rb::model {

Architecture starcoder2_architecture() {
  DecoderVariant starcoder2;
  starcoder2.norm = NormKind::LayerNorm;
  starcoder2.norm_eps_key = NormEpsKey::NormEpsilon;
  starcoder2.default_norm_eps = 1e-5;
  starcoder2.mlp = MlpKind::Plain;
  starcoder2.sliding_window = SlidingWindowRule::AllLayers;
  starcoder2.default_activation = Activation::GeluPytorchTanh;
  starcoder2.default_tie_word_embeddings = true;
  starcoder2.resolve_family = [](const ModelConfig& config, DecoderLayout& layout) {
    layout.qkv_bias = layout.o_bias = layout.mlp_bias = config.use_bias.value_or(true);
  };
  return decoder_architecture("starcoder2", "Starcoder2ForSequenceClassification", "Starcoder2ForCausalLM",
                              starcoder2);
}

}  // namespace rb::model
