#include "deberta_reference.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>

#include "tiny_model_writer.h"

namespace rb::testing {
namespace {

using nlohmann::json;

// getattr(config, key, fallback) as modeling_deberta_v2.py reads it.
template <typename T>
T get(const json& config, const std::string& key, T fallback) {
  if (!config.contains(key) || config[key].is_null()) return fallback;
  return config[key].get<T>();
}

bool has_type(const json& config, const std::string& type) {
  if (!config.contains("pos_att_type") || config["pos_att_type"].is_null()) return false;
  const json& value = config["pos_att_type"];
  if (value.is_string()) {
    std::string text = value.get<std::string>();
    for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    size_t start = 0;
    while (true) {
      size_t bar = text.find('|', start);
      std::string item = text.substr(start, bar == std::string::npos ? std::string::npos : bar - start);
      item.erase(0, item.find_first_not_of(' '));
      item.erase(item.find_last_not_of(' ') + 1);
      if (item == type) return true;
      if (bar == std::string::npos) return false;
      start = bar + 1;
    }
  }
  for (const json& item : value)
    if (item.get<std::string>() == type) return true;
  return false;
}

struct Shape {
  int64_t vocab, hidden, embedding, layers, heads, head_size, inner, max_positions, type_vocab;
  int64_t span, buckets, max_relative, kernel, groups, labels;
  bool relative, biased_input, share_key, c2p, p2c, rel_norm;
};

Shape shape_of(const json& c) {
  Shape s{};
  s.vocab = get<int64_t>(c, "vocab_size", 128100);
  s.hidden = get<int64_t>(c, "hidden_size", 1536);
  s.embedding = get<int64_t>(c, "embedding_size", s.hidden);
  s.layers = get<int64_t>(c, "num_hidden_layers", 24);
  s.heads = get<int64_t>(c, "num_attention_heads", 24);
  s.head_size = get<int64_t>(c, "attention_head_size", s.hidden / s.heads);
  s.inner = get<int64_t>(c, "intermediate_size", 6144);
  s.max_positions = get<int64_t>(c, "max_position_embeddings", 512);
  s.type_vocab = get<int64_t>(c, "type_vocab_size", 0);
  s.relative = get<bool>(c, "relative_attention", false);
  s.max_relative = get<int64_t>(c, "max_relative_positions", -1);
  if (s.max_relative < 1) s.max_relative = s.max_positions;
  s.buckets = get<int64_t>(c, "position_buckets", -1);
  s.span = s.buckets > 0 ? s.buckets : s.max_relative;
  s.biased_input = get<bool>(c, "position_biased_input", true);
  s.share_key = get<bool>(c, "share_att_key", false);
  s.c2p = has_type(c, "c2p");
  s.p2c = has_type(c, "p2c");
  s.rel_norm = get<std::string>(c, "norm_rel_ebd", "none").find("layer_norm") != std::string::npos;
  s.kernel = get<int64_t>(c, "conv_kernel_size", 0);
  s.groups = get<int64_t>(c, "conv_groups", 1);
  s.labels = c.contains("id2label") ? static_cast<int64_t>(c["id2label"].size()) : get<int64_t>(c, "num_labels", 2);
  return s;
}

std::vector<std::pair<std::string, std::vector<int64_t>>> weight_shapes(const Shape& s) {
  std::vector<std::pair<std::string, std::vector<int64_t>>> shapes;
  const int64_t all = s.heads * s.head_size;
  auto linear = [&](const std::string& name, int64_t out, int64_t in, bool bias) {
    shapes.push_back({name + ".weight", {out, in}});
    if (bias) shapes.push_back({name + ".bias", {out}});
  };
  auto norm = [&](const std::string& name) {
    shapes.push_back({name + ".weight", {s.hidden}});
    shapes.push_back({name + ".bias", {s.hidden}});
  };
  shapes.push_back({"deberta.embeddings.word_embeddings.weight", {s.vocab, s.embedding}});
  if (s.biased_input) shapes.push_back({"deberta.embeddings.position_embeddings.weight", {s.max_positions, s.embedding}});
  if (s.type_vocab > 0) shapes.push_back({"deberta.embeddings.token_type_embeddings.weight", {s.type_vocab, s.embedding}});
  if (s.embedding != s.hidden) linear("deberta.embeddings.embed_proj", s.hidden, s.embedding, false);
  norm("deberta.embeddings.LayerNorm");
  if (s.relative) shapes.push_back({"deberta.encoder.rel_embeddings.weight", {2 * s.span, s.hidden}});
  if (s.rel_norm) norm("deberta.encoder.LayerNorm");
  if (s.kernel > 0) {
    shapes.push_back({"deberta.encoder.conv.conv.weight", {s.hidden, s.hidden / s.groups, s.kernel}});
    shapes.push_back({"deberta.encoder.conv.conv.bias", {s.hidden}});
    norm("deberta.encoder.conv.LayerNorm");
  }
  for (int64_t i = 0; i < s.layers; ++i) {
    const std::string p = "deberta.encoder.layer." + std::to_string(i) + ".";
    linear(p + "attention.self.query_proj", all, s.hidden, true);
    linear(p + "attention.self.key_proj", all, s.hidden, true);
    linear(p + "attention.self.value_proj", all, s.hidden, true);
    if (s.relative && !s.share_key && s.c2p) linear(p + "attention.self.pos_key_proj", all, s.hidden, true);
    if (s.relative && !s.share_key && s.p2c) linear(p + "attention.self.pos_query_proj", all, s.hidden, true);
    linear(p + "attention.output.dense", s.hidden, all, true);
    norm(p + "attention.output.LayerNorm");
    linear(p + "intermediate.dense", s.inner, s.hidden, true);
    linear(p + "output.dense", s.hidden, s.inner, true);
    norm(p + "output.LayerNorm");
  }
  linear("pooler.dense", s.hidden, s.hidden, true);
  linear("classifier", s.labels, s.hidden, true);
  return shapes;
}

float representable(const std::string& dtype, float value) {
  return dtype == "BF16" ? bf16_bits_to_float(float_to_bf16_bits(value)) : value;
}

std::vector<float> random_values(const std::string& name, const std::vector<int64_t>& shape, std::mt19937& rng,
                                 const std::string& dtype) {
  int64_t count = 1;
  for (int64_t d : shape) count *= d;
  float center = 0.0f, spread = 1.0f / std::sqrt(static_cast<float>(shape.back()));
  const bool is_norm = name.find("LayerNorm") != std::string::npos;
  if (is_norm && name.size() > 7 && name.compare(name.size() - 7, 7, ".weight") == 0) {
    center = 1.0f;
    spread = 0.3f;
  } else if (name.size() > 5 && name.compare(name.size() - 5, 5, ".bias") == 0) {
    spread = 0.3f;
  } else if (name.find("embeddings.weight") != std::string::npos) {
    spread = 1.5f;
  } else if (shape.size() == 3) {
    spread = 1.0f / std::sqrt(static_cast<float>(shape[1] * shape[2]));
  }
  std::uniform_real_distribution<float> uniform(-spread, spread);
  std::vector<float> values(static_cast<size_t>(count));
  for (float& value : values) value = representable(dtype, center + uniform(rng));
  return values;
}

at::Tensor tensor_of(const DebertaTestModel& model, const std::string& name) {
  const auto& [shape, values] = model.weights.at(name);
  at::Tensor t = at::empty(shape, at::kFloat);
  std::copy(values.begin(), values.end(), t.data_ptr<float>());
  return t.to(at::kDouble);
}

bool has_weight(const DebertaTestModel& model, const std::string& name) { return model.weights.count(name) > 0; }

at::Tensor linear(const DebertaTestModel& m, const std::string& name, const at::Tensor& x) {
  at::Tensor y = at::matmul(x, tensor_of(m, name + ".weight").t());
  return has_weight(m, name + ".bias") ? y + tensor_of(m, name + ".bias") : y;
}

// torch.nn.LayerNorm written out: (x - mean) / sqrt(var + eps) * w + b, biased variance.
at::Tensor layer_norm(const DebertaTestModel& m, const std::string& name, const at::Tensor& x, double eps) {
  at::Tensor mean = x.mean(-1, true);
  at::Tensor var = (x - mean).pow(2).mean(-1, true);
  return (x - mean) / at::sqrt(var + eps) * tensor_of(m, name + ".weight") + tensor_of(m, name + ".bias");
}

at::Tensor act(const std::string& name, const at::Tensor& x) {
  if (name == "gelu") return 0.5 * x * (1.0 + at::erf(x / std::sqrt(2.0)));
  if (name == "gelu_new" || name == "gelu_pytorch_tanh")
    return 0.5 * x * (1.0 + at::tanh(std::sqrt(2.0 / 3.14159265358979323846) * (x + 0.044715 * x * x * x)));
  if (name == "tanh") return at::tanh(x);
  if (name == "relu") return at::clamp_min(x, 0.0);
  if (name == "silu" || name == "swish") return x / (1.0 + at::exp(-x));
  if (name == "sigmoid") return 1.0 / (1.0 + at::exp(-x));
  throw std::runtime_error("reference: no activation " + name);
}

// [B, L, H*D] -> [B, H, L, D]
at::Tensor heads_of(const at::Tensor& x, int64_t heads) {
  return x.view({x.size(0), x.size(1), heads, -1}).permute({0, 2, 1, 3});
}

}  // namespace

at::Tensor reference_relative_positions(int64_t query_size, int64_t key_size, int64_t bucket_size,
                                        int64_t max_position) {
  at::Tensor q = at::arange(query_size, at::kLong), k = at::arange(key_size, at::kLong);
  at::Tensor rel = q.unsqueeze(1) - k.unsqueeze(0);
  if (bucket_size > 0 && max_position > 0) {  // make_log_bucket_position, float32 like torch
    at::Tensor sign = at::sign(rel);
    const int64_t mid = bucket_size / 2;
    at::Tensor abs_pos = at::where(at::logical_and(rel < mid, rel > -mid), at::scalar_tensor(mid - 1, at::kLong), at::abs(rel));
    at::Tensor log_pos =
        at::ceil(at::log(abs_pos.to(at::kFloat) / static_cast<float>(mid)) /
                 at::log(at::scalar_tensor(static_cast<double>(max_position - 1) / mid, at::kFloat)) *
                 static_cast<float>(mid - 1)) + static_cast<float>(mid);
    rel = at::where(abs_pos <= mid, rel.to(at::kFloat), log_pos * sign.to(at::kFloat));
  }
  return rel.to(at::kLong);
}

DebertaTestModel write_deberta_model(const std::string& folder, const nlohmann::json& config, uint32_t seed,
                                     const std::string& storage_dtype) {
  DebertaTestModel model;
  model.folder = folder;
  model.config = config;
  std::filesystem::create_directories(folder);
  std::mt19937 rng(seed);
  std::map<std::string, RawTensor> tensors;
  for (const auto& [name, shape] : weight_shapes(shape_of(config))) {
    model.weights[name] = {shape, random_values(name, shape, rng, storage_dtype)};
    tensors[name] = make_tensor(storage_dtype, shape, model.weights[name].second);
  }
  write_safetensors(folder + "/model.safetensors", tensors, {{"format", "pt"}});
  std::ofstream(folder + "/config.json") << config.dump(2);
  return model;
}

std::vector<std::vector<double>> deberta_reference_logits(const DebertaTestModel& m,
                                                          const std::vector<std::vector<int32_t>>& sequences) {
  const json& c = m.config;
  const Shape s = shape_of(c);
  const double eps = get<double>(c, "layer_norm_eps", 1e-7);
  const auto batch = static_cast<int64_t>(sequences.size());
  int64_t length = 0;
  for (const auto& ids : sequences) length = std::max<int64_t>(length, static_cast<int64_t>(ids.size()));
  at::Tensor ids = at::zeros({batch, length}, at::kLong);  // right padding with id 0
  at::Tensor mask = at::zeros({batch, length}, at::kDouble);
  for (int64_t b = 0; b < batch; ++b)
    for (size_t t = 0; t < sequences[b].size(); ++t) {
      ids[b][static_cast<int64_t>(t)] = sequences[b][t];
      mask[b][static_cast<int64_t>(t)] = 1.0;
    }

  // DebertaV2Embeddings
  at::Tensor x = at::embedding(tensor_of(m, "deberta.embeddings.word_embeddings.weight"), ids);
  if (s.biased_input)
    x = x + at::embedding(tensor_of(m, "deberta.embeddings.position_embeddings.weight"), at::arange(length, at::kLong)).unsqueeze(0);
  if (s.type_vocab > 0)
    x = x + at::embedding(tensor_of(m, "deberta.embeddings.token_type_embeddings.weight"), at::zeros_like(ids));
  if (s.embedding != s.hidden) x = linear(m, "deberta.embeddings.embed_proj", x);
  x = layer_norm(m, "deberta.embeddings.LayerNorm", x, eps) * mask.unsqueeze(2);
  const at::Tensor embedded = x;

  // DebertaV2Encoder
  const at::Tensor pair_mask = (mask.unsqueeze(1).unsqueeze(2) * mask.unsqueeze(1).unsqueeze(3)) > 0;  // [B,1,L,L]
  const at::Tensor rel_pos = reference_relative_positions(length, length, s.buckets, s.max_relative);
  at::Tensor rel_embeddings;
  if (s.relative) {
    rel_embeddings = tensor_of(m, "deberta.encoder.rel_embeddings.weight");
    if (s.rel_norm) rel_embeddings = layer_norm(m, "deberta.encoder.LayerNorm", rel_embeddings, eps);
  }
  const double scale = std::sqrt(static_cast<float>(s.head_size) * static_cast<float>(1 + s.c2p + s.p2c));
  const std::string hidden_act = get<std::string>(c, "hidden_act", "gelu");
  for (int64_t i = 0; i < s.layers; ++i) {
    const std::string p = "deberta.encoder.layer." + std::to_string(i) + ".";
    at::Tensor q = heads_of(linear(m, p + "attention.self.query_proj", x), s.heads);
    at::Tensor k = heads_of(linear(m, p + "attention.self.key_proj", x), s.heads);
    at::Tensor v = heads_of(linear(m, p + "attention.self.value_proj", x), s.heads);
    at::Tensor scores = at::matmul(q, k.transpose(-1, -2) / scale);
    if (s.relative) {
      const int64_t span = s.span;
      at::Tensor rel = rel_embeddings.slice(0, 0, 2 * span).unsqueeze(0);
      const auto expand = [&](const at::Tensor& index) { return index.expand({batch, s.heads, length, length}); };
      if (s.c2p) {
        at::Tensor pos_key = heads_of(linear(m, p + (s.share_key ? "attention.self.key_proj" : "attention.self.pos_key_proj"), rel), s.heads);
        at::Tensor c2p = at::matmul(q, pos_key.transpose(-1, -2));
        at::Tensor c2p_pos = at::clamp(rel_pos + span, 0, 2 * span - 1);
        scores = scores + at::gather(c2p, -1, expand(c2p_pos)) / scale;
      }
      if (s.p2c) {
        at::Tensor pos_query = heads_of(linear(m, p + (s.share_key ? "attention.self.query_proj" : "attention.self.pos_query_proj"), rel), s.heads);
        at::Tensor p2c = at::matmul(k, pos_query.transpose(-1, -2));
        at::Tensor p2c_pos = at::clamp(-rel_pos + span, 0, 2 * span - 1);
        scores = scores + at::gather(p2c, -1, expand(p2c_pos)).transpose(-1, -2) / scale;
      }
    }
    scores = scores.masked_fill(at::logical_not(pair_mask), std::numeric_limits<double>::lowest());
    at::Tensor context = at::matmul(at::softmax(scores, -1), v).permute({0, 2, 1, 3}).reshape({batch, length, -1});
    at::Tensor attention = layer_norm(m, p + "attention.output.LayerNorm", linear(m, p + "attention.output.dense", context) + x, eps);
    at::Tensor inner = act(hidden_act, linear(m, p + "intermediate.dense", attention));
    at::Tensor output = layer_norm(m, p + "output.LayerNorm", linear(m, p + "output.dense", inner) + attention, eps);
    if (i == 0 && s.kernel > 0) {  // ConvLayer
      at::Tensor conv = at::conv1d(embedded.permute({0, 2, 1}), tensor_of(m, "deberta.encoder.conv.conv.weight"),
                                   tensor_of(m, "deberta.encoder.conv.conv.bias"), {1}, {(s.kernel - 1) / 2}, {1}, s.groups)
                            .permute({0, 2, 1});
      conv = conv.masked_fill((mask == 0).unsqueeze(2), 0.0);
      conv = act(get<std::string>(c, "conv_act", "tanh"), conv);
      output = layer_norm(m, "deberta.encoder.conv.LayerNorm", output + conv, eps) * mask.unsqueeze(2);
    }
    x = output;
  }
  at::Tensor pooled = act(get<std::string>(c, "pooler_hidden_act", "gelu"), linear(m, "pooler.dense", x.select(1, 0)));
  at::Tensor logits = linear(m, "classifier", pooled).contiguous();
  std::vector<std::vector<double>> result(static_cast<size_t>(batch));
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t l = 0; l < s.labels; ++l) result[b].push_back(logits[b][l].item<double>());
  return result;
}

}  // namespace rb::testing
