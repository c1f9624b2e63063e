// DPO parity with the reference (transformers 5.17 + RewardBench's DPOInference rules, reproduced
// by tools/parity/make_dpo_fixtures.py on the GPU machine) on the committed fixtures in
// tests/fixtures/dpo/<case>/ over 50 pairs of real text:
//   - every rendered prompt and full text has the SHA-1 of transformers' apply_chat_template,
//   - every token-id list (double BOS, EOS, boundary fix, keep_end truncation) and prompt length
//     matches the reference tokenize_row,
//   - fp32 CPU rewards for --ref_model (ratio) and reference-free avg / sum / norm: identical decisions
//     (except where the reference's own margin is within the tolerances: counted and printed), and
//     1e-4 per scored token: |diff| <= 1e-4 for avg, 1e-4 * n for a sum of n log-probs (magnitude up to
//     ~3e4, where one float32 ulp is ~2e-3), 2e-4 * n for the ratio, 1e-4 * sqrt(n) for the norm.
// Needs ../shared (texts and templates) and the npm registry (tokenizers); skips without them, and
// while a case's golden.json has not been generated yet.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <map>

#include <nlohmann/json.hpp>

#include "../support/parity_fixture.h"
#include "../support/test_support.h"
#include "common/error.h"
#include "eval/dataset.h"
#include "eval/implicit_reward.h"
#include "model/loader.h"
#include "pipeline/dpo_log_probs.h"
#include "pipeline/dpo_tokenization.h"
#include "pipeline/pair_renderer.h"
#include "pipeline/text_builder.h"
#include "pipeline/tokenizer_folder.h"

