#include "text/tokenizer/decoder.h"

#include <unordered_map>

#include "common/utf8.h"
#include "text/tokenizer/byte_level.h"

namespace rb::text {

namespace {

const char* const kReplacementChar = "\xEF\xBF\xBD";

std::string replace_all(const std::string& text, const std::string& from, const std::string& to) {
  if (from.empty()) return text;
  std::string out;
  size_t copied = 0;
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, copied)) {
    out.append(text, copied, at - copied);
    out += to;
    copied = at + from.size();
  }
  out.append(text, copied, std::string::npos);
  return out;
}

class ByteLevelDecoder final : public Decoder {
 public:
  ByteLevelDecoder() {
    ByteLevelAlphabet alphabet;
    for (int b = 0; b < 256; ++b) bytes_[alphabet.code_point(static_cast<unsigned char>(b))] = static_cast<char>(b);
  }
  std::vector<std::string> decode_chain(std::vector<std::string> tokens) const override {
    std::string bytes;
    for (const std::string& token : tokens) {
      std::string mapped;
      bool all_mapped = true;
      size_t pos = 0;
      while (pos < token.size()) {
        auto it = bytes_.find(utf8::decode_next(token, pos));
        if (it == bytes_.end()) {
          all_mapped = false;
          break;
        }
        mapped.push_back(it->second);
      }
      bytes += all_mapped ? mapped : token;  // a token outside the alphabet keeps its own bytes
    }
    return {utf8_lossy(bytes)};
  }

 private:
  std::unordered_map<char32_t, char> bytes_;
};

class MetaspaceDecoder final : public Decoder {
 public:
  MetaspaceDecoder(std::string replacement, bool strip_first)
      : replacement_(std::move(replacement)), strip_first_(strip_first) {}
  std::vector<std::string> decode_chain(std::vector<std::string> tokens) const override {
    for (size_t i = 0; i < tokens.size(); ++i) {
      // Rust drops every replacement of the first token (not only a leading one) there.
      tokens[i] = replace_all(tokens[i], replacement_, i == 0 && strip_first_ ? "" : " ");
    }
    return tokens;
  }

 private:
  std::string replacement_;
  bool strip_first_;
};

// BERT's clean_up_tokenization of the WordPiece decoder.
std::string cleanup_tokenization(std::string text) {
  static const std::pair<const char*, const char*> kRules[] = {
      {" .", "."}, {" ?", "?"}, {" !", "!"}, {" ,", ","}, {" ' ", "'"}, {" n't", "n't"},
      {" 'm", "'m"}, {" do not", " don't"}, {" 's", "'s"}, {" 've", "'ve"}, {" 're", "'re"}};
  for (const auto& [from, to] : kRules) text = replace_all(text, from, to);
  return text;
}

class WordPieceDecoder final : public Decoder {
 public:
  WordPieceDecoder(std::string prefix, bool cleanup) : prefix_(std::move(prefix)), cleanup_(cleanup) {}
  std::vector<std::string> decode_chain(std::vector<std::string> tokens) const override {
    for (size_t i = 0; i < tokens.size(); ++i) {
      std::string& token = tokens[i];
      if (i != 0) {
        if (token.compare(0, prefix_.size(), prefix_) == 0) {
          token.erase(0, prefix_.size());
        } else {
          token.insert(0, " ");
        }
      }
      if (cleanup_) token = cleanup_tokenization(token);
    }
    return tokens;
  }

 private:
  std::string prefix_;
  bool cleanup_;
};

class BpeSuffixDecoder final : public Decoder {
 public:
  explicit BpeSuffixDecoder(std::string suffix) : suffix_(std::move(suffix)) {}
  std::vector<std::string> decode_chain(std::vector<std::string> tokens) const override {
    for (size_t i = 0; i < tokens.size(); ++i) {
      tokens[i] = replace_all(tokens[i], suffix_, i + 1 == tokens.size() ? "" : " ");
    }
    return tokens;
  }

 private:
  std::string suffix_;
};

