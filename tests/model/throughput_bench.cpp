// CPU throughput of the packed decoder (not a test): writes a random model of the chosen shape
// and scores packed batches of random sequences.
//   model_throughput_bench [tiny|llama100m] [threads] [seq_len] [seqs_per_batch] [batches] [cpu|cuda]
// Prints tokens/s for float32 and bfloat16, with and without the batch-invariant GEMM tiles.
#include <chrono>
#include <ctime>
#include <cstdio>
#include <random>
#include <string>

#include "model/loader.h"
#include "tiny_model_writer.h"

using namespace rb;

int main(int argc, char** argv) {
  const std::string shape = argc > 1 ? argv[1] : "tiny";
  const int threads = argc > 2 ? std::stoi(argv[2]) : 2;
  const int64_t seq_len = argc > 3 ? std::stoll(argv[3]) : 256;
  const int64_t per_batch = argc > 4 ? std::stoll(argv[4]) : 16;
  const int batches = argc > 5 ? std::stoi(argv[5]) : 3;
  const std::string device = argc > 6 ? argv[6] : "cpu";

  testing::TinyModelSpec spec;  // Llama, MHA
  if (shape == "llama100m") {
    spec.hidden = 768;
    spec.intermediate = 2048;
    spec.layers = 12;
    spec.heads = 12;
    spec.kv_heads = 4;
    spec.vocab = 32000;
  }
  const auto tiny = testing::write_tiny_model(testing::scratch_dir("bench_" + shape), spec);
  model::set_num_threads(threads);

  std::mt19937 rng(1);
  std::uniform_int_distribution<int32_t> token(0, static_cast<int32_t>(spec.vocab) - 1);
  model::PackedBatch batch;
  batch.offsets = {0};
  for (int64_t s = 0; s < per_batch; ++s) {
    for (int64_t t = 0; t < seq_len; ++t) batch.token_ids.push_back(token(rng));
    batch.offsets.push_back(static_cast<int64_t>(batch.token_ids.size()));
    batch.position_start.push_back(0);
    batch.pool_index.push_back(seq_len - 1);
  }

  for (model::DType dtype : {model::DType::Float32, model::DType::BFloat16}) {
    for (bool invariant : {true, false}) {
      if (device != "cpu" && !invariant) continue;  // the tiles only exist on CPU
      model::LoadOptions options;
      options.device = device;
      options.dtype = dtype;
      options.batch_invariant = invariant;
      auto model = model::load_reward_model(tiny.folder, options);
      model->score(batch);  // warm-up
      const auto start = std::chrono::steady_clock::now();
      const std::clock_t cpu_start = std::clock();
      for (int b = 0; b < batches; ++b) model->score(batch);
      const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      const double cpu_seconds = static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;
      std::printf("%s %s params=%lld threads=%d dtype=%s batch_invariant=%d: %lld tokens x %d batches in %.2f s = %.0f tokens/s (process CPU %.2f s = %.0f tokens per CPU-second)\n",
                  device.c_str(), shape.c_str(), static_cast<long long>(model->info().num_parameters), threads,
                  model::dtype_name(dtype).c_str(), invariant, static_cast<long long>(batch.num_tokens()), batches,
                  seconds, static_cast<double>(batch.num_tokens()) * batches / seconds, cpu_seconds,
                  static_cast<double>(batch.num_tokens()) * batches / cpu_seconds);
      std::fflush(stdout);
    }
  }
  return 0;
}
