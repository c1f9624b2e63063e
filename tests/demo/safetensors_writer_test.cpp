// The writer's output is checked by parsing it back independently (nlohmann_json on the header,
// raw byte comparisons on the data) and the half-precision rounding against a brute-force oracle.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <random>

#include "common/error.h"
#include "io/safetensors_writer.h"

namespace {

using rb::io::SafetensorsWriter;
using DType = SafetensorsWriter::DType;
namespace fs = std::filesystem;

struct ParsedFile {
  uint64_t header_length = 0;
  std::string header_text;
  nlohmann::json header;
  std::vector<uint8_t> data;
};

ParsedFile parse(const std::vector<uint8_t>& file) {
  ParsedFile parsed;
  EXPECT_GE(file.size(), 8u);
  for (int byte = 0; byte < 8; ++byte) parsed.header_length |= uint64_t{file[byte]} << (8 * byte);
  parsed.header_text.assign(file.begin() + 8, file.begin() + 8 + static_cast<long>(parsed.header_length));
  parsed.header = nlohmann::json::parse(parsed.header_text);
  parsed.data.assign(file.begin() + 8 + static_cast<long>(parsed.header_length), file.end());
  return parsed;
}

std::vector<uint8_t> little_endian_f32(const std::vector<float>& values) {
  std::vector<uint8_t> bytes;
  for (float value : values) {
    uint32_t bits;
    std::memcpy(&bits, &value, 4);
    for (int byte = 0; byte < 4; ++byte) bytes.push_back(static_cast<uint8_t>(bits >> (8 * byte)));
  }
  return bytes;
}

std::vector<uint8_t> slice(const std::vector<uint8_t>& data, const nlohmann::json& entry) {
  uint64_t begin = entry["data_offsets"][0], end = entry["data_offsets"][1];
  return std::vector<uint8_t>(data.begin() + static_cast<long>(begin), data.begin() + static_cast<long>(end));
}

SafetensorsWriter sample_writer() {
  SafetensorsWriter writer;
  writer.add_floats("z.weight", DType::F32, {2, 3}, {1.f, -2.f, 3.5f, 0.f, 1e-3f, -7.25f});
  writer.add_raw("a.half", DType::F16, {2}, {0x00, 0x3C, 0x00, 0xC0});  // 1.0, -2.0
  writer.add_floats("m.bf", DType::BF16, {3}, {1.f, -0.5f, 3.f});
  writer.add_floats("b.weight", DType::F32, {1}, {42.f});
  writer.set_metadata("format", "pt");
  return writer;
}

TEST(SafetensorsWriter, HeaderAndDataRoundTrip) {
  ParsedFile parsed = parse(sample_writer().serialize());
  EXPECT_EQ(parsed.header_length % 8, 0u);
  EXPECT_EQ(parsed.header_text.find_first_of(" "), parsed.header_text.find_last_not_of(' ') + 1)
      << "only trailing spaces pad the header";
  EXPECT_EQ(parsed.header["__metadata__"], (nlohmann::json{{"format", "pt"}}));

  const nlohmann::json& z = parsed.header["z.weight"];
  EXPECT_EQ(z["dtype"], "F32");
  EXPECT_EQ(z["shape"], (nlohmann::json{2, 3}));
  EXPECT_EQ(slice(parsed.data, z), little_endian_f32({1.f, -2.f, 3.5f, 0.f, 1e-3f, -7.25f}));
  EXPECT_EQ(slice(parsed.data, parsed.header["b.weight"]), little_endian_f32({42.f}));
  EXPECT_EQ(parsed.header["a.half"]["dtype"], "F16");
  EXPECT_EQ(slice(parsed.data, parsed.header["a.half"]), (std::vector<uint8_t>{0x00, 0x3C, 0x00, 0xC0}));
  EXPECT_EQ(parsed.header["m.bf"]["dtype"], "BF16");
  // bf16 of 1.0 = 0x3F80, -0.5 = 0xBF00, 3.0 = 0x4040, little endian.
  EXPECT_EQ(slice(parsed.data, parsed.header["m.bf"]),
            (std::vector<uint8_t>{0x80, 0x3F, 0x00, 0xBF, 0x40, 0x40}));
}

TEST(SafetensorsWriter, OffsetsTileTheDataInDtypeThenNameOrder) {
  ParsedFile parsed = parse(sample_writer().serialize());
  // Python safetensors: wider dtypes first, then by name; header lists them in data order.
  std::vector<std::string> expected_order = {"__metadata__", "b.weight", "z.weight", "m.bf", "a.half"};
  std::vector<std::string> header_order;
  size_t pos = 0;
  for (const std::string& name : expected_order) {
    size_t found = parsed.header_text.find("\"" + name + "\"", pos);
    ASSERT_NE(found, std::string::npos) << name;
    pos = found;
    header_order.push_back(name);
  }
  uint64_t expected_begin = 0;
  for (size_t i = 1; i < expected_order.size(); ++i) {
    const nlohmann::json& offsets = parsed.header[expected_order[i]]["data_offsets"];
    EXPECT_EQ(offsets[0].get<uint64_t>(), expected_begin) << expected_order[i];
    expected_begin = offsets[1].get<uint64_t>();
  }
  EXPECT_EQ(expected_begin, parsed.data.size());
}

TEST(SafetensorsWriter, MatchesPythonLayoutForASingleTensor) {
  SafetensorsWriter writer;
  writer.add_floats("a", DType::F32, {1}, {1.0f});
  std::vector<uint8_t> file = writer.serialize();
  // What safetensors.torch.save_file({"a": torch.ones(1)}) writes: compact JSON padded to 8.
  std::string header = R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})";
  header.append((8 - header.size() % 8) % 8, ' ');
  std::vector<uint8_t> expected = {static_cast<uint8_t>(header.size()), 0, 0, 0, 0, 0, 0, 0};
  expected.insert(expected.end(), header.begin(), header.end());
  for (uint8_t byte : {0x00, 0x00, 0x80, 0x3F}) expected.push_back(byte);
  EXPECT_EQ(file, expected);
}