class CtcDecoder final : public Decoder {
 public:
  CtcDecoder(std::string pad, std::string delimiter, bool cleanup)
      : pad_(std::move(pad)), delimiter_(std::move(delimiter)), cleanup_(cleanup) {}
  std::vector<std::string> decode_chain(std::vector<std::string> tokens) const override {
    std::vector<std::string> out;
    for (size_t i = 0; i < tokens.size(); ++i) {
      if (i > 0 && tokens[i] == tokens[i - 1]) continue;  // dedup consecutive repeats
      std::string token = replace_all(tokens[i], pad_, "");
      if (cleanup_) token = replace_all(cleanup_tokenization(token), delimiter_, " ");
      if (!token.empty()) out.push_back(std::move(token));
    }
    return out;
  }

 private:
  std::string pad_;
  std::string delimiter_;
  bool cleanup_;
};

class ReplaceDecoder final : public Decoder {
 public:
  ReplaceDecoder(std::string from, std::string to) : from_(std::move(from)), to_(std::move(to)) {}
  std::vector<std::string> decode_chain(std::vector<std::string> tokens) const override {
    for (std::string& token : tokens) token = replace_all(token, from_, to_);
    return tokens;
  }

 private:
  std::string from_;
  std::string to_;
};

// "<0xAB>" tokens: consecutive ones are gathered into bytes and decoded together.
class ByteFallbackDecoder final : public Decoder {
 public:
  std::vector<std::string> decode_chain(std::vector<std::string> tokens) const override {
    std::vector<std::string> out;
    std::string pending;
    size_t pending_count = 0;
    auto flush = [&] {
      if (pending_count == 0) return;
      if (utf8::find_invalid(pending) == std::string::npos) {
        out.push_back(pending);
      } else {
        for (size_t i = 0; i < pending_count; ++i) out.push_back(kReplacementChar);
      }
      pending.clear();
      pending_count = 0;
    };
    for (std::string& token : tokens) {
      int byte = -1;
      if (token.size() == 6 && token.compare(0, 3, "<0x") == 0 && token[5] == '>') {
        byte = parse_hex_byte(token[3], token[4]);
      }
      if (byte >= 0) {
        pending.push_back(static_cast<char>(byte));
        ++pending_count;
      } else {
        flush();
        out.push_back(std::move(token));
      }
    }
    flush();
    return out;
  }

 private:
  static int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  }
  static int parse_hex_byte(char high, char low) {
    const int h = hex_digit(high);
    const int l = hex_digit(low);
    return h < 0 || l < 0 ? -1 : h * 16 + l;
  }
};

class FuseDecoder final : public Decoder {
 public:
  std::vector<std::string> decode_chain(std::vector<std::string> tokens) const override {
    std::string joined;
    for (const std::string& token : tokens) joined += token;
    return {joined};
  }
};

// Strip: removes up to `start` leading and `stop` trailing copies of one character per token.
class StripDecoder final : public Decoder {
 public:
  StripDecoder(std::string content, size_t start, size_t stop)
      : content_(std::move(content)), start_(start), stop_(stop) {}
  std::vector<std::string> decode_chain(std::vector<std::string> tokens) const override {
    for (std::string& token : tokens) {
      size_t begin = 0;
      for (size_t i = 0; i < start_ && token.compare(begin, content_.size(), content_) == 0; ++i) {
        begin += content_.size();
      }
      size_t end = token.size();
      for (size_t i = 0; i < stop_ && end >= begin + content_.size() &&
                         token.compare(end - content_.size(), content_.size(), content_) == 0;
           ++i) {
        end -= content_.size();
      }
      token = token.substr(begin, end - begin);
    }
    return tokens;
  }

 private:
  std::string content_;
  size_t start_;
  size_t stop_;
};

class SequenceDecoder final : public Decoder {
 public:
  explicit SequenceDecoder(std::vector<std::unique_ptr<Decoder>> steps) : steps_(std::move(steps)) {}
  std::vector<std::string> decode_chain(std::vector<std::string> tokens) const override {
    for (const auto& step : steps_) tokens = step->decode_chain(std::move(tokens));
    return tokens;
  }

 private:
  std::vector<std::unique_ptr<Decoder>> steps_;
};

