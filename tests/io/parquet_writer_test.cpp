// Reads back Parquet files written by a real writer (parquet-wasm 0.8.0 = the Rust `parquet`
// crate, via tests/io/parquet_write.js) and checks every row equals the JSON the writer was
// given: all codecs x page versions x dictionary on/off, the DELTA_* and BYTE_STREAM_SPLIT
// encodings, several row groups and pages per chunk. Skips when node/npm is unavailable.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <unistd.h>

#include "common/error.h"
#include "io/parquet.h"
#include "io/parquet_compression.h"
#include "parquet_test_data.h"

namespace rb::io {
namespace {

using rb::testing::parquet_data::Dataset;
using rb::testing::parquet_data::Json;
namespace data = rb::testing::parquet_data;

bool codec_available(const std::string& name) {
  for (int32_t codec = 0; codec < 8; ++codec) {
    if (parquet::codec_name(codec) == name) return parquet::codec_supported(codec);
  }
  return false;
}

class ParquetWriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    modules_ = data::parquet_writer_modules();
    if (modules_.empty()) GTEST_SKIP() << "node/npm or the registry is unavailable";
    dir_ = rb::testing::binary_dir() + "/parquet-writer-test-" + std::to_string(::getpid());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override {
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  // Writes one file per props object, checks each reads back as `dataset` and returns the
  // tables (for checks on which page kinds were exercised).
  std::vector<ParquetTable> round_trip(const Dataset& dataset, const std::vector<Json>& props_list,
                                       size_t min_row_groups, const std::string& script = "parquet_write.js",
                                       const std::string& writer_name = "parquet-rs") {
    std::vector<ParquetTable> tables;
    Json specs = Json::array();
    for (size_t i = 0; i < props_list.size(); ++i) {
      specs.push_back(data::writer_spec(dataset, dir_ + "/file" + std::to_string(i) + ".parquet", props_list[i]));
    }
    EXPECT_EQ(data::write_parquet_files(modules_, specs, dir_ + "/spec.json", script), "");
    for (size_t i = 0; i < props_list.size(); ++i) {
      SCOPED_TRACE("props " + props_list[i].dump());
      tables.push_back(read_parquet(specs[i]["output"].get<std::string>()));
      const ParquetTable& table = tables.back();
      EXPECT_GE(table.row_group_count, min_row_groups);
      EXPECT_NE(table.created_by.find(writer_name), std::string::npos) << table.created_by;
      EXPECT_EQ(table.rows.size(), dataset.rows.size());
      if (table.rows.size() != dataset.rows.size()) continue;
      size_t mismatches = 0;
      for (size_t r = 0; r < dataset.rows.size() && mismatches < 3; ++r) {
        if (table.rows[r].value != dataset.rows[r]) {
          ++mismatches;
          ADD_FAILURE() << "row " << r << "\n got      " << table.rows[r].value.dump() << "\n expected "
                        << dataset.rows[r].dump();
        }
      }
      if (table.rows.empty()) continue;
      EXPECT_EQ(table.rows.back().origin, specs[i]["output"].get<std::string>() + ":row " +
                                               std::to_string(dataset.rows.size() - 1));
    }
    return tables;
  }

  // Page kinds (see ParquetTable::page_kinds) whose text contains `needle`, summed.
  static size_t pages_matching(const ParquetTable& table, const std::string& needle) {
    size_t count = 0;
    for (const auto& [kind, n] : table.page_kinds) {
      if ((" " + kind + " ").find(needle) != std::string::npos) count += n;
    }
    return count;
  }

  std::string modules_;
  std::string dir_;
};

TEST_F(ParquetWriterTest, EveryCodecPageVersionAndDictionarySetting) {
  Dataset dataset = data::make_dataset(7, 300);
  std::vector<Json> props;
  for (const char* codec : {"UNCOMPRESSED", "SNAPPY", "GZIP", "ZSTD"}) {
    if (!codec_available(codec)) continue;  // a build without that library
    for (const char* version : {"V1", "V2"}) {
      for (bool dictionary : {true, false}) {
        props.push_back(Json{{"compression", codec}, {"writer_version", version}, {"dictionary", dictionary},
                             {"max_row_group_size", 128}, {"data_page_size_limit", 256}, {"write_batch_size", 16}});
      }
    }
  }
  std::vector<ParquetTable> tables = round_trip(dataset, props, 3);
  ASSERT_EQ(tables.size(), props.size());
  constexpr size_t kLeafColumns = 11;
  for (size_t i = 0; i < tables.size(); ++i) {
    SCOPED_TRACE("props " + props[i].dump());
    const ParquetTable& table = tables[i];
    const std::string page = props[i]["writer_version"] == "V2" ? " DATA_PAGE_V2 " : " DATA_PAGE ";
    const std::string codec = " " + props[i]["compression"].get<std::string>() + " ";
    size_t data_pages = pages_matching(table, page);
    EXPECT_EQ(data_pages, pages_matching(table, "DATA_PAGE"));   // one page version only
    EXPECT_GT(data_pages, table.row_group_count * kLeafColumns);  // several pages per chunk
    EXPECT_EQ(pages_matching(table, codec), pages_matching(table, " "));
    const bool dictionary = props[i]["dictionary"];
    EXPECT_EQ(pages_matching(table, "DICTIONARY_PAGE") > 0, dictionary);
    EXPECT_EQ(pages_matching(table, "_DICTIONARY ") > 0, dictionary);
  }
}

TEST_F(ParquetWriterTest, DeltaAndByteStreamSplitEncodings) {
  Dataset dataset = data::make_dataset(11, 200);
  Json encodings = {{"id", "DELTA_BYTE_ARRAY"},         {"prompt", "DELTA_LENGTH_BYTE_ARRAY"},
                    {"count", "DELTA_BINARY_PACKED"},   {"big", "DELTA_BINARY_PACKED"},
                    {"score", "BYTE_STREAM_SPLIT"},     {"ratio", "BYTE_STREAM_SPLIT"},
                    {"flag", "RLE"},                    {"chosen.list.item", "DELTA_LENGTH_BYTE_ARRAY"},
                    {"nums.list.item", "DELTA_BINARY_PACKED"}, {"meta.b", "DELTA_BINARY_PACKED"}};
  std::vector<Json> props;
  for (const char* version : {"V1", "V2"}) {
    for (const char* codec : {"UNCOMPRESSED", "ZSTD"}) {
      if (!codec_available(codec)) continue;
      props.push_back(Json{{"compression", codec}, {"writer_version", version}, {"column_encodings", encodings},
                           {"max_row_group_size", 64}, {"data_page_size_limit", 512}, {"write_batch_size", 16}});
    }
  }
  std::vector<ParquetTable> tables = round_trip(dataset, props, 3);
  for (const ParquetTable& table : tables) {
    for (const char* encoding : {" DELTA_BYTE_ARRAY ", " DELTA_LENGTH_BYTE_ARRAY ", " DELTA_BINARY_PACKED ",
                                 " BYTE_STREAM_SPLIT ", " RLE "}) {
      EXPECT_GT(pages_matching(table, encoding), 0u) << encoding;
    }
  }
  if (!tables.empty()) {
    for (const auto& [kind, n] : tables.back().page_kinds) std::printf("  %-48s %zu pages\n", kind.c_str(), n);
  }
}

// hyparquet-writer: an independent implementation (own Thrift encoder, DATA_PAGE_V2 only,
// dictionaries chosen per column, GZIP through node's zlib).
TEST_F(ParquetWriterTest, SecondWriterHyparquet) {
  Dataset dataset = data::make_dataset(23, 250);
  std::vector<Json> props;
  for (const char* codec : {"UNCOMPRESSED", "SNAPPY", "GZIP"}) {
    if (!codec_available(codec)) continue;
    props.push_back(Json{{"compression", codec}, {"row_group_size", 100}, {"page_size", 300}});
  }
  props.push_back(Json{{"compression", "UNCOMPRESSED"},
                       {"row_group_size", 80},
                       {"column_encodings",
                        {{"id", "DELTA_BYTE_ARRAY"}, {"prompt", "DELTA_LENGTH_BYTE_ARRAY"}, {"count", "DELTA_BINARY_PACKED"},
                         {"big", "DELTA_BINARY_PACKED"}, {"score", "BYTE_STREAM_SPLIT"}, {"ratio", "BYTE_STREAM_SPLIT"}}}});
  std::vector<ParquetTable> tables = round_trip(dataset, props, 3, "hyparquet_write.mjs", "hyparquet");
  for (const ParquetTable& table : tables) {
    EXPECT_EQ(pages_matching(table, "DATA_PAGE_V2"), pages_matching(table, "DATA_PAGE"));
    EXPECT_GT(pages_matching(table, "DATA_PAGE_V2"), 0u);
  }
  if (tables.size() == props.size()) {
    for (const char* encoding : {" DELTA_BYTE_ARRAY ", " DELTA_LENGTH_BYTE_ARRAY ", " DELTA_BINARY_PACKED ",
                                 " BYTE_STREAM_SPLIT "}) {
      EXPECT_GT(pages_matching(tables.back(), encoding), 0u) << encoding;
    }
    for (const auto& [kind, n] : tables.back().page_kinds) std::printf("  %-48s %zu pages\n", kind.c_str(), n);
  }
}

// Pages whose values are all null hold an empty (possibly compressed) value section.
TEST_F(ParquetWriterTest, AllNullColumnsInEveryCodec) {
  Dataset dataset = data::make_dataset(31, 40);
  for (Json& row : dataset.rows) {
    for (const Json& column : dataset.columns) {
      if (column["nullable"].get<bool>()) row[column["name"].get<std::string>()] = nullptr;
    }
  }
  for (const char* script : {"parquet_write.js", "hyparquet_write.mjs"}) {
    SCOPED_TRACE(script);
    const bool rust = std::string(script) == "parquet_write.js";
    std::vector<Json> props;
    for (const char* codec : {"UNCOMPRESSED", "SNAPPY", "GZIP", "ZSTD"}) {
      if (!codec_available(codec) || (!rust && std::string(codec) == "ZSTD")) continue;
      for (const char* version : {"V1", "V2"}) {
        if (!rust && std::string(version) == "V1") continue;  // hyparquet-writer writes v2 pages only
        props.push_back(Json{{"compression", codec}, {"writer_version", version}, {"max_row_group_size", 16},
                             {"row_group_size", 16}});
      }
    }
    round_trip(dataset, props, 3, script, rust ? "parquet-rs" : "hyparquet");
  }
}

TEST_F(ParquetWriterTest, EmptyTableAndColumnSelection) {
  Dataset empty = data::make_dataset(3, 0);
  round_trip(empty, {Json{{"compression", "UNCOMPRESSED"}}}, 0);

  Dataset dataset = data::make_dataset(5, 50);
  Json spec = data::writer_spec(dataset, dir_ + "/selected.parquet", Json{{"compression", "UNCOMPRESSED"}});
  ASSERT_EQ(data::write_parquet_files(modules_, Json::array({spec}), dir_ + "/spec.json"), "");
  ParquetReadOptions options;
  options.columns = {"chosen", "id"};
  ParquetTable table = read_parquet(dir_ + "/selected.parquet", options);
  EXPECT_EQ(table.column_names, (std::vector<std::string>{"id", "chosen"}));
  ASSERT_EQ(table.rows.size(), 50u);
  for (size_t r = 0; r < 50; ++r) {
    EXPECT_EQ(table.rows[r].value, (Json{{"id", dataset.rows[r]["id"]}, {"chosen", dataset.rows[r]["chosen"]}}));
  }
  options.columns = {"no_such_column"};
  EXPECT_THROW(read_parquet(dir_ + "/selected.parquet", options), IoError);
}

// Throughput on an RB2-shaped file (prompt + 4 long completions per row); the figure is printed.
TEST_F(ParquetWriterTest, ReadThroughputOnRewardBench2ShapedFile) {
  Json columns = Json::array({data::column("prompt", data::type_of("utf8"), true),
                              data::column("chosen", data::list_of(data::type_of("utf8"), true), true),
                              data::column("rejected", data::list_of(data::type_of("utf8"), true), true),
                              data::column("subset", data::type_of("utf8"), true)});
  Dataset dataset;
  dataset.columns = columns;
  data::RandomRows random(99);
  size_t text_bytes = 0;
  auto long_text = [&] {
    std::string s;
    while (s.size() < 1500) s += random.text() + " ";
    text_bytes += s.size();
    return s;
  };
  for (int i = 0; i < 2000; ++i) {
    Json rejected = Json::array({long_text(), long_text(), long_text()});
    dataset.rows.push_back(Json{{"prompt", long_text()}, {"chosen", Json::array({long_text()})},
                                {"rejected", rejected}, {"subset", i % 2 ? "Math" : "Focus"}});
  }
  const std::string path = dir_ + "/rb2.parquet";
  ASSERT_EQ(data::write_parquet_files(modules_, Json::array({data::writer_spec(dataset, path, {{"compression", codec_available("SNAPPY") ? "SNAPPY" : "UNCOMPRESSED"}})}),
                                      dir_ + "/spec.json"),
            "");
  auto start = std::chrono::steady_clock::now();
  ParquetTable table = read_parquet(path);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_EQ(table.rows.size(), dataset.rows.size());
  EXPECT_EQ(table.rows[1234].value, dataset.rows[1234]);
  std::printf("[ figure ] RB2-shaped parquet: %zu rows, %.1f MB of text, read in %.3f s = %.0f MB/s\n",
              table.rows.size(), text_bytes / 1e6, seconds, text_bytes / 1e6 / seconds);
}

}  // namespace
}  // namespace rb::io
