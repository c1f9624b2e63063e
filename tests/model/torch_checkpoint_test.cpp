// pytorch_model.bin: a model loads from the PyTorch checkpoint of its weights to the same scores,
// bit for bit, as from safetensors (tests/io/write_torch_checkpoint.py writes the checkpoint as
// torch.save lays it out: ZIP, protocol-2 pickle, persistent storage ids, tied weights sharing a
// storage, an offset into a storage); a pickle that reaches for os.system is refused with the
// global named and nothing run; strided, truncated and legacy files are refused by name.
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>

#include "../support/test_support.h"
#include "common/error.h"
#include "io/safetensors.h"
#include "io/torch_checkpoint.h"
#include "model/loader.h"
#include "packed_test_batch.h"
#include "tiny_model_writer.h"

namespace rb::testing {
namespace {
namespace fs = std::filesystem;

// Runs the writer; false when python3 is missing (the tests skip).
bool write_checkpoint(const std::string& arguments) {
  const std::string script = source_dir() + "/tests/io/write_torch_checkpoint.py";
  return run_command("python3 " + shell_quote(script) + " " + arguments + " 2>&1").status == 0;
}

std::string load_error(const std::function<void()>& load) {
  try {
    load();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

class TorchCheckpointTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (run_command("python3 -c 'import pickle, zipfile' 2>&1").status != 0) GTEST_SKIP() << "python3 not available";
  }
};

TEST_F(TorchCheckpointTest, ModelLoadsToTheSameScoresAsFromSafetensors) {
  const std::string safetensors_dir = scratch_dir("torch_bin_safetensors");
  const std::string bin_dir = scratch_dir("torch_bin_pickle");
  const TinyModelSpec spec = llama_spec();
  write_tiny_model(safetensors_dir, spec);
  fs::copy_file(safetensors_dir + "/config.json", bin_dir + "/config.json");
  ASSERT_TRUE(write_checkpoint("convert " + shell_quote(safetensors_dir + "/model.safetensors") + " " +
                               shell_quote(bin_dir + "/pytorch_model.bin")));

  const auto sequences = random_test_sequences(spec.vocab, 3, {2, 7, 12}, /*left_pad=*/0, /*pool_early_by=*/1);
  const auto from_safetensors = model::load_reward_model(safetensors_dir, {})->score(pack(sequences, all_indices(3)));
  const auto from_bin = model::load_reward_model(bin_dir, {})->score(pack(sequences, all_indices(3)));
  EXPECT_EQ(from_bin, from_safetensors);  // the same bytes reach the same kernels
}

TEST_F(TorchCheckpointTest, TiedWeightsShareAStorageAndOffsetsAreHonoured) {
  const std::string dir = scratch_dir("torch_bin_tied");
  const std::vector<float> values = {1.5f, -2.0f, 0.25f, 8.0f};
  write_safetensors(dir + "/tied.safetensors", {{"a.weight", make_tensor("F32", {2, 2}, values)},
                                                {"b.weight", make_tensor("F32", {2, 2}, values)},
                                                {"c.bias", make_tensor("BF16", {3}, {1.0f, 2.0f, 3.0f})}});
  ASSERT_TRUE(write_checkpoint("convert " + shell_quote(dir + "/tied.safetensors") + " " + shell_quote(dir + "/tied.bin")));
  const io::TorchCheckpointFile bin(dir + "/tied.bin");
  const io::SafetensorsFile reference(dir + "/tied.safetensors");
  EXPECT_EQ(bin.tensor_names(), reference.tensor_names());
  for (const std::string& name : reference.tensor_names()) {
    const io::TensorView expected = reference.tensor(name), got = bin.tensor(name);
    EXPECT_EQ(got.dtype, expected.dtype) << name;
    EXPECT_EQ(got.shape, expected.shape) << name;
    ASSERT_EQ(got.num_bytes, expected.num_bytes) << name;
    EXPECT_EQ(std::memcmp(got.data, expected.data, got.num_bytes), 0) << name;
  }
  EXPECT_EQ(bin.tensor("a.weight").data, bin.tensor("b.weight").data);  // one storage, two views
}

TEST_F(TorchCheckpointTest, PickleThatCallsOsSystemIsRefusedAndNothingRuns) {
  const std::string dir = scratch_dir("torch_bin_evil");
  fs::remove("/tmp/rb_torch_pickle_pwned");
  ASSERT_TRUE(write_checkpoint("evil " + shell_quote(dir + "/pytorch_model.bin")));
  const std::string message = load_error([&] { io::TorchCheckpointFile file(dir + "/pytorch_model.bin"); });
  EXPECT_NE(message.find("refused"), std::string::npos) << message;
  EXPECT_NE(message.find("posix.system"), std::string::npos) << message;
  EXPECT_NE(message.find(dir + "/pytorch_model.bin"), std::string::npos) << message;
  EXPECT_FALSE(fs::exists("/tmp/rb_torch_pickle_pwned"));
}

TEST_F(TorchCheckpointTest, StridedTruncatedAndLegacyFilesAreRefusedByName) {
  const std::string dir = scratch_dir("torch_bin_bad");
  ASSERT_TRUE(write_checkpoint("strided " + shell_quote(dir + "/strided.bin")));
  EXPECT_NE(load_error([&] { io::TorchCheckpointFile file(dir + "/strided.bin"); }).find("not contiguous"),
            std::string::npos);

  ASSERT_TRUE(write_checkpoint("evil " + shell_quote(dir + "/whole.bin")));
  const std::string whole = read_file(dir + "/whole.bin");
  std::ofstream(dir + "/truncated.bin", std::ios::binary) << whole.substr(0, whole.size() / 2);
  const std::string truncated = load_error([&] { io::TorchCheckpointFile file(dir + "/truncated.bin"); });
  EXPECT_NE(truncated.find(dir + "/truncated.bin"), std::string::npos) << truncated;

  std::ofstream(dir + "/legacy.bin", std::ios::binary) << std::string("\x80\x02\x8a\x0al\xfc\x9cF\xf9 j\xa8P\x19.", 16);
  const std::string legacy = load_error([&] { io::TorchCheckpointFile file(dir + "/legacy.bin"); });
  EXPECT_NE(legacy.find("legacy format"), std::string::npos) << legacy;
}

}  // namespace
}  // namespace rb::testing

