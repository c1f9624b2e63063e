// DebertaV2ForSequenceClassification against the float64 padded-batch reference
// (deberta_reference.cpp) in four configurations (OpenAssistant-v3 shape with log buckets and
// embed_proj; conv + absolute positions + token types + separate position projections + no
// buckets; one layer with conv and c2p only; no relative attention), plus batch invariance,
// bf16, the bucket function against torch ops, config parsing and errors.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <random>

#include "common/error.h"
#include "deberta_reference.h"
#include "model/models/deberta_v2_attention.h"
#include "model/models/deberta_v2_config.h"
#include "model/loader.h"
#include "tiny_model_writer.h"

namespace rb::testing {
namespace {

using model::PackedBatch;
using nlohmann::json;

json base_config() {
  return {{"architectures", {"DebertaV2ForSequenceClassification"}}, {"model_type", "deberta-v2"},
          {"vocab_size", 97}, {"hidden_size", 32}, {"num_hidden_layers", 2}, {"num_attention_heads", 4},
          {"intermediate_size", 48}, {"max_position_embeddings", 512}, {"layer_norm_eps", 1e-7},
          {"hidden_act", "gelu"}, {"pad_token_id", 0}, {"id2label", {{"0", "LABEL_0"}}}};
}

json config_named(const std::string& name) {
  json config = base_config();
  if (name == "oa_v3") {  // OpenAssistant deberta-v3 shape, buckets that bind on these lengths
    config.update({{"embedding_size", 16}, {"type_vocab_size", 0}, {"position_biased_input", false},
                   {"relative_attention", true}, {"max_relative_positions", 24}, {"position_buckets", 8},
                   {"pos_att_type", {"p2c", "c2p"}}, {"share_att_key", true}, {"norm_rel_ebd", "layer_norm"},
                   {"pooler_hidden_act", "gelu"}});
  } else if (name == "conv_variant") {  // DeBERTa-v2-xlarge style branches
    config.update({{"hidden_size", 24}, {"num_attention_heads", 3}, {"hidden_act", "gelu_new"},
                   {"max_position_embeddings", 64}, {"type_vocab_size", 2}, {"position_biased_input", true},
                   {"relative_attention", true}, {"max_relative_positions", 6}, {"pos_att_type", "C2P | p2c"},
                   {"share_att_key", false}, {"conv_kernel_size", 3}, {"conv_groups", 3}, {"conv_act", "gelu"},
                   {"pooler_hidden_act", "tanh"}, {"id2label", {{"0", "A"}, {"1", "B"}}}});
  } else if (name == "one_layer_c2p") {  // the conv after the only (pooled-only) layer
    config.update({{"num_hidden_layers", 1}, {"position_biased_input", false}, {"relative_attention", true},
                   {"position_buckets", 6}, {"max_relative_positions", 20}, {"pos_att_type", {"c2p"}},
                   {"share_att_key", false}, {"conv_kernel_size", 5}, {"hidden_act", "relu"}});
  } else if (name == "absolute_only") {
    config.update({{"relative_attention", false}, {"position_biased_input", true}, {"hidden_act", "silu"},
                   {"num_labels", 3}});
    config.erase("id2label");
  }
  return config;
}

std::vector<std::vector<int32_t>> make_sequences(int64_t vocab, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int32_t> token(0, static_cast<int32_t>(vocab) - 1);
  std::vector<std::vector<int32_t>> sequences;
  for (int64_t length : {1, 5, 13, 40, 27, 2, 9}) {
    std::vector<int32_t> ids;
    for (int64_t t = 0; t < length; ++t) ids.push_back(token(rng));
    sequences.push_back(ids);
  }
  return sequences;
}

// pool_index is deliberately not the first token: the encoder must pool token 0 anyway.
PackedBatch pack(const std::vector<std::vector<int32_t>>& sequences) {
  PackedBatch batch;
  batch.offsets.push_back(0);
  for (const auto& ids : sequences) {
    batch.token_ids.insert(batch.token_ids.end(), ids.begin(), ids.end());
    batch.offsets.push_back(static_cast<int64_t>(batch.token_ids.size()));
    batch.position_start.push_back(0);
    batch.pool_index.push_back(static_cast<int64_t>(ids.size()) - 1);
  }
  return batch;
}

class DebertaConfigs : public ::testing::TestWithParam<std::string> {};

TEST_P(DebertaConfigs, Fp32MatchesReference) {
  const json config = config_named(GetParam());
  const DebertaTestModel tiny = write_deberta_model(scratch_dir("deberta_" + GetParam()), config, 7);
  const auto sequences = make_sequences(config["vocab_size"], 11);
  const auto expected = deberta_reference_logits(tiny, sequences);
  auto model = model::load_reward_model(tiny.folder, model::LoadOptions{});
  EXPECT_EQ(model->info().architecture, "DebertaV2ForSequenceClassification");
  const auto scores = model->score(pack(sequences));
  ASSERT_EQ(scores.size(), sequences.size());
  double worst = 0;
  for (size_t i = 0; i < sequences.size(); ++i) {
    ASSERT_EQ(scores[i].size(), expected[i].size());
    for (size_t l = 0; l < expected[i].size(); ++l) {
      EXPECT_NEAR(scores[i][l], expected[i][l], 2e-5) << GetParam() << " sequence " << i << " label " << l;
      worst = std::max(worst, std::fabs(scores[i][l] - expected[i][l]));
    }
  }
  std::printf("%s: worst |fp32 - float64 reference| %.3g\n", GetParam().c_str(), worst);

  model::LoadOptions grouped;  // without batch invariance: attention over one padded group
  grouped.batch_invariant = false;
  const auto grouped_scores = model::load_reward_model(tiny.folder, grouped)->score(pack(sequences));
  for (size_t i = 0; i < sequences.size(); ++i)
    for (size_t l = 0; l < expected[i].size(); ++l)
      EXPECT_NEAR(grouped_scores[i][l], expected[i][l], 2e-5) << GetParam() << " grouped, sequence " << i;
}

TEST_P(DebertaConfigs, ScoreDoesNotDependOnBatchNeighbours) {
  const json config = config_named(GetParam());
  const DebertaTestModel tiny = write_deberta_model(scratch_dir("deberta_inv_" + GetParam()), config, 8);
  const auto sequences = make_sequences(config["vocab_size"], 12);
  auto model = model::load_reward_model(tiny.folder, model::LoadOptions{});
  const auto together = model->score(pack(sequences));
  for (size_t i = 0; i < sequences.size(); ++i) {
    const auto alone = model->score(pack({sequences[i]}));
    EXPECT_EQ(alone[0], together[i]) << GetParam() << " sequence " << i;
  }
}

TEST_P(DebertaConfigs, Bf16StaysCloseToReference) {
  const json config = config_named(GetParam());
  const DebertaTestModel tiny = write_deberta_model(scratch_dir("deberta_bf16_" + GetParam()), config, 9, "BF16");
  const auto sequences = make_sequences(config["vocab_size"], 13);
  const auto expected = deberta_reference_logits(tiny, sequences);
  model::LoadOptions options;
  options.dtype = model::DType::BFloat16;
  auto model = model::load_reward_model(tiny.folder, options);
  const auto scores = model->score(pack(sequences));
  for (size_t i = 0; i < sequences.size(); ++i)
    for (size_t l = 0; l < expected[i].size(); ++l)
      EXPECT_NEAR(scores[i][l], expected[i][l], 0.1 * std::max(1.0, std::fabs(expected[i][l])))
          << GetParam() << " sequence " << i;
}

INSTANTIATE_TEST_SUITE_P(Deberta, DebertaConfigs,
                         ::testing::Values("oa_v3", "conv_variant", "one_layer_c2p", "absolute_only"));

// The float32 bucket function against torch's own ops on [L, L] relative positions, for the
// OpenAssistant model's buckets (256 over 512) and small ones, to 2048 tokens.
TEST(DebertaRelativePosition, MatchesTorchLogBuckets) {
  const std::pair<int64_t, int64_t> settings[] = {{256, 512}, {64, 256}, {8, 24}, {32, 128}, {6, 20}, {256, 1024}};
  for (const auto& [buckets, max_position] : settings) {
    const int64_t length = 2048;
    const at::Tensor expected = reference_relative_positions(length, 1, buckets, max_position);  // d = 0..L-1
    const at::Tensor negative = reference_relative_positions(1, length, buckets, max_position);  // d = 0..-(L-1)
    int mismatches = 0;
    for (int64_t d = 0; d < length; ++d) {
      mismatches += model::deberta_relative_position(d, buckets, max_position) != expected[d][0].item<int64_t>();
      mismatches += model::deberta_relative_position(-d, buckets, max_position) != negative[0][d].item<int64_t>();
    }
    EXPECT_EQ(mismatches, 0) << "buckets " << buckets << " max " << max_position;
  }
  EXPECT_EQ(model::deberta_relative_position(-700, -1, 512), -700);  // no bucketing
}

// Groups of consecutive sequences under the element budget, padded slots repeating the last row.
TEST(DebertaPaddedGroups, SplitsByBudgetAndMapsSlots) {
  const std::vector<int64_t> begin{0, 3, 4, 9}, length{3, 1, 5, 2};
  // heads 2, span 2: one group of (3, 1) costs 2 * 2 * 3 * 4 = 48 elements; adding length 5 costs 3 * 2 * 5 * 5 = 150.
  const auto groups = model::deberta::padded_groups(begin, length, 2, 2, 100, at::Device(at::kCPU));
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0].first, 0u);
  EXPECT_EQ(groups[0].last, 2u);
  EXPECT_EQ(groups[0].longest, 3);
  const auto rows0 = groups[0].slot_rows;
  EXPECT_EQ(std::vector<int64_t>(rows0.data_ptr<int64_t>(), rows0.data_ptr<int64_t>() + rows0.numel()),
            (std::vector<int64_t>{0, 1, 2, 3, 3, 3}));
  const auto real0 = groups[0].real_slots;
  EXPECT_EQ(std::vector<int64_t>(real0.data_ptr<int64_t>(), real0.data_ptr<int64_t>() + real0.numel()),
            (std::vector<int64_t>{0, 1, 2, 3}));
  EXPECT_EQ(groups[0].key_valid.sizes(), (std::vector<int64_t>{2, 1, 1, 3}));
  EXPECT_EQ(groups[0].key_valid.sum().item<int64_t>(), 4);
  EXPECT_EQ(groups[1].first, 2u);
  EXPECT_EQ(groups[1].last, 4u);
  EXPECT_EQ(groups[1].longest, 5);
  EXPECT_EQ(groups[1].real_slots.numel(), 7);
  // A single sequence over the budget still gets a group of its own.
  EXPECT_EQ(model::deberta::padded_groups({0}, {50}, 2, 2, 10, at::Device(at::kCPU)).size(), 1u);
}

