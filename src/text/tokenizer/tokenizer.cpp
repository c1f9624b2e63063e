#include "text/tokenizer/tokenizer.h"

#include <algorithm>
#include <unordered_set>

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "common/file_io.h"
#include "common/parallel_for.h"
#include "common/utf8.h"
#include "text/tokenizer/added_vocabulary.h"
#include "text/tokenizer/decoder.h"
#include "text/tokenizer/json_fields.h"
#include "text/tokenizer/model.h"
#include "text/tokenizer/normalizer.h"
#include "text/tokenizer/post_processor.h"
#include "text/tokenizer/pre_tokenizer.h"

namespace rb::text {

namespace {

struct TruncationConfig {
  size_t max_length = 0;
  TruncationSide side = TruncationSide::Right;
};

std::optional<TruncationConfig> parse_truncation(const nlohmann::json& doc, const JsonContext& ctx) {
  if (!has_non_null(doc, "truncation")) return std::nullopt;
  const JsonContext trunc_ctx = ctx.child("truncation");
  const auto& trunc = require_object(doc.at("truncation"), trunc_ctx);
  TruncationConfig config;
  const int64_t max_length = require_integer(require_field(trunc, "max_length", trunc_ctx),
                                             trunc_ctx.child("max_length"));
  if (max_length < 0) trunc_ctx.child("max_length").fail("must not be negative");
  config.max_length = static_cast<size_t>(max_length);
  const std::string direction = string_or(trunc, "direction", "Right", trunc_ctx);
  if (direction != "Right" && direction != "Left") {
    trunc_ctx.child("direction").fail("expected Right or Left, got '" + direction + "'");
  }
  config.side = direction == "Left" ? TruncationSide::Left : TruncationSide::Right;
  return config;
}

void truncate_ids(std::vector<int32_t>& ids, size_t max_length, TruncationSide side) {
  if (ids.size() <= max_length) return;
  if (side == TruncationSide::Right) {
    ids.resize(max_length);
  } else {
    ids.erase(ids.begin(), ids.end() - static_cast<std::ptrdiff_t>(max_length));
  }
}

}  // namespace

class Tokenizer::Impl {
 public:
  Impl(const nlohmann::json& doc, const JsonContext& ctx, std::unique_ptr<Model> model)
      : normalizer_(make_normalizer(field_or_null(doc, "normalizer"), ctx.child("normalizer"))),
        pre_tokenizer_(make_pre_tokenizer(field_or_null(doc, "pre_tokenizer"), ctx.child("pre_tokenizer"))),
        post_processor_(make_post_processor(field_or_null(doc, "post_processor"), ctx.child("post_processor"))),
        decoder_(make_decoder(field_or_null(doc, "decoder"), ctx.child("decoder"))),
        model_(model ? std::move(model) : make_model(require_field(doc, "model", ctx), ctx.child("model"))),
        added_(field_or_null(doc, "added_tokens"), ctx.child("added_tokens"),
               ModelVocabView{[this](const std::string& t) { return model_->token_to_id(t); },
                              model_->vocab_size()},
               normalizer_.get()),
        truncation_(parse_truncation(doc, ctx)),
        origin_(ctx.origin) {
    const std::string version = string_or(doc, "version", "1.0", ctx);
    if (version != "1.0") ctx.child("version").fail("unknown tokenizer version '" + version + "'");
  }

  // Ids before truncation and post-processing.
  std::vector<int32_t> encode_content(std::string_view text) const {
    const size_t bad = utf8::find_invalid(text);
    if (bad != std::string_view::npos) {
      throw TokenizerError(origin_ + ": input text is not valid UTF-8 at byte offset " +
                           std::to_string(bad));
    }
    Pieces pieces = added_.extract_and_normalize(text, normalizer_.get());
    if (!pieces.empty() && !pieces.front().is_token()) pieces.front().at_input_start = true;
    if (pre_tokenizer_) pre_tokenizer_->pre_tokenize(pieces);
    std::vector<int32_t> ids;
    ids.reserve(text.size() / 3 + 4);
    for (const Piece& piece : pieces) {
      if (piece.is_token()) {
        ids.push_back(piece.token_id);
      } else {
        model_->tokenize_at(piece.text, piece.at_input_start, ids);
      }
    }
    return ids;
  }

  size_t num_special_tokens_to_add() const {
    return post_processor_ ? post_processor_->added_tokens_single() : 0;
  }

  // Rust's post_process: truncate (leaving room for the special tokens), then the processor.
  std::vector<int32_t> finish(std::vector<int32_t> ids, bool add_special_tokens,
                              std::optional<TruncationConfig> truncation) const {
    if (truncation) {
      const size_t added = num_special_tokens_to_add();
      size_t limit = truncation->max_length;
      if (add_special_tokens && added > 0) {
        if (limit < added) {
          throw TokenizerError(origin_ + ": max_length " + std::to_string(limit) +
                               " is smaller than the " + std::to_string(added) +
                               " special tokens the post-processor adds");
        }
        limit -= added;
      }
      truncate_ids(ids, limit, truncation->side);
    }
    if (post_processor_) post_processor_->process_single(ids, add_special_tokens);
    return ids;
  }