namespace rb::testing {
namespace {

// Checkpoints written by the real torch.save (tools/parity/make_torch_bin_fixtures.py, torch 2.11).
std::string torch_bin_fixtures() { return source_dir() + "/tests/fixtures/torch_bin"; }

TEST(TorchSaveFixtures, EveryTensorEqualsItsSafetensorsTwin) {
  if (!fs::exists(torch_bin_fixtures())) GTEST_SKIP() << "no torch_bin fixtures";
  const io::TorchCheckpointFile bin(torch_bin_fixtures() + "/state.bin");
  const io::SafetensorsFile reference(torch_bin_fixtures() + "/state.safetensors");
  EXPECT_EQ(bin.tensor_names(), reference.tensor_names());
  for (const std::string& name : reference.tensor_names()) {  // f32/bf16/f16, tied, offset view, Parameter, 0-d
    const io::TensorView expected = reference.describe(name), got = bin.describe(name);
    EXPECT_EQ(got.dtype, expected.dtype) << name;
    EXPECT_EQ(got.shape, expected.shape) << name;
    ASSERT_EQ(got.num_bytes, expected.num_bytes) << name;
    EXPECT_EQ(std::memcmp(got.data, expected.data, got.num_bytes), 0) << name;
  }
  EXPECT_EQ(bin.describe("tied_a").data, bin.describe("tied_b").data);
}

TEST(TorchSaveFixtures, LegacyFormatIsRefusedByName) {
  if (!fs::exists(torch_bin_fixtures())) GTEST_SKIP() << "no torch_bin fixtures";
  const std::string message = load_error([] { io::TorchCheckpointFile file(torch_bin_fixtures() + "/legacy.bin"); });
  EXPECT_NE(message.find("legacy format"), std::string::npos) << message;
  EXPECT_NE(message.find("legacy.bin"), std::string::npos) << message;
}

TEST(TorchSaveFixtures, ModelFromBinScoresAsFromSafetensors) {
  const std::string bin_model = torch_bin_fixtures() + "/model";
  const std::string safetensors_model = source_dir() + "/tests/fixtures/parity/gemma";
  if (!fs::exists(bin_model) || !fs::exists(safetensors_model)) GTEST_SKIP() << "no torch_bin or gemma fixture";
  const auto sequences = random_test_sequences(32000, 5, {3, 9, 17}, /*left_pad=*/0, /*pool_early_by=*/1);
  const auto from_bin = model::load_reward_model(bin_model, {})->score(pack(sequences, all_indices(3)));
  const auto from_safetensors = model::load_reward_model(safetensors_model, {})->score(pack(sequences, all_indices(3)));
  EXPECT_EQ(from_bin, from_safetensors);
}

}  // namespace
}  // namespace rb::testing