namespace {
namespace fs = std::filesystem;
using nlohmann::json;

using rb::testing::ids_key;

// Both sides are float32 forward passes (libtorch here, torch 2.11 there) whose per-token log-probs
// agree to ~1e-5 (the model parity tests measure the same for scores); reductions over n tokens
// accumulate that, so the tolerance is per scored token.
constexpr double kTolerancePerToken = 1e-4;

std::string fixture_root() { return rb::testing::source_dir() + "/tests/fixtures/dpo/"; }

using Prepared = rb::testing::PreparedFixture;

std::optional<Prepared> prepare(const std::string& name, std::string* skip) {
  return rb::testing::prepare_parity_fixture(fixture_root() + name, "dpo-parity/" + name, skip);
}

struct Tokenized {
  std::vector<rb::eval::PreferenceRow> rows;
  std::vector<rb::eval::RenderedTexts> texts;
  std::vector<rb::pipeline::DpoPair> pairs;
  rb::pipeline::DpoSpecialIds special;
};

Tokenized tokenize(const Prepared& p) {
  Tokenized t;
  auto folder = rb::pipeline::load_tokenizer_folder(p.folder);
  rb::pipeline::apply_dpo_special_tokens(folder);
  t.special = rb::pipeline::dpo_special_ids(folder);
  const rb::pipeline::TextBuilder builder(folder, "tulu");
  EXPECT_TRUE(builder.uses_tokenizer_template());
  t.rows = rb::eval::load_preference_rows(p.pairs_path, {});
  t.texts = rb::pipeline::render_pairs(t.rows, builder);
  const auto encode = rb::pipeline::encoder_without_specials(folder);
  const rb::pipeline::DpoTruncation truncation{p.fixture["max_length"].get<size_t>(),
                                               p.fixture["max_prompt_length"].get<size_t>()};
  for (const auto& text : t.texts)
    t.pairs.push_back(rb::pipeline::tokenize_dpo_pair(encode, t.special, text.prompt, text.chosen, text.rejected, truncation));
  return t;
}

class DpoParityTest : public ::testing::TestWithParam<std::string> {};

TEST_P(DpoParityTest, TextsAndTokensMatchTheReference) {
  std::string skip;
  auto p = prepare(GetParam(), &skip);
  if (!p) GTEST_SKIP() << skip;
  const auto& golden = p->golden;
  const auto t = tokenize(*p);
  ASSERT_EQ(t.rows.size(), golden["examples"].size());
  EXPECT_EQ(t.special.bos, golden["bos_token_id"].get<int32_t>());
  EXPECT_EQ(t.special.eos, golden["eos_token_id"].get<int32_t>());
  EXPECT_EQ(t.special.pad, golden["pad_token_id"].get<int32_t>());
  EXPECT_EQ(t.texts[0].prompt, golden["first_texts"]["prompt"].get<std::string>());
  EXPECT_EQ(t.texts[0].chosen, golden["first_texts"]["chosen"].get<std::string>());
  EXPECT_EQ(t.pairs[0].chosen.ids, golden["first_ids"]["chosen"]["input_ids"].get<std::vector<int32_t>>());
  EXPECT_EQ(t.pairs[0].chosen.labels(), golden["first_ids"]["chosen"]["labels"].get<std::vector<int32_t>>());
  EXPECT_EQ(t.pairs[0].rejected.labels(), golden["first_ids"]["rejected"]["labels"].get<std::vector<int32_t>>());

  size_t texts_ok = 0, ids_ok = 0, checked = 0, boundary_fixes = 0, truncated = 0;
  for (size_t i = 0; i < t.rows.size(); ++i) {
    const auto& e = golden["examples"][i];
    texts_ok += rb::testing::sha1_hex(t.texts[i].prompt) == e["prompt_sha1"] &&
                rb::testing::sha1_hex(t.texts[i].chosen) == e["text_chosen_sha1"] &&
                rb::testing::sha1_hex(t.texts[i].rejected) == e["text_rejected_sha1"];
    for (const char* side : {"chosen", "rejected"}) {
      const auto& ours = std::string(side) == "chosen" ? t.pairs[i].chosen : t.pairs[i].rejected;
      const auto& ref = e[side];
      ++checked;
      const bool same = rb::testing::sha1_hex(ids_key(ours.ids)) == ref["ids_sha1"] &&
                        ours.ids.size() == ref["ids_len"].get<size_t>() &&
                        ours.prompt_length == ref["prompt_length"].get<size_t>() &&
                        ours.boundary_fix == ref["boundary_fix"].get<bool>() &&
                        ours.prompt_truncated == ref["prompt_truncated"].get<bool>() &&
                        ours.answer_truncated == ref["answer_truncated"].get<bool>();
      EXPECT_TRUE(same) << "row " << i << " " << side;
      ids_ok += same;
      boundary_fixes += ours.boundary_fix;
      truncated += ours.prompt_truncated;
    }
  }
  std::printf("[dpo parity] %s: text triples %zu/%zu, id lists %zu/%zu (boundary fixes %zu, prompts truncated %zu)\n",
              GetParam().c_str(), texts_ok, t.rows.size(), ids_ok, checked, boundary_fixes, truncated);
  EXPECT_EQ(texts_ok, t.rows.size());
  EXPECT_EQ(ids_ok, checked);
  EXPECT_EQ(boundary_fixes, golden["counts"]["boundary_fix"].get<size_t>());
}

std::unique_ptr<rb::model::CausalLanguageModel> load(const std::string& relative, std::string* skip) {
  try {
    return rb::model::load_causal_lm(fixture_root() + relative, {rb::model::DType::Float32, "cpu"});
  } catch (const rb::ModelError& e) {
    // The causal-LM head is being added in src/model; until then only the tokens are compared.
    if (std::string(e.what()).find("not implemented") == std::string::npos) throw;
    *skip = e.what();
    return nullptr;
  }
}

TEST_P(DpoParityTest, RewardsMatchTheReferenceFp32OnCpu) {
  std::string skip;
  auto p = prepare(GetParam(), &skip);
  if (!p) GTEST_SKIP() << skip;
  const auto& golden = p->golden;
  const auto t = tokenize(*p);
  auto policy = load(p->fixture["policy"].get<std::string>(), &skip);
  if (!policy) GTEST_SKIP() << skip;
  auto reference = load(p->fixture["reference"].get<std::string>(), &skip);
  ASSERT_TRUE(reference);

  // Log-softmax over a 128k-152k vocabulary for every answer token is the cost here: by default the
  // llama3 case checks every row and the others every third row plus every truncated row;
  // RB_DPO_PARITY_ALL_ROWS=1 checks every row of every case.
  const bool all_rows = GetParam() == "llama3" || std::getenv("RB_DPO_PARITY_ALL_ROWS") != nullptr;
  std::vector<size_t> checked_rows;
  for (size_t i = 0; i < t.rows.size(); ++i)
    if (all_rows || i % 3 == 0 || t.pairs[i].chosen.prompt_truncated || t.pairs[i].rejected.prompt_truncated)
      checked_rows.push_back(i);
  std::vector<rb::pipeline::DpoSequence> sequences;
  for (size_t i : checked_rows) sequences.push_back(t.pairs[i].chosen), sequences.push_back(t.pairs[i].rejected);
  const auto policy_lp = rb::pipeline::answer_log_probs(*policy, sequences, {});
  const auto reference_lp = rb::pipeline::answer_log_probs(*reference, sequences, {});

  using Kind = rb::eval::ImplicitRewardKind;
  const std::vector<std::pair<std::string, Kind>> kinds = {
      {"ref", Kind::Ratio}, {"avg", Kind::Average}, {"sum", Kind::Sum}, {"norm", Kind::Norm}};
  struct Stats {
    double max_diff = 0.0, max_per_token = 0.0;
  };
  std::map<std::string, Stats> per_kind;
  size_t same_decisions = 0, decisions = 0, near_ties = 0;
  for (size_t k = 0; k < checked_rows.size(); ++k) {
    const size_t i = checked_rows[k];
    const auto& e = golden["examples"][i];
    const std::vector<float>* p_lp[2] = {&policy_lp[2 * k], &policy_lp[2 * k + 1]};
    const std::vector<float>* r_lp[2] = {&reference_lp[2 * k], &reference_lp[2 * k + 1]};
    const char* sides[2] = {"chosen", "rejected"};
    for (int s = 0; s < 2; ++s)
      ASSERT_EQ(p_lp[s]->size(), e[sides[s]]["num_answer_tokens"].get<size_t>()) << "row " << i << " " << sides[s];
    for (const auto& [name, kind] : kinds) {
      float ours[2];
      double tolerances[2];
      for (int s = 0; s < 2; ++s) {
        ours[s] = rb::eval::implicit_reward(kind, *p_lp[s], r_lp[s]);
        const double ref = e["rewards"][name][sides[s]].get<double>();
        const double diff = std::abs(ours[s] - ref);
        // 1e-4 per scored token: the mean as is, a sum over n tokens n times that (twice for a ratio
        // of two models' sums), the L2 norm sqrt(n) times (|d||x|| | <= ||dx||).
        const double n = static_cast<double>(p_lp[s]->size());
        const double scale = kind == Kind::Average ? 1.0 : kind == Kind::Norm ? std::sqrt(n) : kind == Kind::Sum ? n : 2 * n;
        tolerances[s] = kTolerancePerToken * scale;
        auto& stats = per_kind[name];
        stats.max_diff = std::max(stats.max_diff, diff);
        stats.max_per_token = std::max(stats.max_per_token, diff / scale);
        EXPECT_LE(diff, tolerances[s]) << name << " row " << i << " " << sides[s] << " (" << n << " answer tokens)";
      }
      ++decisions;
      const int ours_result = rb::eval::implicit_reward_result(ours[0], ours[1]);
      const int ref_result = e["rewards"][name]["result"].get<int>();
      same_decisions += ours_result == ref_result;
      // A decision may only differ where the reference's own margin is within the tolerances (a
      // near tie); exact ties (identical answers) must agree.
      const double margin = std::abs(e["rewards"][name]["chosen"].get<double>() - e["rewards"][name]["rejected"].get<double>());
      if (margin > 0.0 && margin <= tolerances[0] + tolerances[1]) ++near_ties;
      else EXPECT_EQ(ours_result, ref_result) << name << " row " << i;
    }
  }
  std::printf("[dpo parity] %s (%zu of %zu rows): decisions %zu/%zu (near ties %zu); max |diff| (per token):",
              GetParam().c_str(), checked_rows.size(), t.rows.size(), same_decisions, decisions, near_ties);
  for (const auto& [name, stats] : per_kind) std::printf(" %s %.3g (%.2g)", name.c_str(), stats.max_diff, stats.max_per_token);
  std::printf("\n");
}

INSTANTIATE_TEST_SUITE_P(Fixtures, DpoParityTest, ::testing::Values("llama3", "qwen", "llama3-plain"),
                         [](const auto& info) {
                           std::string name = info.param;
                           for (auto& c : name)
                             if (c == '-') c = '_';
                           return name;
                         });

}  // namespace
