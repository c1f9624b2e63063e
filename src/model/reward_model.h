#pragma once
// The torch-free face of the model layer: what a loaded model is (RewardModel, CausalLanguageModel,
// the PackedBatch they take, ModelInfo) and how to ask for one (LoadOptions). Everything above
// the model layer talks to models through this header and model/loader.h, so torch headers stay
// in src/model/.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace rb::model {

enum class DType { Float32, BFloat16, Float16 };

// "float32"/"fp32", "bfloat16"/"bf16", "float16"/"fp16"/"half"; throws rb::InputError otherwise.
DType parse_dtype(const std::string& name);
std::string dtype_name(DType dtype);

// The reference's --attn_implementation (transformers' from_pretrained argument), as it decides
// CUDA bf16 rounding. Sdpa (transformers' default) and Eager: each packed batch is laid out as the
// reference's padded batch (rows at the slots of their position ids) and attended by the same
// SDPA call or the same eager math, every row goes through the last layer and the score head as
// there, so bf16 scores equal the reference's bit for bit. FlashAttention2: as transformers
// unpads for flash-attention-2, one variable-length flash call over the packed batch, and the last
// layer for the pooled rows only. Soft-capped attention (Gemma-2) is always eager. CPU keeps its
// own batch-invariant eager path whatever the choice.
enum class AttnImplementation { Sdpa, Eager, FlashAttention2 };

// "sdpa", "eager" or "flash_attention_2"; throws rb::InputError otherwise.
AttnImplementation parse_attn_implementation(const std::string& name);

struct LoadOptions {
  DType dtype = DType::Float32;
  std::string device = "cpu";  // "cpu", "cuda", "cuda:1"
  // CPU only: run projections in fixed-shape row tiles so that a sequence's scores are bit for
  // bit the same whatever batch it is packed into (costs some speed on small batches).
  bool batch_invariant = true;
  AttnImplementation attn_implementation = AttnImplementation::Sdpa;
};

// Sequences laid end to end without padding. Attention never crosses a sequence boundary.
struct PackedBatch {
  std::vector<int32_t> token_ids;       // all sequences concatenated
  std::vector<int64_t> offsets;         // size n+1; sequence i is token_ids[offsets[i], offsets[i+1])
  std::vector<int64_t> position_start;  // size n; position id of each sequence's first token
  std::vector<int64_t> pool_index;      // size n; index within sequence i whose hidden state is scored

  size_t num_sequences() const { return pool_index.size(); }
  size_t num_tokens() const { return token_ids.size(); }
};

// Checks a batch's bookkeeping (offsets, positions, token ids < vocab_size, and the pool indices
// unless a causal LM ignores them); throws rb::InputError saying which sequence is wrong.
void validate_packed_batch(const PackedBatch& batch, int64_t vocab_size, bool check_pool_index = true);

// Which token of a sequence a reward model scores, as its reference class picks it.
enum class PoolingRule {
  // transformers' *ForSequenceClassification: the rightmost token whose id != pad_token_id.
  RightmostNonPad,
  // The reference's scripts/olmo_adapter classifiers (OLMo-2, OLMoE): argmax(ids == pad) - 1,
  // i.e. the token before the first pad id (an eos inside a multi-turn text included), the last
  // token when there is none.
  BeforeFirstPad,
};
std::string pooling_rule_description(PoolingRule rule);

// What the layers above need to know about a loaded model.
struct ModelInfo {
  std::string architecture;              // e.g. "LlamaForSequenceClassification"
  std::string model_type;                // config.json model_type, e.g. "llama"
  int64_t num_labels = 1;
  int64_t vocab_size = 0;
  int64_t num_parameters = 0;            // all weights loaded
  int64_t num_non_embedding_parameters = 0;
  std::optional<int64_t> pad_token_id;   // config.json pad_token_id (pooling uses this one)
  std::vector<int64_t> eos_token_ids;    // config.json eos_token_id (int or list)
  std::optional<int64_t> bos_token_id;
  DType dtype = DType::Float32;
  std::string device;
  PoolingRule pooling = PoolingRule::RightmostNonPad;  // reward models: the token scored
  // Reward models: whether the reference's pipeline masks the first of two leading BOS tokens
  // (RewardBenchPipeline does; GRM's and OpenBMB's pipelines tokenize and attend to both).
  bool masks_doubled_bos = true;
};

class RewardModel {
 public:
  virtual ~RewardModel() = default;
  // Returns one row of num_labels float32 scores per sequence. The score head is applied in
  // the model's compute dtype (as transformers does), then widened to float32.
  virtual std::vector<std::vector<float>> score(const PackedBatch& batch) = 0;
  virtual const ModelInfo& info() const = 0;
};

// A causal language model (DPO and implicit rewards). Row i of the result has one float32 value
// per token of sequence i after its first: entry t = log p(token[t+1] | tokens[0..t]), computed as
// transformers does (logits in the compute dtype, widened to float32, log_softmax over the
// vocabulary, gathered at the next token). PackedBatch.pool_index is ignored.
class CausalLanguageModel {
 public:
  virtual ~CausalLanguageModel() = default;
  virtual std::vector<std::vector<float>> next_token_log_probs(const PackedBatch& batch) = 0;
  virtual const ModelInfo& info() const = 0;
};

}  // namespace rb::model
