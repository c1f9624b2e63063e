#include "model/architecture.h"

#include "common/error.h"

namespace rb::model {

#define RB_ARCHITECTURE(name) Architecture name##_architecture();
#include "model/models/architectures.def"
#undef RB_ARCHITECTURE

namespace {

std::string joined(const std::vector<std::string>& names) {
  std::string list;
  for (const std::string& name : names) list += (list.empty() ? "" : ", ") + name;
  return list.empty() ? "none" : list;
}

}  // namespace

const std::vector<Architecture>& registered_architectures() {
  static const std::vector<Architecture> kRegistry = {
#define RB_ARCHITECTURE(name) name##_architecture(),
#include "model/models/architectures.def"
#undef RB_ARCHITECTURE
  };
  return kRegistry;
}

ModelInfo describe_model(const CommonConfig& common, const std::string& class_name, const std::string& family_model_type,
                         int64_t num_labels, int64_t vocab_size, ParameterCounts parameters, const LoadOptions& options) {
  ModelInfo info;
  info.architecture = class_name;
  info.model_type = common.model_type.empty() ? family_model_type : common.model_type;
  info.num_labels = num_labels;
  info.vocab_size = vocab_size;
  info.num_parameters = parameters.total;
  info.num_non_embedding_parameters = parameters.total - parameters.embeddings;
  info.pad_token_id = common.pad_token_id;
  info.eos_token_ids = common.eos_token_ids;
  info.bos_token_id = common.bos_token_id;
  info.dtype = options.dtype;
  info.device = options.device;
  return info;
}

std::vector<std::string> reward_model_classes() {
  std::vector<std::string> names;
  for (const Architecture& architecture : registered_architectures())
    if (!architecture.reward_class.empty()) names.push_back(architecture.reward_class);  // causal-LM-only families
  return names;
}

std::vector<std::string> causal_lm_classes() {
  std::vector<std::string> names;
  for (const Architecture& architecture : registered_architectures())
    if (!architecture.causal_lm_class.empty()) names.push_back(architecture.causal_lm_class);
  return names;
}

const Architecture& find_architecture(const std::string& class_name) {
  for (const Architecture& architecture : registered_architectures())
    if (!class_name.empty() && architecture.reward_class == class_name) return architecture;
  throw ModelError("unsupported architecture '" + class_name + "' (supported: " + joined(reward_model_classes()) + ")");
}

const Architecture& architecture_for_names(const std::vector<std::string>& names, const std::string& source,
                                           bool causal_lm) {
  const std::string supported = joined(causal_lm ? causal_lm_classes() : reward_model_classes());
  if (names.empty())
    throw ModelError(source + ": field 'architectures': missing or empty (supported: " + supported + ")");
  for (const std::string& name : names) {
    for (const Architecture& architecture : registered_architectures()) {
      const std::string& registered = causal_lm ? architecture.causal_lm_class : architecture.reward_class;
      if (!registered.empty() && registered == name) return architecture;
    }
  }
  throw ModelError(source + ": unsupported " + std::string(causal_lm ? "causal LM " : "") + "architecture '" +
                   joined(names) + "' (supported: " + supported + ")");
}

const Architecture& decoder_backbone_for(const std::string& model_type, const std::string& source) {
  std::vector<std::string> types;
  for (const Architecture& architecture : registered_architectures()) {
    if (!architecture.decoder) continue;
    if (architecture.model_type == model_type) return architecture;
    types.push_back(architecture.model_type);
  }
  throw ModelError(source + ": field 'model_type': '" + model_type +
                   "' is not a backbone this head can run on (supported: " + joined(types) + ")");
}

}  // namespace rb::model
