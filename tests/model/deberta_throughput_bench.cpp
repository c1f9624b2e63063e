// Throughput of the DeBERTa-v2/v3 classifier (not a test): writes a random model in the shape of
// OpenAssistant/reward-model-deberta-v3-large-v2 (hidden 1024, 16 heads, intermediate 4096, 256
// buckets over 512) with the chosen number of layers and a small vocabulary (the embedding table
// does not affect speed), then scores packed batches of random sequences.
//   model_deberta_throughput_bench [layers] [threads] [seq_len] [seqs_per_batch] [batches] [cpu|cuda] [fp32|bf16]
// Prints tokens/s and the time per layer per 1000 tokens (the real model has 24 layers).
#include <chrono>
#include <cstdio>
#include <random>
#include <string>

#include "deberta_reference.h"
#include "model/loader.h"
#include "tiny_model_writer.h"

using namespace rb;

int main(int argc, char** argv) {
  const int64_t layers = argc > 1 ? std::stoll(argv[1]) : 2;
  const int threads = argc > 2 ? std::stoi(argv[2]) : 2;
  const int64_t seq_len = argc > 3 ? std::stoll(argv[3]) : 384;
  const int64_t per_batch = argc > 4 ? std::stoll(argv[4]) : 8;
  const int batches = argc > 5 ? std::stoi(argv[5]) : 3;
  model::LoadOptions options;
  options.device = argc > 6 ? argv[6] : "cpu";
  options.dtype = model::parse_dtype(argc > 7 ? argv[7] : "fp32");

  const nlohmann::json config = {
      {"architectures", {"DebertaV2ForSequenceClassification"}}, {"model_type", "deberta-v2"},
      {"vocab_size", 1000}, {"hidden_size", 1024}, {"num_hidden_layers", layers}, {"num_attention_heads", 16},
      {"intermediate_size", 4096}, {"max_position_embeddings", 512}, {"type_vocab_size", 0},
      {"position_biased_input", false}, {"relative_attention", true}, {"max_relative_positions", -1},
      {"position_buckets", 256}, {"pos_att_type", {"p2c", "c2p"}}, {"share_att_key", true},
      {"norm_rel_ebd", "layer_norm"}, {"hidden_act", "gelu"}, {"layer_norm_eps", 1e-7},
      {"id2label", {{"0", "LABEL_0"}}}};
  const auto tiny = testing::write_deberta_model(testing::scratch_dir("bench_deberta"), config, 1);
  model::set_num_threads(threads);
  auto reward_model = model::load_reward_model(tiny.folder, options);

  std::mt19937 rng(1);
  std::uniform_int_distribution<int32_t> token(3, 999);
  model::PackedBatch batch;
  batch.offsets = {0};
  for (int64_t s = 0; s < per_batch; ++s) {
    for (int64_t t = 0; t < seq_len; ++t) batch.token_ids.push_back(t == 0 ? 1 : token(rng));
    batch.offsets.push_back(static_cast<int64_t>(batch.token_ids.size()));
    batch.position_start.push_back(0);
    batch.pool_index.push_back(0);
  }
  reward_model->score(batch);  // warm-up
  const auto start = std::chrono::steady_clock::now();
  for (int b = 0; b < batches; ++b) reward_model->score(batch);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double tokens = static_cast<double>(batches) * static_cast<double>(batch.num_tokens());
  std::printf("deberta-v3-large shape, %lld layers, %s %s, %d threads, %lld x %lld tokens: %.0f tokens/s, "
              "%.3f s per layer per 1000 tokens\n",
              static_cast<long long>(layers), options.device.c_str(), model::dtype_name(options.dtype).c_str(), threads,
              static_cast<long long>(per_batch), static_cast<long long>(seq_len), tokens / seconds,
              seconds / tokens * 1000.0 / static_cast<double>(layers));
  return 0;
}