  std::string decode(const std::vector<int32_t>& ids, bool skip_special_tokens) const {
    std::vector<std::string> tokens;
    tokens.reserve(ids.size());
    for (int32_t id : ids) {
      if (const AddedToken* token = added_.token_for_id(id)) {
        if (skip_special_tokens && token->special) continue;
        tokens.push_back(token->content);
      } else if (auto token = model_->id_to_token(id)) {
        tokens.push_back(std::move(*token));
      }
    }
    if (!decoder_) {
      std::string joined;
      for (size_t i = 0; i < tokens.size(); ++i) joined += (i ? " " : "") + tokens[i];
      return joined;
    }
    std::string text;
    for (const std::string& part : decoder_->decode_chain(std::move(tokens))) text += part;
    return text;
  }

  const std::optional<TruncationConfig>& file_truncation() const { return truncation_; }

  std::optional<int32_t> token_to_id(std::string_view token) const {
    if (auto id = added_.token_to_id(token)) return id;
    return model_->token_to_id(std::string(token));
  }

  std::optional<std::string> id_to_token(int32_t id) const {
    if (const AddedToken* token = added_.token_for_id(id)) return token->content;
    return model_->id_to_token(id);
  }

  // Distinct token strings across the model vocab and the added tokens (Rust's get_vocab(true)).
  size_t vocab_size() const {
    size_t size = model_->vocab_size();
    for (const auto& [content, id] : added_.ids_by_content()) {
      if (!model_->token_to_id(content)) ++size;
    }
    return size;
  }

 private:
  static const nlohmann::json& field_or_null(const nlohmann::json& doc, const char* key) {
    static const nlohmann::json kNull = nullptr;
    auto it = doc.find(key);
    return it == doc.end() ? kNull : *it;
  }

  std::unique_ptr<Normalizer> normalizer_;
  std::unique_ptr<PreTokenizer> pre_tokenizer_;
  std::unique_ptr<PostProcessor> post_processor_;
  std::unique_ptr<Decoder> decoder_;
  std::unique_ptr<Model> model_;
  AddedVocabulary added_;
  std::optional<TruncationConfig> truncation_;
  std::string origin_;
};

Tokenizer::Tokenizer(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}

Tokenizer Tokenizer::from_file(const std::string& tokenizer_json_path) {
  return from_json_string(read_file(tokenizer_json_path), tokenizer_json_path);
}

Tokenizer Tokenizer::from_json_string(const std::string& json, const std::string& origin) {
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(json);
  } catch (const nlohmann::json::parse_error& e) {
    throw TokenizerError(origin + ": invalid JSON: " + e.what());
  }
  return from_document(doc, origin);
}

Tokenizer Tokenizer::from_document(const nlohmann::json& doc, const std::string& origin,
                                   std::unique_ptr<Model> model) {
  const JsonContext ctx{origin, ""};
  require_object(doc, ctx);
  return Tokenizer(std::make_shared<const Impl>(doc, ctx, std::move(model)));
}

std::string Tokenizer::decode(const std::vector<int32_t>& ids, bool skip_special_tokens) const {
  return impl_->decode(ids, skip_special_tokens);
}

std::vector<int32_t> Tokenizer::encode(std::string_view text, bool add_special_tokens) const {
  return impl_->finish(impl_->encode_content(text), add_special_tokens, impl_->file_truncation());
}

std::vector<int32_t> Tokenizer::encode_truncated(std::string_view text, bool add_special_tokens,
                                                 size_t max_length, TruncationSide side) const {
  return impl_->finish(impl_->encode_content(text), add_special_tokens,
                       TruncationConfig{max_length, side});
}

std::vector<std::vector<int32_t>> Tokenizer::encode_batch(const std::vector<std::string>& texts,
                                                          bool add_special_tokens,
                                                          unsigned num_threads) const {
  std::vector<std::vector<int32_t>> results(texts.size());
  parallel_for(texts.size(), num_threads, [&](size_t i) { results[i] = encode(texts[i], add_special_tokens); });
  return results;
}

size_t Tokenizer::num_special_tokens_to_add() const { return impl_->num_special_tokens_to_add(); }

std::optional<int32_t> Tokenizer::token_to_id(std::string_view token) const {
  return impl_->token_to_id(token);
}

std::optional<std::string> Tokenizer::id_to_token(int32_t id) const {
  return impl_->id_to_token(id);
}

size_t Tokenizer::vocab_size() const { return impl_->vocab_size(); }

}  // namespace rb::text
