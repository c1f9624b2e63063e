// safetensors reader: valid single/sharded files written by the test's own writer, and a
// battery of malformed files that must each give a clear rb::IoError (never a crash).
#include <gtest/gtest.h>

#include <cstring>
#include <fstream>

#include "common/error.h"
#include "io/safetensors.h"
#include "tiny_model_writer.h"

namespace rb::testing {
namespace {

using io::SafetensorsCheckpoint;
using io::SafetensorsFile;
using io::TensorDType;

float read_f32(const uint8_t* bytes, size_t index) {
  float value;
  std::memcpy(&value, bytes + 4 * index, 4);
  return value;
}

uint16_t read_u16(const uint8_t* bytes, size_t index) {
  return static_cast<uint16_t>(bytes[2 * index] | (bytes[2 * index + 1] << 8));
}

TEST(Safetensors, ReadsDtypesShapesValuesAndMetadata) {
  const std::string dir = scratch_dir("st_valid");
  std::map<std::string, RawTensor> tensors;
  tensors["a.f32"] = make_tensor("F32", {2, 3}, {1, -2, 3.5f, 4, 5, 6});
  tensors["b.bf16"] = make_tensor("BF16", {3}, {1.0f, -0.5f, 3.0f});
  tensors["c.f16"] = make_tensor("F16", {1, 2}, {0.25f, -8.0f});
  tensors["d.scalar"] = make_tensor("F32", {}, {7.0f});
  write_safetensors(dir + "/x.safetensors", tensors, {{"format", "pt"}});

  SafetensorsFile file(dir + "/x.safetensors");
  EXPECT_EQ(file.tensor_names(), (std::vector<std::string>{"a.f32", "b.bf16", "c.f16", "d.scalar"}));
  EXPECT_EQ(file.metadata().at("format"), "pt");
  auto a = file.tensor("a.f32");
  EXPECT_EQ(a.dtype, TensorDType::F32);
  EXPECT_EQ(a.shape, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(a.num_bytes, 24u);
  EXPECT_EQ(read_f32(a.data, 2), 3.5f);
  auto b = file.tensor("b.bf16");
  EXPECT_EQ(b.dtype, TensorDType::BF16);
  EXPECT_EQ(bf16_bits_to_float(read_u16(b.data, 1)), -0.5f);
  auto c = file.tensor("c.f16");
  EXPECT_EQ(f16_bits_to_float(read_u16(c.data, 1)), -8.0f);
  EXPECT_EQ(file.tensor("d.scalar").num_elements(), 1);
  EXPECT_THROW(file.tensor("nope"), IoError);
}

TEST(Safetensors, UnalignedDataIsServedAsIs) {
  // A 1-byte U8 tensor first pushes the F32 tensor to an odd offset.
  const std::string dir = scratch_dir("st_unaligned");
  std::vector<uint8_t> data = {9};
  const float value = 1.25f;
  data.resize(5);
  std::memcpy(&data[1], &value, 4);
  write_raw_safetensors(dir + "/u.safetensors",
                        R"({"odd":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},)"
                        R"("f":{"dtype":"F32","shape":[1],"data_offsets":[1,5]}})",
                        data);
  SafetensorsFile file(dir + "/u.safetensors");
  EXPECT_EQ(read_f32(file.tensor("f").data, 0), 1.25f);
  // U8 is a valid safetensors dtype but not one the models read.
  try {
    file.tensor("odd");
    FAIL() << "expected IoError";
  } catch (const IoError& error) {
    EXPECT_NE(std::string(error.what()).find("unsupported"), std::string::npos) << error.what();
    EXPECT_NE(std::string(error.what()).find("odd"), std::string::npos) << error.what();
  }
  EXPECT_EQ(file.describe("odd").dtype, TensorDType::U8);
}

TEST(Safetensors, ShardedIndex) {
  const std::string dir = scratch_dir("st_sharded");
  write_safetensors(dir + "/part-1.safetensors", {{"x", make_tensor("F32", {2}, {1, 2})}});
  write_safetensors(dir + "/part-2.safetensors", {{"y", make_tensor("F32", {1}, {3})}});
  std::ofstream(dir + "/model.safetensors.index.json")
      << R"({"metadata":{"total_size":12},"weight_map":{"x":"part-1.safetensors","y":"part-2.safetensors"}})";
  auto checkpoint = SafetensorsCheckpoint::open_folder(dir);
  EXPECT_EQ(checkpoint.tensor_names(), (std::vector<std::string>{"x", "y"}));
  EXPECT_EQ(read_f32(checkpoint.tensor("y").data, 0), 3.0f);
  EXPECT_NE(checkpoint.tensor("y").file.find("part-2"), std::string::npos);
  EXPECT_THROW(checkpoint.tensor("z"), IoError);
}

TEST(Safetensors, IndexPointingAtWrongShardFails) {
  const std::string dir = scratch_dir("st_bad_index");
  write_safetensors(dir + "/part-1.safetensors", {{"x", make_tensor("F32", {2}, {1, 2})}});
  std::ofstream(dir + "/model.safetensors.index.json") << R"({"weight_map":{"q":"part-1.safetensors"}})";
  EXPECT_THROW(SafetensorsCheckpoint::open_folder(dir), IoError);
  std::ofstream(dir + "/model.safetensors.index.json") << R"({"weight_map":{"x":"missing.safetensors"}})";
  EXPECT_THROW(SafetensorsCheckpoint::open_folder(dir), IoError);
  std::ofstream(dir + "/model.safetensors.index.json") << R"({"nothing": 1})";
  EXPECT_THROW(SafetensorsCheckpoint::open_folder(dir), IoError);
}

TEST(Safetensors, FolderWithoutWeightsFails) {
  EXPECT_THROW(SafetensorsCheckpoint::open_folder(scratch_dir("st_empty")), IoError);
}

struct Malformed {
  std::string label;
  std::string header;         // used unless raw_bytes is set
  std::vector<uint8_t> data;
  std::vector<uint8_t> raw_bytes;  // whole file, when the length prefix itself is broken
  std::string expected_phrase;
};

std::vector<uint8_t> u64_le(uint64_t value) {
  std::vector<uint8_t> bytes;
  for (int i = 0; i < 8; ++i) bytes.push_back(static_cast<uint8_t>(value >> (8 * i)));
  return bytes;
}

std::vector<Malformed> malformed_cases() {
  std::vector<Malformed> cases;
  cases.push_back({"empty file", "", {}, {0}, "truncated"});
  cases.push_back({"short length", "", {}, {1, 2, 3}, "truncated"});
  auto huge = u64_le(1ull << 60);
  cases.push_back({"huge header length", "", {}, huge, "exceeds"});
  auto past_end = u64_le(1000);
  past_end.push_back('{');
  cases.push_back({"header past end of file", "", {}, past_end, "past the end"});
  cases.push_back({"bad json", "{\"a\": [", {}, {}, "not valid JSON"});
  cases.push_back({"not an object", "[1,2]", {}, {}, "not an object"});
  cases.push_back({"entry not object", R"({"t": 3})", {}, {}, "'t'"});
  cases.push_back({"missing dtype", R"({"t":{"shape":[1],"data_offsets":[0,4]}})", std::vector<uint8_t>(4), {}, "dtype"});
  cases.push_back({"bad dtype", R"({"t":{"dtype":"F33","shape":[1],"data_offsets":[0,4]}})", std::vector<uint8_t>(4), {}, "unknown dtype 'F33'"});
  cases.push_back({"negative dim", R"({"t":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}})", std::vector<uint8_t>(4), {}, "non-negative"});
  cases.push_back({"offsets reversed", R"({"t":{"dtype":"F32","shape":[1],"data_offsets":[4,0]}})", std::vector<uint8_t>(4), {}, "begin"});
  cases.push_back({"offsets out of range", R"({"t":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})", std::vector<uint8_t>(4), {}, "outside the data area"});
  cases.push_back({"shape size mismatch", R"({"t":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})", std::vector<uint8_t>(8), {}, "needs 12"});
  cases.push_back({"shape overflow", R"({"t":{"dtype":"F32","shape":[4294967296,4294967296,16],"data_offsets":[0,8]}})", std::vector<uint8_t>(8), {}, "overflow"});
  cases.push_back({"overlap", R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})", std::vector<uint8_t>(8), {}, "overlaps"});
  cases.push_back({"offsets wrong arity", R"({"t":{"dtype":"F32","shape":[1],"data_offsets":[0]}})", std::vector<uint8_t>(4), {}, "data_offsets"});
  cases.push_back({"metadata not object", R"({"__metadata__":[1]})", {}, {}, "__metadata__"});
  return cases;
}

TEST(Safetensors, MalformedFilesGiveClearErrors) {
  const std::string dir = scratch_dir("st_malformed");
  int index = 0;
  for (const Malformed& item : malformed_cases()) {
    const std::string path = dir + "/bad" + std::to_string(index++) + ".safetensors";
    if (!item.raw_bytes.empty() || item.header.empty()) {
      std::ofstream out(path, std::ios::binary);
      out.write(reinterpret_cast<const char*>(item.raw_bytes.data()), static_cast<std::streamsize>(item.raw_bytes.size()));
    } else {
      write_raw_safetensors(path, item.header, item.data);
    }
    try {
      SafetensorsFile file(path);
      ADD_FAILURE() << item.label << ": no error";
    } catch (const IoError& error) {
      const std::string message = error.what();
      EXPECT_NE(message.find(path), std::string::npos) << item.label << ": " << message;
      EXPECT_NE(message.find(item.expected_phrase), std::string::npos) << item.label << ": " << message;
    }
  }
}

TEST(Safetensors, MissingFileIsIoError) {
  EXPECT_THROW(SafetensorsFile("/nonexistent/model.safetensors"), IoError);
}

}  // namespace
}  // namespace rb::testing
