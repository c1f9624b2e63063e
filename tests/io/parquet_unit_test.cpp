// Offline tests of the Parquet reader: the Thrift compact decoder and the level/integer
// encodings on bytes worked out by hand from the format specs, the committed fixtures (written
// by parquet-wasm 0.8.0 and hyparquet-writer 0.17.0, expected rows checked by hand), malformed files, and a corruption loop.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <random>
#include <unistd.h>

#include "../support/test_support.h"
#include "common/error.h"
#include "io/parquet.h"
#include "io/parquet_compression.h"
#include "io/parquet_encoding.h"
#include "io/parquet_metadata.h"
#include "io/parquet_values.h"
#include "io/thrift_compact.h"

namespace rb::io {
namespace {

using Json = nlohmann::ordered_json;
using Bytes = std::vector<uint8_t>;

std::string fixture_path(const std::string& name) {
  return rb::testing::source_dir() + "/tests/io/fixtures/" + name;
}

// The committed fixtures' codecs; a build without that codec's library skips their tests.
int32_t fixture_codec(const std::string& name) {
  if (name.rfind("rb1_flat_snappy", 0) == 0) return parquet::codec::kSnappy;
  if (name.rfind("rb2_lists_zstd", 0) == 0) return parquet::codec::kZstd;
  return parquet::codec::kGzip;
}

#define SKIP_WITHOUT_CODEC(name)                                                                   \
  if (!parquet::codec_supported(fixture_codec(name)))                                              \
  GTEST_SKIP() << "this build lacks " << parquet::codec_name(fixture_codec(name))

// ---- Thrift compact protocol -------------------------------------------------------------

TEST(ThriftCompact, ReadsFieldsWithShortAndLongHeaders) {
  // struct { 1: i32 = -3 (zigzag 5), 2: bool true, 20: binary "hi" (long-form id),
  //          21: list<i64> [1, -1] }
  Bytes bytes = {0x15, 0x05, 0x11, 0x08, 0x28, 0x02, 'h', 'i', 0x19, 0x26, 0x02, 0x01, 0x00};
  thrift::CompactReader reader(bytes.data(), bytes.size(), "test");
  reader.begin_struct();
  thrift::FieldHeader field;
  ASSERT_TRUE(reader.next_field(field));
  EXPECT_EQ(field.id, 1);
  EXPECT_EQ(reader.read_i32(), -3);
  ASSERT_TRUE(reader.next_field(field));
  EXPECT_EQ(field.id, 2);
  EXPECT_TRUE(reader.read_bool(field));
  ASSERT_TRUE(reader.next_field(field));
  EXPECT_EQ(field.id, 20);
  EXPECT_EQ(reader.read_binary(), "hi");
  ASSERT_TRUE(reader.next_field(field));
  EXPECT_EQ(field.id, 21);
  thrift::ListHeader list = reader.read_list_header();
  ASSERT_EQ(list.size, 2u);
  EXPECT_EQ(reader.read_i64(), 1);
  EXPECT_EQ(reader.read_i64(), -1);
  EXPECT_FALSE(reader.next_field(field));
  reader.end_struct();
  EXPECT_EQ(reader.position(), bytes.size());
}

TEST(ThriftCompact, SkipsNestedValuesAndRejectsBadInput) {
  // struct { 1: struct { 1: list<binary> ["ab"] }, 2: i64 7 } -> skip field 1, read field 2.
  Bytes bytes = {0x1c, 0x19, 0x18, 0x02, 'a', 'b', 0x00, 0x16, 0x0e, 0x00};
  thrift::CompactReader reader(bytes.data(), bytes.size(), "ctx");
  reader.begin_struct();
  thrift::FieldHeader field;
  ASSERT_TRUE(reader.next_field(field));
  reader.skip(field.type);
  ASSERT_TRUE(reader.next_field(field));
  EXPECT_EQ(field.id, 2);
  EXPECT_EQ(reader.read_i64(), 7);

  Bytes truncated = {0x18, 0x05, 'a'};  // binary of 5 bytes, 1 present
  thrift::CompactReader short_reader(truncated.data(), truncated.size(), "short.parquet footer");
  short_reader.begin_struct();
  ASSERT_TRUE(short_reader.next_field(field));
  try {
    short_reader.read_binary();
    FAIL() << "expected IoError";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("short.parquet footer"), std::string::npos);
  }
  Bytes deep(200, 0x1c);  // struct inside struct inside ...
  thrift::CompactReader deep_reader(deep.data(), deep.size(), "deep");
  EXPECT_THROW(deep_reader.skip(thrift::WireType::kStruct), IoError);
  Bytes huge_list = {0xf8, 0xff, 0xff, 0xff, 0x0f};  // list<binary> of 2^32-1 elements
  thrift::CompactReader list_reader(huge_list.data(), huge_list.size(), "list");
  EXPECT_THROW(list_reader.read_list_header(), IoError);
}

// ---- Encodings ---------------------------------------------------------------------------

TEST(ParquetEncoding, RleHybridBitPackedAndRunsFromTheSpec) {
  // Spec example: 0..7 bit-packed with width 3 = header 0x03 (1 group), bytes 88 c6 fa;
  // then an RLE run of five 7s: header 5<<1 = 0x0a, value 0x07.
  Bytes bytes = {0x03, 0x88, 0xc6, 0xfa, 0x0a, 0x07};
  std::vector<uint32_t> out;
  parquet::decode_rle_hybrid(bytes.data(), bytes.size(), 3, 13, out, "t");
  EXPECT_EQ(out, (std::vector<uint32_t>{0, 1, 2, 3, 4, 5, 6, 7, 7, 7, 7, 7, 7}));
  out.clear();
  EXPECT_THROW(parquet::decode_rle_hybrid(bytes.data(), bytes.size(), 3, 14, out, "t"), IoError);
  EXPECT_EQ(parquet::bit_width_of(0), 0);
  EXPECT_EQ(parquet::bit_width_of(1), 1);
  EXPECT_EQ(parquet::bit_width_of(2), 2);
  EXPECT_EQ(parquet::bit_width_of(255), 8);
}

TEST(ParquetEncoding, DeltaBinaryPackedByHand) {
  // Values 7 5 3 1 2: block 128, 4 miniblocks, 5 values, first 7 (zigzag 14); min delta -2
  // (zigzag 3); widths 2,0,0,0; deltas - min = 0 0 0 3 -> byte 0xc0, then 7 zero bytes.
  Bytes bytes = {0x80, 0x01, 0x04, 0x05, 0x0e, 0x03, 0x02, 0x00, 0x00, 0x00, 0xc0, 0, 0, 0, 0, 0, 0, 0};
  std::vector<int64_t> out;
  size_t used = parquet::decode_delta_binary_packed(bytes.data(), bytes.size(), 5, false, out, "t");
  EXPECT_EQ(out, (std::vector<int64_t>{7, 5, 3, 1, 2}));
  EXPECT_EQ(used, bytes.size());
  out.clear();
  EXPECT_THROW(parquet::decode_delta_binary_packed(bytes.data(), 12, 5, false, out, "t"), IoError);
  EXPECT_THROW(parquet::decode_delta_binary_packed(bytes.data(), bytes.size(), 6, false, out, "t"), IoError);
}

TEST(ParquetValues, DictionaryIndexOutOfRangeIsAnError) {
  std::vector<parquet::Json> dictionary = {"a", "b"};
  parquet::ValueType type;
  type.physical = parquet::PhysicalType::kByteArray;
  type.conversion = parquet::ValueConversion::kString;
  // bit width 2, RLE run of three values 1 -> b b b; then a run of index 3 -> out of range.
  Bytes good = {0x02, 0x06, 0x01};
  std::vector<parquet::Json> out;
  parquet::decode_values(type, parquet::encoding::kRleDictionary, good.data(), good.size(), 3, &dictionary, out, "t");
  EXPECT_EQ(out, (std::vector<parquet::Json>{"b", "b", "b"}));
  Bytes bad = {0x02, 0x06, 0x03};
  try {
    parquet::decode_values(type, parquet::encoding::kRleDictionary, bad.data(), bad.size(), 3, &dictionary, out,
                           "f.parquet: row group 0, column 'x'");
    FAIL() << "expected IoError";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("column 'x'"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("out of range"), std::string::npos);
  }
}

TEST(ParquetValues, PlainTypesAndInvalidUtf8) {
  parquet::ValueType type;
  type.physical = parquet::PhysicalType::kByteArray;
  type.conversion = parquet::ValueConversion::kString;
  Bytes bytes = {2, 0, 0, 0, 'o', 'k', 1, 0, 0, 0, 0xff};
  std::vector<parquet::Json> out;
  EXPECT_THROW(parquet::decode_values(type, parquet::encoding::kPlain, bytes.data(), bytes.size(), 2, nullptr, out, "t"),
               IoError);
  type.conversion = parquet::ValueConversion::kBinary;  // unannotated binary: bytes as numbers
  out.clear();
  parquet::decode_values(type, parquet::encoding::kPlain, bytes.data(), bytes.size(), 2, nullptr, out, "t");
  EXPECT_EQ(out, (std::vector<parquet::Json>{"ok", Json::array({255})}));
  parquet::ValueType booleans;
  booleans.physical = parquet::PhysicalType::kBoolean;
  Bytes bits = {0x05};  // 1 0 1
  out.clear();
  parquet::decode_values(booleans, parquet::encoding::kPlain, bits.data(), bits.size(), 3, nullptr, out, "t");
  EXPECT_EQ(out, (std::vector<parquet::Json>{true, false, true}));
}

// ---- Fixtures ----------------------------------------------------------------------------

class ParquetFixture : public ::testing::TestWithParam<std::string> {};

TEST_P(ParquetFixture, ReadsTheRowsItWasWrittenFrom) {
  const std::string name = GetParam();
  SKIP_WITHOUT_CODEC(name);
  Json expected = Json::parse(rb::testing::read_file(fixture_path(name + ".expected.json")));
  ParquetTable table = read_parquet(fixture_path(name + ".parquet"));
  ASSERT_EQ(table.rows.size(), expected.size());
  for (size_t r = 0; r < expected.size(); ++r) EXPECT_EQ(table.rows[r].value, expected[r]) << "row " << r;
  EXPECT_EQ(table.rows[1].origin, fixture_path(name + ".parquet") + ":row 1");
  EXPECT_EQ(read_parquet_rows(fixture_path(name + ".parquet")).size(), expected.size());
}

INSTANTIATE_TEST_SUITE_P(Committed, ParquetFixture,
                         ::testing::Values("rb1_flat_snappy_v1", "rb2_lists_zstd_v2", "mixed_gzip_delta",
                                           // hyparquet-writer 0.17.0: its second row group's GZIP
                                           // pages hold no values at all (regression)
                                           "hyparquet_gzip_v2"));

TEST(ParquetFixtureShape, SeveralRowGroupsAndIntegerTypes) {
  SKIP_WITHOUT_CODEC("rb1_flat_snappy");
  SKIP_WITHOUT_CODEC("rb2_lists_zstd");
  ParquetTable rb1 = read_parquet(fixture_path("rb1_flat_snappy_v1.parquet"));
  EXPECT_EQ(rb1.row_group_count, 2u);
  EXPECT_TRUE(rb1.rows[3].value["id"].is_number_integer());
  EXPECT_EQ(rb1.rows[3].value["id"].get<int64_t>(), 9007199254740993LL);  // not representable as a double
  ParquetTable rb2 = read_parquet(fixture_path("rb2_lists_zstd_v2.parquet"));
  EXPECT_EQ(rb2.row_group_count, 2u);
  EXPECT_TRUE(rb2.rows[1].value["rejected"].is_array());
  EXPECT_TRUE(rb2.rows[2].value["rejected"].is_null());
}

TEST(ParquetDatasetRows, DispatchesOnTheExtension) {
  SKIP_WITHOUT_CODEC("rb1_flat_snappy");
  std::vector<JsonRow> parquet_rows = read_dataset_rows(fixture_path("rb1_flat_snappy_v1.parquet"));
  ASSERT_EQ(parquet_rows.size(), 5u);
  EXPECT_EQ(parquet_rows[0].value["subset"], "alpacaeval-easy");
  const std::string jsonl = rb::testing::binary_dir() + "/parquet_dispatch_" + std::to_string(::getpid()) + ".jsonl";
  {
    std::ofstream out(jsonl);
    out << "{\"a\": 1}\n{\"a\": 2}\n";
  }
  std::vector<JsonRow> json_rows = read_dataset_rows(jsonl);
  std::remove(jsonl.c_str());
  ASSERT_EQ(json_rows.size(), 2u);
  EXPECT_EQ(json_rows[1].value["a"], 2);
}

// ---- Malformed files ---------------------------------------------------------------------

std::string load(const std::string& name) { return rb::testing::read_file(fixture_path(name)); }

void expect_io_error(const std::string& bytes, const std::string& needle) {
  try {
    parse_parquet(bytes, "broken.parquet");
    ADD_FAILURE() << "expected IoError mentioning '" << needle << "'";
  } catch (const IoError& e) {
    std::string message = e.what();
    EXPECT_NE(message.find("broken.parquet"), std::string::npos) << message;
    EXPECT_NE(message.find(needle), std::string::npos) << message;
  }
}

TEST(ParquetMalformed, ContainerErrorsNameTheFile) {
  const std::string good = load("rb1_flat_snappy_v1.parquet");
  expect_io_error("", "not a Parquet file");
  expect_io_error("PAR1", "not a Parquet file");
  std::string bad_magic = good;
  bad_magic[bad_magic.size() - 1] = 'X';
  expect_io_error(bad_magic, "magic");
  std::string bad_length = good;
  bad_length[bad_length.size() - 5] = '\x7f';  // footer length's top byte
  expect_io_error(bad_length, "footer length");
  expect_io_error(good.substr(0, good.size() / 2) + good.substr(good.size() - 8), "");
  EXPECT_THROW(read_parquet(fixture_path("does-not-exist.parquet")), IoError);
}

TEST(ParquetMalformed, CorruptPageHeaderAndCompressedData) {
  SKIP_WITHOUT_CODEC("rb1_flat_snappy");
  SKIP_WITHOUT_CODEC("rb2_lists_zstd");
  const std::string good = load("rb1_flat_snappy_v1.parquet");
  // The first column chunk starts right after the magic with a page header.
  std::string bad_header = good;
  for (size_t i = 4; i < 12; ++i) bad_header[i] = '\xff';
  expect_io_error(bad_header, "row group 0, column 'prompt'");

  // Find the first page's body and break its SNAPPY length prefix.
  thrift::CompactReader reader(reinterpret_cast<const uint8_t*>(good.data()) + 4, good.size() - 4, "t");
  parquet::PageHeader header = parquet::read_page_header(reader);
  ASSERT_GT(header.compressed_page_size, 0);
  std::string bad_snappy = good;
  bad_snappy[4 + reader.position()] = '\x7f';
  expect_io_error(bad_snappy, "SNAPPY");

  const std::string zstd = load("rb2_lists_zstd_v2.parquet");
  thrift::CompactReader zreader(reinterpret_cast<const uint8_t*>(zstd.data()) + 4, zstd.size() - 4, "t");
  parquet::PageHeader zheader = parquet::read_page_header(zreader);
  std::string bad_zstd = zstd;
  // Break the frame's magic number: the first value bytes of a (compressed) page.
  const size_t body = 4 + zreader.position();
  const size_t values_start = body + (zheader.data_page_v2 ? zheader.data_page_v2->definition_levels_byte_length +
                                                                  zheader.data_page_v2->repetition_levels_byte_length
                                                            : 0);
  bad_zstd[values_start] ^= 0x55;
  expect_io_error(bad_zstd, "ZSTD");
}

// Truncations and random byte damage must end in a result or a clean IoError naming the file.
// RB_PARQUET_FUZZ_ITERATIONS raises the count per fixture for longer local runs (e.g. under ASan).
TEST(ParquetMalformed, CorruptionLoopNeverCrashes) {
  const char* configured = std::getenv("RB_PARQUET_FUZZ_ITERATIONS");
  const int iterations = configured ? std::atoi(configured) : 1500;
  const char* seed = std::getenv("RB_PARQUET_FUZZ_SEED");
  std::mt19937 engine(seed ? static_cast<uint32_t>(std::atoll(seed)) : 1234u);
  size_t errors = 0, results = 0;
  for (const char* name : {"rb1_flat_snappy_v1.parquet", "rb2_lists_zstd_v2.parquet", "mixed_gzip_delta.parquet",
                           "hyparquet_gzip_v2.parquet"}) {
    const std::string good = load(name);
    ASSERT_FALSE(good.empty());
    for (int iteration = 0; iteration < iterations; ++iteration) {
      std::string bytes = good;
      const int mode = iteration % 3;
      if (mode == 0) {
        bytes.resize(std::uniform_int_distribution<size_t>(0, bytes.size() - 1)(engine));
      } else {
        const int flips = std::uniform_int_distribution<int>(1, mode == 1 ? 1 : 8)(engine);
        for (int f = 0; f < flips; ++f) {
          size_t at = std::uniform_int_distribution<size_t>(0, bytes.size() - 1)(engine);
          bytes[at] = static_cast<char>(std::uniform_int_distribution<int>(0, 255)(engine));
        }
      }
      try {
        ParquetTable table = parse_parquet(bytes, "fuzzed.parquet");
        for (const JsonRow& row : table.rows) row.value.dump();  // values must be valid JSON text
        ++results;
      } catch (const IoError& e) {
        ++errors;
        ASSERT_NE(std::string(e.what()).find("fuzzed.parquet"), std::string::npos) << e.what();
      }
    }
  }
  EXPECT_GT(errors, static_cast<size_t>(iterations) * 2);
  std::printf("[ figure ] corruption loop: %zu clean errors, %zu results\n", errors, results);
}

}  // namespace
}  // namespace rb::io
