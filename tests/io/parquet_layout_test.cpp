// Layouts and damage the npm writer cannot produce, built byte by byte with
// parquet_hand_writer.h: legacy 2-level lists, bare repeated fields, lists of groups named
// "array", MAPs, and files with bad dictionary indices, unsupported level encodings or codecs.
// Levels below are worked out by hand from the Dremel rules in the Parquet format spec.
#include <gtest/gtest.h>

#include <random>

#include "common/error.h"
#include "io/parquet.h"
#include "parquet_hand_writer.h"

namespace rb::io {
namespace {

using Json = nlohmann::ordered_json;
using namespace rb::testing::parquet_hand;

constexpr int kRequired = 0, kOptional = 1, kRepeated = 2;
constexpr int kInt32 = 1, kInt64 = 2, kByteArray = 6;
constexpr int kUtf8 = 0, kMap = 1, kMapKeyValue = 2, kList = 3;

std::string plain_int32s(std::initializer_list<int32_t> values) {
  std::string out;
  for (int32_t v : values) out += le32(static_cast<uint32_t>(v));
  return out;
}

std::string plain_int64s(std::initializer_list<int64_t> values) {
  std::string out;
  for (int64_t v : values) out += le32(static_cast<uint32_t>(v)) + le32(static_cast<uint32_t>(static_cast<uint64_t>(v) >> 32));
  return out;
}

std::string legacy_layout_file();

TEST(ParquetLayouts, LegacyListsBareRepeatedFieldsAndMaps) {
  ParquetTable table = parse_parquet(legacy_layout_file(), "legacy.parquet");
  Json expected = Json::parse(R"([
    {"legacy": [1, 2], "tags": ["a"], "pairs": [{"x": 5}], "m": [{"key": "k1", "value": 10}]},
    {"legacy": null, "tags": [], "pairs": [], "m": null},
    {"legacy": [], "tags": ["b", "c"], "pairs": null, "m": []},
    {"legacy": [3], "tags": [], "pairs": [{"x": 6}, {"x": 7}], "m": [{"key": "k2", "value": null}, {"key": "k3", "value": 3}]}
  ])");
  ASSERT_EQ(table.rows.size(), expected.size());
  for (size_t r = 0; r < expected.size(); ++r) EXPECT_EQ(table.rows[r].value, expected[r]) << "row " << r;
}

// Damaged nested levels must also end in a result or a clean error.
TEST(ParquetLayouts, CorruptedNestedFileNeverCrashes) {
  const std::string good = legacy_layout_file();
  std::mt19937 engine(42);
  size_t errors = 0;
  for (int iteration = 0; iteration < 3000; ++iteration) {
    std::string bytes = good;
    for (int f = 0; f < 1 + iteration % 4; ++f) {
      bytes[std::uniform_int_distribution<size_t>(0, bytes.size() - 1)(engine)] =
          static_cast<char>(std::uniform_int_distribution<int>(0, 255)(engine));
    }
    try {
      for (const JsonRow& row : parse_parquet(bytes, "nested.parquet").rows) row.value.dump();
    } catch (const IoError& e) {
      ++errors;
      ASSERT_NE(std::string(e.what()).find("nested.parquet"), std::string::npos);
    }
  }
  EXPECT_GT(errors, 1000u);
}

std::string legacy_layout_file() {
  std::vector<Element> schema = {
      {"schema", kRequired, std::nullopt, 4, std::nullopt},
      {"legacy", kOptional, std::nullopt, 1, kList},  // 2-level: repeated primitive element
      {"element", kRepeated, kInt32, 0, std::nullopt},
      {"tags", kRepeated, kByteArray, 0, kUtf8},       // bare repeated field
      {"pairs", kOptional, std::nullopt, 1, kList},   // repeated group named "array" is the element
      {"array", kRepeated, std::nullopt, 1, std::nullopt},
      {"x", kRequired, kInt32, 0, std::nullopt},
      {"m", kOptional, std::nullopt, 1, kMap},
      {"key_value", kRepeated, std::nullopt, 2, kMapKeyValue},
      {"key", kRequired, kByteArray, 0, kUtf8},
      {"value", kOptional, kInt64, 0, std::nullopt},
  };
  std::vector<Leaf> leaves(5);
  leaves[0] = {{"legacy", "element"}, kInt32, 1, 2, {0, 1, 0, 0, 0}, {2, 2, 0, 1, 2}, plain_int32s({1, 2, 3})};
  leaves[1] = {{"tags"}, kByteArray, 1, 1, {0, 0, 0, 1, 0}, {1, 0, 1, 1, 0},
               plain_string("a") + plain_string("b") + plain_string("c")};
  leaves[2] = {{"pairs", "array", "x"}, kInt32, 1, 2, {0, 0, 0, 0, 1}, {2, 1, 0, 2, 2}, plain_int32s({5, 6, 7})};
  leaves[3] = {{"m", "key_value", "key"}, kByteArray, 1, 2, {0, 0, 0, 0, 1}, {2, 0, 1, 2, 2},
               plain_string("k1") + plain_string("k2") + plain_string("k3")};
  leaves[4] = {{"m", "key_value", "value"}, kInt64, 1, 3, {0, 0, 0, 0, 1}, {3, 0, 1, 2, 3}, plain_int64s({10, 3})};
  return build_file(schema, leaves, 4);
}

// One required string column "s" of two rows with a two-entry dictionary.
std::string dictionary_file(const std::string& indices) {
  std::vector<Element> schema = {{"schema", kRequired, std::nullopt, 1, std::nullopt},
                                 {"s", kRequired, kByteArray, 0, kUtf8}};
  Leaf leaf{{"s"}, kByteArray, 0, 0, {0, 0}, {0, 0}, indices, /*encoding=*/8};
  leaf.dictionary = plain_string("a") + plain_string("b");
  leaf.dictionary_size = 2;
  return build_file(schema, {leaf}, 2);
}

void expect_error(const std::string& bytes, const std::vector<std::string>& needles) {
  try {
    parse_parquet(bytes, "hand.parquet");
    ADD_FAILURE() << "expected IoError";
  } catch (const IoError& e) {
    for (const std::string& needle : needles) EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
  }
}

TEST(ParquetLayouts, DictionaryIndicesInAFile) {
  // Bit width 3, an RLE run of two values: index 1 reads "b" twice; index 5 does not exist.
  ParquetTable good = parse_parquet(dictionary_file(std::string("\x03\x04\x01", 3)), "hand.parquet");
  ASSERT_EQ(good.rows.size(), 2u);
  EXPECT_EQ(good.rows[1].value, Json({{"s", "b"}}));
  expect_error(dictionary_file(std::string("\x03\x04\x05", 3)),
               {"hand.parquet", "row group 0", "column 's'", "dictionary index 5 out of range"});
}

// A 20 kB dictionary entry repeated by one RLE run of a million indices would copy 20 GB: the
// file-size-proportional copy budget stops it with a clear error instead.
TEST(ParquetLayouts, DictionaryAmplificationIsBounded) {
  const int rows = 1000000;
  std::vector<Element> schema = {{"schema", kRequired, std::nullopt, 1, std::nullopt},
                                 {"s", kRequired, kByteArray, 0, kUtf8}};
  std::string run_header;
  for (uint64_t v = static_cast<uint64_t>(rows) << 1; ; v >>= 7) {
    run_header += static_cast<char>((v & 0x7f) | (v >= 0x80 ? 0x80 : 0));
    if (v < 0x80) break;
  }
  Leaf leaf{{"s"}, kByteArray, 0, 0, std::vector<int>(rows, 0), std::vector<int>(rows, 0),
            std::string("\x01", 1) + run_header + std::string("\x00", 1), /*encoding=*/8};
  leaf.dictionary = plain_string(std::string(20000, 'x'));
  leaf.dictionary_size = 1;
  expect_error(build_file(schema, {leaf}, rows), {"hand.parquet", "column 's'", "expand past"});

  // The same layout at a plausible scale reads fine.
  Leaf small = leaf;
  small.rep = small.def = std::vector<int>(3, 0);
  small.values = std::string("\x01\x06\x00", 3);
  ParquetTable table = parse_parquet(build_file(schema, {small}, 3), "hand.parquet");
  ASSERT_EQ(table.rows.size(), 3u);
  EXPECT_EQ(table.rows[2].value["s"], std::string(20000, 'x'));
}

Leaf optional_int32_leaf() { return Leaf{{"v"}, kInt32, 0, 1, {0, 0}, {1, 0}, plain_int32s({4})}; }

std::vector<Element> optional_int32_schema() {
  return {{"schema", kRequired, std::nullopt, 1, std::nullopt}, {"v", kOptional, kInt32, 0, std::nullopt}};
}

TEST(ParquetLayouts, UnsupportedOrInconsistentPartsAreClearErrors) {
  ParquetTable good = parse_parquet(build_file(optional_int32_schema(), {optional_int32_leaf()}, 2), "hand.parquet");
  ASSERT_EQ(good.rows.size(), 2u);
  EXPECT_EQ(good.rows[0].value, Json({{"v", 4}}));
  EXPECT_EQ(good.rows[1].value, Json({{"v", nullptr}}));

  Leaf bit_packed = optional_int32_leaf();
  bit_packed.level_encoding = 4;
  expect_error(build_file(optional_int32_schema(), {bit_packed}, 2), {"column 'v'", "BIT_PACKED"});

  Leaf lz4 = optional_int32_leaf();
  lz4.codec = 5;
  expect_error(build_file(optional_int32_schema(), {lz4}, 2), {"column 'v'", "unsupported compression LZ4"});

  Leaf too_deep = optional_int32_leaf();
  too_deep.def = {1, 3};
  expect_error(build_file(optional_int32_schema(), {too_deep}, 2), {"column 'v' (definition levels)", "wider than its bit width"});

  expect_error(build_file(optional_int32_schema(), {optional_int32_leaf()}, 3), {"row group 0", "ends"});
  expect_error(build_file(optional_int32_schema(), {optional_int32_leaf()}, 1), {"row group 0", "more values"});

  Leaf missing_value = optional_int32_leaf();
  missing_value.values.clear();
  expect_error(build_file(optional_int32_schema(), {missing_value}, 2), {"column 'v'", "PLAIN"});
}

}  // namespace
}  // namespace rb::io
