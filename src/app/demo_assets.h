#pragma once
// Assets for `rewardbench demo`: a tiny, randomly initialised Llama-3-style reward model and a
// small hand-written preference set, so the first command of the README runs a real end-to-end
// evaluation offline. Everything is generated from a seed and is byte-identical across runs.
#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace rb::app {

// Shape of the demo model (LlamaForSequenceClassification, one score label).
struct DemoModelShape {
  int64_t hidden_size = 64;
  int64_t num_hidden_layers = 2;
  int64_t num_attention_heads = 4;
  int64_t num_key_value_heads = 2;
  int64_t intermediate_size = 128;
  int64_t vocab_size = 1024;  // total tokenizer size, special tokens included
};

// Creates (or overwrites):
//   dir/model/config.json, model.safetensors, tokenizer.json, tokenizer_config.json, README.md
//   dir/preference_pairs.jsonl   (the embedded preference set, byte for byte)
// Throws rb::IoError when the folder cannot be written.
void write_demo_assets(const std::string& dir, uint64_t seed);

// The preference set compiled into the binary (data/demo/preference_pairs.jsonl). Throws
// rb::IoError when this build was made without embedding it (see data/demo/embed_demo_pairs.cmake).
std::string_view embedded_demo_preference_pairs();

// The texts the demo tokenizer is trained on: for both conversations of every row (prompt turns +
// chosen, prompt turns + rejected) the runs of text the chat template writes between special
// tokens: the role name, then "\n\n" + the trimmed content.
// Throws rb::InputError naming the line and field on a malformed row.
std::vector<std::string> demo_training_texts(std::string_view preference_pairs_jsonl);

// Approximately standard-normal draws (Irwin-Hall: sum of 12 uniforms minus 6) from a
// std::mt19937_64 stream. Every step is integer arithmetic or one correctly rounded IEEE
// operation, so the values are the same on every platform and compiler, unlike
// std::normal_distribution or Box-Muller through libm's log/cos.
class PortableNormal {
 public:
  explicit PortableNormal(uint64_t seed);
  double next();

 private:
  std::mt19937_64 engine_;
};

}  // namespace rb::app
