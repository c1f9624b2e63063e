// InternLM2ForCausalLM (InternLM remote code, InternLM2 / InternLM2.5 chat and the backbone of
// their reward models): the Llama layer under InternLM's names (tok_embeddings, attention_norm,
// attention.wqkv / wo, ffn_norm, feed_forward.w1/w3/w2, output) with one fused qkv projection laid
// out per kv head as [query heads of the group | key | value], bias on wqkv and wo from `bias`
// (default true). RoPE dynamic scaling leaves positions below max_position_embeddings unchanged.
// Defaults are InternLM2Config's. InternLM2ForRewardModel's head is the custom-pipeline issue's.
#include "model/decoder.h"

namespace rb::model {

Architecture internlm2_architecture() {
  DecoderVariant internlm2;
  DecoderNames& names = internlm2.names;
  names.embed = "tok_embeddings";
  names.lm_head = "output";
  names.input_norm = "attention_norm";
  names.post_attention_norm = "ffn_norm";
  names.fused_qkv = "attention.wqkv";
  names.o = "attention.wo";
  names.gate = "feed_forward.w1";
  names.up = "feed_forward.w3";
  names.down = "feed_forward.w2";
  internlm2.resolve_family = [](const ModelConfig& config, DecoderLayout& layout) {
    layout.qkv_bias = layout.o_bias = config.bias.value_or(true);
  };
  // No sequence-classifier class: InternLM2's reward models use their own head (InternLM2ForRewardModel).
  return decoder_architecture("internlm2", "", "InternLM2ForCausalLM", internlm2);
}

}  // namespace rb::model
