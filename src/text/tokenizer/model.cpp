#include "text/tokenizer/model.h"

#include "text/tokenizer/bpe_model.h"
#include "text/tokenizer/unigram_model.h"
#include "text/tokenizer/word_models.h"

namespace rb::text {

std::unique_ptr<Model> make_model(const nlohmann::json& config, const JsonContext& ctx) {
  require_object(config, ctx);
  std::string type;
  if (has_non_null(config, "type")) {
    type = component_type(config, ctx);
  } else if (config.contains("merges")) {
    type = "BPE";  // Rust's untagged fallback: the fields decide
  } else if (config.contains("continuing_subword_prefix") || config.contains("max_input_chars_per_word")) {
    type = "WordPiece";
  } else if (config.contains("unk_id") || (config.contains("vocab") && config.at("vocab").is_array())) {
    type = "Unigram";
  } else {
    type = "WordLevel";
  }
  if (type == "BPE") return std::make_unique<BpeModel>(config, ctx);
  if (type == "Unigram") return std::make_unique<UnigramModel>(config, ctx);
  if (type == "WordPiece") return std::make_unique<WordPieceModel>(config, ctx);
  if (type == "WordLevel") return std::make_unique<WordLevelModel>(config, ctx);
  ctx.child("type").fail("unsupported model type '" + type + "'");
}

}  // namespace rb::text