size_t size_or(const nlohmann::json& config, const char* key, size_t fallback, const JsonContext& ctx) {
  if (!has_non_null(config, key)) return fallback;
  const int64_t value = require_integer(config.at(key), ctx.child(key));
  if (value < 0) ctx.child(key).fail("must not be negative");
  return static_cast<size_t>(value);
}

}  // namespace

std::string utf8_lossy(const std::string& bytes) {
  std::string out;
  out.reserve(bytes.size());
  size_t pos = 0;
  while (pos < bytes.size()) {
    const size_t bad = utf8::find_invalid(std::string_view(bytes).substr(pos));
    if (bad == std::string_view::npos) {
      out.append(bytes, pos, std::string::npos);
      break;
    }
    out.append(bytes, pos, bad);
    pos += bad;
    // The maximal prefix of a valid sequence counts as one error (WHATWG / Rust rule).
    size_t length = 1;
    const auto lead = static_cast<unsigned char>(bytes[pos]);
    const size_t expected = utf8::sequence_length(lead);
    if (expected > 1 && lead >= 0xC2 && lead <= 0xF4) {
      while (length < expected && pos + length < bytes.size()) {
        const auto next = static_cast<unsigned char>(bytes[pos + length]);
        unsigned char low = 0x80, high = 0xBF;
        if (length == 1) {
          if (lead == 0xE0) low = 0xA0;
          if (lead == 0xED) high = 0x9F;
          if (lead == 0xF0) low = 0x90;
          if (lead == 0xF4) high = 0x8F;
        }
        if (next < low || next > high) break;
        ++length;
      }
    }
    out += kReplacementChar;
    pos += length;
  }
  return out;
}

std::unique_ptr<Decoder> make_decoder(const nlohmann::json& config, const JsonContext& ctx) {
  if (config.is_null()) return nullptr;
  const std::string type = component_type(config, ctx);
  if (type == "ByteLevel") return std::make_unique<ByteLevelDecoder>();
  if (type == "Metaspace") {
    std::string scheme = "always";
    if (has_non_null(config, "prepend_scheme")) {
      scheme = string_or(config, "prepend_scheme", "always", ctx);
    } else if (has_non_null(config, "add_prefix_space")) {
      scheme = bool_or(config, "add_prefix_space", true, ctx) ? "always" : "never";
    }
    return std::make_unique<MetaspaceDecoder>(string_or(config, "replacement", "\u2581", ctx),
                                              scheme != "never");
  }
  if (type == "WordPiece") {
    return std::make_unique<WordPieceDecoder>(string_or(config, "prefix", "##", ctx),
                                              bool_or(config, "cleanup", true, ctx));
  }
  if (type == "BPEDecoder") return std::make_unique<BpeSuffixDecoder>(string_or(config, "suffix", "</w>", ctx));
  if (type == "CTC") {
    return std::make_unique<CtcDecoder>(string_or(config, "pad_token", "<pad>", ctx),
                                        string_or(config, "word_delimiter_token", "|", ctx),
                                        bool_or(config, "cleanup", true, ctx));
  }
  if (type == "Replace") {
    const JsonContext pattern_ctx = ctx.child("pattern");
    const auto& pattern = require_object(require_field(config, "pattern", ctx), pattern_ctx);
    if (!pattern.contains("String")) pattern_ctx.fail("only String patterns are supported in decoders");
    return std::make_unique<ReplaceDecoder>(require_string(pattern.at("String"), pattern_ctx.child("String")),
                                            require_string(require_field(config, "content", ctx), ctx.child("content")));
  }
  if (type == "ByteFallback") return std::make_unique<ByteFallbackDecoder>();
  if (type == "Fuse") return std::make_unique<FuseDecoder>();
  if (type == "Strip") {
    return std::make_unique<StripDecoder>(string_or(config, "content", " ", ctx),
                                          size_or(config, "start", 0, ctx), size_or(config, "stop", 0, ctx));
  }
  if (type == "Sequence")
    return std::make_unique<SequenceDecoder>(
        sequence_steps<Decoder>(config, "decoders", ctx, make_decoder));
  ctx.fail("unsupported decoder type '" + type + "'");
}

}  // namespace rb::text