TEST(SafetensorsWriter, InsertionOrderDoesNotChangeBytes) {
  SafetensorsWriter reversed;
  reversed.set_metadata("format", "pt");
  reversed.add_floats("b.weight", DType::F32, {1}, {42.f});
  reversed.add_floats("m.bf", DType::BF16, {3}, {1.f, -0.5f, 3.f});
  reversed.add_raw("a.half", DType::F16, {2}, {0x00, 0x3C, 0x00, 0xC0});
  reversed.add_floats("z.weight", DType::F32, {2, 3}, {1.f, -2.f, 3.5f, 0.f, 1e-3f, -7.25f});
  EXPECT_EQ(reversed.serialize(), sample_writer().serialize());
}

TEST(SafetensorsWriter, RejectsBadTensors) {
  SafetensorsWriter writer;
  EXPECT_THROW(writer.add_raw("x", DType::F32, {2}, {1, 2, 3}), rb::InputError);
  EXPECT_THROW(writer.add_floats("x", DType::F16, {3}, {1.f, 2.f}), rb::InputError);
  EXPECT_THROW(writer.add_raw("__metadata__", DType::F16, {1}, {0, 0}), rb::InputError);
  writer.add_raw("x", DType::F16, {1}, {0, 0});
  EXPECT_THROW(writer.add_raw("x", DType::F16, {1}, {0, 0}), rb::InputError);
}