TEST(DebertaConfig, DefaultsAndLegacyForms) {
  const auto config = model::parse_deberta_v2_config(
      R"({"architectures":["DebertaV2ForSequenceClassification"],"hidden_size":64,"num_attention_heads":4,
          "relative_attention":true,"pos_att_type":"p2c|c2p","norm_rel_ebd":"layer_norm","max_relative_positions":-1})",
      "cfg");
  EXPECT_EQ(config.vocab_size, 128100);
  EXPECT_EQ(config.attention_head_size, 16);
  EXPECT_EQ(config.embedding_size, 64);
  EXPECT_EQ(config.max_relative_positions, 512);  // < 1 -> max_position_embeddings
  EXPECT_EQ(config.attention_span(), 512);
  EXPECT_TRUE(config.c2p && config.p2c);
  EXPECT_EQ(config.scale_factor(), 3);
  EXPECT_TRUE(config.position_biased_input);
  EXPECT_TRUE(config.rel_embeddings_layer_norm);
  EXPECT_EQ(config.common.num_labels, 2);
  EXPECT_EQ(config.common.pad_token_id, 0);
  EXPECT_EQ(config.layer_norm_eps, 1e-7);
}

TEST(DebertaConfig, RejectsWhatItCannotRun) {
  const auto fails = [](const std::string& text, const std::string& field) {
    try {
      model::parse_deberta_v2_config(text, "cfg.json");
      ADD_FAILURE() << "accepted " << text;
    } catch (const ModelError& error) {
      EXPECT_NE(std::string(error.what()).find(field), std::string::npos) << error.what();
      EXPECT_NE(std::string(error.what()).find("cfg.json"), std::string::npos) << error.what();
    }
  };
  fails(R"({"hidden_size":30,"num_attention_heads":4})", "num_attention_heads");
  fails(R"({"hidden_act":"mish"})", "hidden_act");
  fails(R"({"conv_kernel_size":4})", "conv_kernel_size");
  fails(R"({"pooler_hidden_size":12})", "pooler_hidden_size");
  fails(R"({"pos_att_type":7})", "pos_att_type");
  fails(R"({"position_buckets":1})", "position_buckets");
}

