#pragma once
// The architecture contract. Every model family is one file in src/model/models/ defining
//   Architecture <family>_architecture();
// plus one line RB_ARCHITECTURE(<family>) in models/architectures.def. An Architecture names the
// Hugging Face classes it loads and builds them from a ModelSource, every family in the same three
// steps:
//   1. hyper-parameters: config.json through the source's ConfigReader (typed; errors name the
//      file and field) into the family's own config struct, with its config class's defaults;
//   2. tensors: every weight bound by its checkpoint name through a WeightLoader (shape-checked,
//      in the compute dtype on the device, counted for ModelInfo);
//   3. forward: the network (a Trunk, trunk_model.h, or the shared decoder's backbone) under the
//      shared heads (score, language model, custom reward heads), with one ModelInfo builder.
// Families of the shared decoder (Llama, Mistral, Qwen, Gemma) only say how they differ
// (decoder_variant.h) and hand that to decoder_architecture() (decoder.h). Torch-free.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "io/safetensors.h"
#include "model/config_reader.h"
#include "model/decoder_variant.h"
#include "model/reward_model.h"

namespace rb::model {

// What a builder gets: config.json (typed), the weights, and how to load them.
struct ModelSource {
  ConfigReader config;
  const io::SafetensorsCheckpoint& checkpoint;
  LoadOptions options;
};

using RewardModelBuilder = std::function<std::unique_ptr<RewardModel>(const ModelSource&)>;
using CausalLmBuilder = std::function<std::unique_ptr<CausalLanguageModel>(const ModelSource&)>;

struct Architecture {
  std::string model_type;       // config.json's model_type of the family ("llama")
  std::string reward_class;     // e.g. "LlamaForSequenceClassification", or a custom head's class
  std::string causal_lm_class;  // e.g. "LlamaForCausalLM"; empty when there is no causal-LM form
  RewardModelBuilder build_reward_model;
  CausalLmBuilder build_causal_lm;  // empty when causal_lm_class is
  PoolingRule reward_pooling = PoolingRule::RightmostNonPad;  // which token reward_class scores
  // Shared-decoder families only: how they differ from the shared decoder (custom reward heads
  // run on the backbone of the family their config.json's model_type names).
  std::optional<DecoderVariant> decoder;
};

// Every registered family, in models/architectures.def order.
const std::vector<Architecture>& registered_architectures();
// Throws rb::ModelError listing the supported class names.
const Architecture& find_architecture(const std::string& class_name);
// The first of config.json's `architectures` that is registered (as a reward model, or with
// `causal_lm` as a causal LM). Throws rb::ModelError naming `source` and listing what is supported.
const Architecture& architecture_for_names(const std::vector<std::string>& names, const std::string& source,
                                           bool causal_lm);
// The shared-decoder family registered for `model_type`, for custom heads on a standard backbone
// (GRM on llama or gemma2, ArmoRM on llama). Throws rb::ModelError naming `source` and listing the
// model types the shared decoder runs.
const Architecture& decoder_backbone_for(const std::string& model_type, const std::string& source);

// The one ModelInfo builder: what every family reports about a loaded model. model_type is
// config.json's, else the family's; the special token ids come from config.json.
struct ParameterCounts {
  int64_t total = 0;
  int64_t embeddings = 0;  // input embedding tables (word, position, token type)
};
ModelInfo describe_model(const CommonConfig& common, const std::string& class_name, const std::string& family_model_type,
                         int64_t num_labels, int64_t vocab_size, ParameterCounts parameters, const LoadOptions& options);

// Reward-model class names, and causal-LM class names, this build can load.
std::vector<std::string> reward_model_classes();
std::vector<std::string> causal_lm_classes();

}  // namespace rb::model
