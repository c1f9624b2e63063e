#include "text/tokenizer/post_processor.h"

#include <string>
#include <unordered_map>

namespace rb::text {

namespace {

class IdentityPostProcessor final : public PostProcessor {
 public:
  size_t added_tokens_single() const override { return 0; }
  void process_single(std::vector<int32_t>&, bool) const override {}
};

// One element of a template: a special token's ids, or the sequence itself (empty ids).
struct TemplatePiece {
  bool is_sequence = false;
  std::vector<int32_t> special_ids;
};

class TemplatePostProcessor final : public PostProcessor {
 public:
  explicit TemplatePostProcessor(std::vector<TemplatePiece> single) : single_(std::move(single)) {}

  size_t added_tokens_single() const override {
    size_t count = 0;
    for (const auto& piece : single_) count += piece.special_ids.size();
    return count;
  }

  void process_single(std::vector<int32_t>& ids, bool add_special_tokens) const override {
    if (!add_special_tokens) return;  // special pieces are skipped, the sequence is kept
    std::vector<int32_t> out;
    out.reserve(ids.size() + added_tokens_single());
    for (const auto& piece : single_) {
      if (piece.is_sequence) {
        out.insert(out.end(), ids.begin(), ids.end());
      } else {
        out.insert(out.end(), piece.special_ids.begin(), piece.special_ids.end());
      }
    }
    ids.swap(out);
  }

 private:
  std::vector<TemplatePiece> single_;
};

class SequencePostProcessor final : public PostProcessor {
 public:
  explicit SequencePostProcessor(std::vector<std::unique_ptr<PostProcessor>> steps)
      : steps_(std::move(steps)) {}
  size_t added_tokens_single() const override {
    size_t count = 0;
    for (const auto& step : steps_) count += step->added_tokens_single();
    return count;
  }
  void process_single(std::vector<int32_t>& ids, bool add_special_tokens) const override {
    for (const auto& step : steps_) step->process_single(ids, add_special_tokens);
  }

 private:
  std::vector<std::unique_ptr<PostProcessor>> steps_;
};

using SpecialTokenIds = std::unordered_map<std::string, std::vector<int32_t>>;

SpecialTokenIds parse_special_tokens(const nlohmann::json& config, const JsonContext& ctx) {
  SpecialTokenIds result;
  if (!has_non_null(config, "special_tokens")) return result;
  const JsonContext map_ctx = ctx.child("special_tokens");
  const auto& map = require_object(config.at("special_tokens"), map_ctx);
  for (auto it = map.begin(); it != map.end(); ++it) {
    const JsonContext entry_ctx = map_ctx.child(it.key());
    const auto& ids = require_array(require_field(it.value(), "ids", entry_ctx), entry_ctx.child("ids"));
    std::vector<int32_t> values;
    for (size_t i = 0; i < ids.size(); ++i) {
      values.push_back(static_cast<int32_t>(require_integer(ids[i], entry_ctx.child("ids").index(i))));
    }
    result[it.key()] = std::move(values);
  }
  return result;
}

// "$A", "$B", "$", "$0"/"$1" (type ids) name a sequence; anything else names a special token.
// A ":<type_id>" suffix only sets type ids, which we do not produce.
TemplatePiece parse_template_string_piece(const std::string& text, const SpecialTokenIds& specials,
                                          const JsonContext& ctx) {
  const std::string name = text.substr(0, text.find(':'));
  if (!name.empty() && name[0] == '$') {
    const std::string rest = name.substr(1);
    if (rest == "B" || rest == "b") ctx.fail("template uses sequence $B, which single encoding lacks");
    return TemplatePiece{true, {}};
  }
  auto it = specials.find(name);
  if (it == specials.end()) ctx.fail("template special token '" + name + "' missing from special_tokens");
  return TemplatePiece{false, it->second};
}

TemplatePiece parse_template_object_piece(const nlohmann::json& piece, const SpecialTokenIds& specials,
                                          const JsonContext& ctx) {
  require_object(piece, ctx);
  if (piece.contains("Sequence")) {
    const auto& body = require_object(piece.at("Sequence"), ctx.child("Sequence"));
    const std::string id = string_or(body, "id", "A", ctx.child("Sequence"));
    if (id != "A") ctx.fail("template uses sequence " + id + ", which single encoding lacks");
    return TemplatePiece{true, {}};
  }
  if (piece.contains("SpecialToken")) {
    const JsonContext body_ctx = ctx.child("SpecialToken");
    const auto& body = require_object(piece.at("SpecialToken"), body_ctx);
    const std::string id = require_string(require_field(body, "id", body_ctx), body_ctx.child("id"));
    auto it = specials.find(id);
    if (it == specials.end()) body_ctx.fail("special token '" + id + "' missing from special_tokens");
    return TemplatePiece{false, it->second};
  }
  ctx.fail("expected 'Sequence' or 'SpecialToken'");
}

std::unique_ptr<PostProcessor> make_template(const nlohmann::json& config, const JsonContext& ctx) {
  const SpecialTokenIds specials = parse_special_tokens(config, ctx);
  const JsonContext single_ctx = ctx.child("single");
  const auto& single = require_field(config, "single", ctx);
  std::vector<TemplatePiece> pieces;
  if (single.is_string()) {
    const std::string text = single.get<std::string>();
    size_t start = 0;
    while (start < text.size()) {
      size_t end = text.find(' ', start);
      if (end == std::string::npos) end = text.size();
      if (end > start) pieces.push_back(parse_template_string_piece(text.substr(start, end - start), specials, single_ctx));
      start = end + 1;
    }
  } else {
    require_array(single, single_ctx);
    for (size_t i = 0; i < single.size(); ++i) {
      const JsonContext piece_ctx = single_ctx.index(i);
      pieces.push_back(single[i].is_string()
                           ? parse_template_string_piece(single[i].get<std::string>(), specials, piece_ctx)
                           : parse_template_object_piece(single[i], specials, piece_ctx));
    }
  }
  return std::make_unique<TemplatePostProcessor>(std::move(pieces));
}

// Bert/Roberta: "cls": [token, id], "sep": [token, id]; a single sequence becomes cls A sep.
std::unique_ptr<PostProcessor> make_cls_sep(const nlohmann::json& config, const JsonContext& ctx) {
  auto token_id = [&](const char* key) {
    const JsonContext field_ctx = ctx.child(key);
    const auto& pair = require_array(require_field(config, key, ctx), field_ctx);
    if (pair.size() != 2) field_ctx.fail("expected [token, id]");
    return static_cast<int32_t>(require_integer(pair[1], field_ctx.index(1)));
  };
  std::vector<TemplatePiece> pieces{{false, {token_id("cls")}}, {true, {}}, {false, {token_id("sep")}}};
  return std::make_unique<TemplatePostProcessor>(std::move(pieces));
}

}  // namespace

std::unique_ptr<PostProcessor> make_post_processor(const nlohmann::json& config,
                                                   const JsonContext& ctx) {
  if (config.is_null()) return nullptr;
  const std::string type = component_type(config, ctx);
  if (type == "ByteLevel") return std::make_unique<IdentityPostProcessor>();
  if (type == "TemplateProcessing") return make_template(config, ctx);
  if (type == "BertProcessing" || type == "RobertaProcessing") return make_cls_sep(config, ctx);
  if (type == "Sequence")
    return std::make_unique<SequencePostProcessor>(
        sequence_steps<PostProcessor>(config, "processors", ctx, make_post_processor));
  ctx.fail("unsupported post_processor type '" + type + "'");
}

}  // namespace rb::text
