#pragma once
// config.json of a DebertaV2ForSequenceClassification checkpoint (DeBERTa-v2 and v3 share the class),
// with DebertaV2Config's defaults and the getattr() defaults of modeling_deberta_v2.py, plus the
// log-bucket relative position function. Torch-free.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/activation.h"
#include "model/config_reader.h"

namespace rb::model {

struct DebertaV2Config {
  std::string source;  // path of config.json, for messages
  CommonConfig common;  // num_labels, special token ids (pad_token_id defaults to 0 here), model_type
  int64_t vocab_size = 128100;
  int64_t hidden_size = 1536;
  int64_t embedding_size = 0;  // default: hidden_size
  int64_t num_hidden_layers = 24;
  int64_t num_attention_heads = 24;
  int64_t attention_head_size = 0;  // default: hidden_size / num_attention_heads
  int64_t intermediate_size = 6144;
  Activation hidden_act = Activation::Gelu;
  int64_t max_position_embeddings = 512;
  int64_t type_vocab_size = 0;
  double layer_norm_eps = 1e-7;
  bool relative_attention = false;
  // Resolved as the model resolves it: < 1 in config.json means max_position_embeddings.
  int64_t max_relative_positions = 0;
  int64_t position_buckets = -1;  // <= 0: no log bucketing
  bool position_biased_input = true;
  bool c2p = false;  // pos_att_type contains "c2p"
  bool p2c = false;  // pos_att_type contains "p2c"
  bool share_att_key = false;
  bool rel_embeddings_layer_norm = false;  // norm_rel_ebd contains "layer_norm"
  int64_t conv_kernel_size = 0;            // 0: no ConvLayer
  int64_t conv_groups = 1;
  Activation conv_act = Activation::Tanh;
  int64_t pooler_hidden_size = 0;  // default: hidden_size
  Activation pooler_hidden_act = Activation::Gelu;

  // Rows of rel_embeddings = 2 * attention span (position_buckets when bucketing, else
  // max_relative_positions).
  int64_t attention_span() const { return position_buckets > 0 ? position_buckets : max_relative_positions; }
  // 1 + one per pos_att_type entry: attention logits are divided by sqrt(head_size * this).
  int64_t scale_factor() const { return 1 + (c2p ? 1 : 0) + (p2c ? 1 : 0); }
};

// Throws rb::ModelError naming the file and the field on anything this implementation cannot run
// (unknown activation, even conv kernel, head size mismatch, ...).
DebertaV2Config parse_deberta_v2_config(const ConfigReader& config);
DebertaV2Config parse_deberta_v2_config(const std::string& json_text, const std::string& source);

// The relative position (query index - key index) as the model sees it: unchanged without bucketing,
// else transformers' make_log_bucket_position in float32 (distances below bucket_size / 2 kept, longer
// ones log-compressed towards max_position).
int64_t deberta_relative_position(int64_t distance, int64_t bucket_size, int64_t max_position);

// Index into the 2 * span relative embeddings for a query/key distance: the bucketed position
// shifted by span and clamped to [0, 2 * span - 1] (the same index serves c2p and p2c, since the
// bucketing is odd in the distance).
int64_t deberta_relative_index(int64_t distance, const DebertaV2Config& config);

}  // namespace rb::model