// Old checkpoints name LayerNorm parameters gamma/beta (transformers renames them on load).
TEST(DebertaModel, ReadsLegacyLayerNormNames) {
  const DebertaTestModel tiny = write_deberta_model(scratch_dir("deberta_legacy"), config_named("oa_v3"), 4);
  const auto sequences = make_sequences(97, 5);
  const auto expected = model::load_reward_model(tiny.folder, model::LoadOptions{})->score(pack(sequences));
  std::map<std::string, RawTensor> renamed;
  for (const auto& [name, weight] : tiny.weights) {
    std::string legacy = name;
    if (name.find("LayerNorm.") != std::string::npos) {
      const size_t dot = name.rfind('.');
      legacy = name.substr(0, dot) + (name.substr(dot) == ".weight" ? ".gamma" : ".beta");
    }
    renamed[legacy] = make_tensor("F32", weight.first, weight.second);
  }
  ASSERT_EQ(renamed.count("deberta.embeddings.LayerNorm.gamma"), 1u);
  write_safetensors(tiny.folder + "/model.safetensors", renamed);
  EXPECT_EQ(model::load_reward_model(tiny.folder, model::LoadOptions{})->score(pack(sequences)), expected);
}

TEST(DebertaModel, LoadAndBatchErrors) {
  json config = config_named("conv_variant");
  const DebertaTestModel tiny = write_deberta_model(scratch_dir("deberta_errors"), config, 3);
  auto model = model::load_reward_model(tiny.folder, model::LoadOptions{});
  PackedBatch too_long = pack({std::vector<int32_t>(65, 5)});  // absolute positions stop at 64
  EXPECT_THROW(model->score(too_long), InputError);
  PackedBatch bad_token = pack({{1, 2, 97}});
  EXPECT_THROW(model->score(bad_token), InputError);
  EXPECT_TRUE(model->score(PackedBatch{{}, {0}, {}, {}}).empty());

  config["conv_kernel_size"] = 5;  // the checkpoint's conv weight is [24, 8, 3]
  std::ofstream(tiny.folder + "/config.json") << config.dump();
  try {
    model::load_reward_model(tiny.folder, model::LoadOptions{});
    ADD_FAILURE() << "mis-shaped conv weight accepted";
  } catch (const ModelError& error) {
    EXPECT_NE(std::string(error.what()).find("deberta.encoder.conv.conv.weight"), std::string::npos) << error.what();
  }
  EXPECT_THROW(model::load_causal_lm(tiny.folder, model::LoadOptions{}), ModelError);  // an encoder: no LM form
}

}  // namespace
}  // namespace rb::testing