TEST(SafetensorsWriter, WritesAtomicallyAndLeavesNoTemporaryFile) {
  fs::path dir = fs::temp_directory_path() / ("rb_demo_st_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  fs::path path = dir / "model.safetensors";
  { std::ofstream(path) << "old contents"; }
  SafetensorsWriter writer = sample_writer();
  writer.write(path.string());
  std::ifstream in(path, std::ios::binary);
  std::vector<uint8_t> on_disk((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(on_disk, writer.serialize());
  EXPECT_EQ(std::distance(fs::directory_iterator(dir), fs::directory_iterator()), 1);
  EXPECT_THROW(writer.write((dir / "missing" / "x.safetensors").string()), rb::IoError);
  fs::remove_all(dir);
}

// ---- rounding ----

double decode_f16(uint16_t bits) {
  int exponent = (bits >> 10) & 0x1F, mantissa = bits & 0x3FF;
  double sign = (bits & 0x8000) ? -1.0 : 1.0;
  if (exponent == 0x1F) return mantissa ? NAN : sign * INFINITY;
  if (exponent == 0) return sign * std::ldexp(mantissa, -24);
  return sign * std::ldexp(1024 + mantissa, exponent - 25);
}

double decode_bf16(uint16_t bits) {
  uint32_t widened = uint32_t{bits} << 16;
  float value;
  std::memcpy(&value, &widened, 4);
  return value;
}

float from_bits(uint32_t bits) {
  float value;
  std::memcpy(&value, &bits, 4);
  return value;
}

TEST(HalfPrecisionRounding, Bf16Cases) {
  using rb::io::round_float_to_bf16_bits;
  EXPECT_EQ(round_float_to_bf16_bits(1.0f), 0x3F80);
  EXPECT_EQ(round_float_to_bf16_bits(-0.0f), 0x8000);
  EXPECT_EQ(round_float_to_bf16_bits(1.0f + 0x1p-8f), 0x3F80);             // tie -> even (down)
  EXPECT_EQ(round_float_to_bf16_bits(1.0f + 3 * 0x1p-8f), 0x3F82);         // tie -> even (up)
  EXPECT_EQ(round_float_to_bf16_bits(1.0f + 0x1p-8f + 0x1p-20f), 0x3F81);  // above the tie
  EXPECT_EQ(round_float_to_bf16_bits(from_bits(0x7F7FFFFF)), 0x7F80);      // FLT_MAX -> inf
  EXPECT_EQ(round_float_to_bf16_bits(-INFINITY), 0xFF80);
  uint16_t nan = round_float_to_bf16_bits(from_bits(0x7F800001));          // signalling NaN payload
  EXPECT_EQ(nan & 0x7F80, 0x7F80);
  EXPECT_NE(nan & 0x007F, 0);
  EXPECT_EQ(round_float_to_bf16_bits(from_bits(0x00000001)), 0x0000);      // tiny subnormal -> 0
}

TEST(HalfPrecisionRounding, F16Cases) {
  using rb::io::round_float_to_f16_bits;
  EXPECT_EQ(round_float_to_f16_bits(1.0f), 0x3C00);
  EXPECT_EQ(round_float_to_f16_bits(-2.0f), 0xC000);
  EXPECT_EQ(round_float_to_f16_bits(0.1f), 0x2E66);
  EXPECT_EQ(round_float_to_f16_bits(65504.f), 0x7BFF);
  EXPECT_EQ(round_float_to_f16_bits(65519.f), 0x7BFF);
  EXPECT_EQ(round_float_to_f16_bits(65520.f), 0x7C00);  // tie with an odd mantissa -> inf
  EXPECT_EQ(round_float_to_f16_bits(1.0f + 0x1p-11f), 0x3C00);
  EXPECT_EQ(round_float_to_f16_bits(1.0f + 3 * 0x1p-11f), 0x3C02);
  EXPECT_EQ(round_float_to_f16_bits(0x1p-14f), 0x0400);          // smallest normal
  EXPECT_EQ(round_float_to_f16_bits(0x1p-24f), 0x0001);          // smallest subnormal
  EXPECT_EQ(round_float_to_f16_bits(0x1p-25f), 0x0000);          // tie -> even (zero)
  EXPECT_EQ(round_float_to_f16_bits(0x1.8p-25f), 0x0001);
  EXPECT_EQ(round_float_to_f16_bits(0x1.8p-24f), 0x0002);        // 1.5 units: tie -> even
  EXPECT_EQ(round_float_to_f16_bits(0x1.ffcp-15f), 0x0400);      // subnormal rounds up to normal
  EXPECT_EQ(round_float_to_f16_bits(-0x1p-30f), 0x8000);
  EXPECT_EQ(round_float_to_f16_bits(INFINITY), 0x7C00);
  uint16_t nan = round_float_to_f16_bits(NAN);
  EXPECT_EQ(nan & 0x7C00, 0x7C00);
  EXPECT_NE(nan & 0x03FF, 0);
}

// Oracle: the chosen 16-bit value must be at least as close as both neighbours, and on an exact
// tie it must have an even mantissa. Checked on random finite floats of every magnitude.
template <typename Round, typename Decode>
void check_nearest_even(Round round, Decode decode, uint16_t largest_finite) {
  std::mt19937 engine(1234);
  for (int trial = 0; trial < 200000; ++trial) {
    float value = from_bits(engine());
    if (!std::isfinite(value)) continue;
    uint16_t bits = round(value);
    double exact = value, chosen = decode(bits);
    uint16_t magnitude = bits & 0x7FFF;
    if (std::isinf(chosen)) {
      double largest = decode(largest_finite);
      double next_up = 2 * largest - decode(largest_finite - 1);  // one step past the largest
      ASSERT_GE(std::fabs(exact), (largest + next_up) / 2) << value;
      continue;
    }
    for (int step : {-1, 1}) {
      int neighbour = static_cast<int>(magnitude) + step;
      if (neighbour < 0 || neighbour > largest_finite) continue;
      double other = decode(static_cast<uint16_t>((bits & 0x8000) | neighbour));
      double mine = std::fabs(exact - chosen), theirs = std::fabs(exact - other);
      ASSERT_LE(mine, theirs) << "value " << value << " bits " << bits;
      if (mine == theirs) {
        ASSERT_EQ(bits & 1, 0) << "tie must go to even, value " << value;
      }
    }
  }
}

TEST(HalfPrecisionRounding, F16IsNearestEvenOnRandomFloats) {
  check_nearest_even(rb::io::round_float_to_f16_bits, decode_f16, 0x7BFF);
}

TEST(HalfPrecisionRounding, Bf16IsNearestEvenOnRandomFloats) {
  check_nearest_even(rb::io::round_float_to_bf16_bits, decode_bf16, 0x7F7F);
}

}  // namespace
