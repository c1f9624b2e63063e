#pragma once
// Reading Parquet files (e.g. Hugging Face dataset shards) into JSON rows without Arrow.
// Flat columns, LIST columns (the 3-level layout pyarrow writes and the legacy 2-level ones),
// bare repeated fields, structs (read as JSON objects) and MAPs (arrays of {key, value}) are
// assembled from definition/repetition levels; pages v1/v2, dictionary/PLAIN/RLE/DELTA_*/
// BYTE_STREAM_SPLIT encodings and UNCOMPRESSED/SNAPPY/GZIP/ZSTD codecs are supported.
// A malformed file raises rb::IoError naming the file (and row group/column), never crashes.
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "io/json_file.h"

namespace rb::io {

struct ParquetReadOptions {
  // Top-level columns to read, in file order; empty reads all. Naming a missing column is an error.
  std::vector<std::string> columns;
};

struct ParquetTable {
  std::vector<std::string> column_names;  // top-level columns read, in file order
  std::vector<JsonRow> rows;              // each origin is "<file>:row N" (N counted from 0)
  std::string created_by;                 // the writer, as the footer names it
  size_t row_group_count = 0;
  // Pages decoded, by "<page type> <value encoding> <codec>" (e.g. "DATA_PAGE RLE_DICTIONARY
  // SNAPPY"): shows which parts of the format a file exercised.
  std::map<std::string, size_t> page_kinds;
};

ParquetTable read_parquet(const std::string& path, const ParquetReadOptions& options = {});

// Same, from bytes already in memory; `origin_name` stands in for the file name in messages.
ParquetTable parse_parquet(std::string_view bytes, const std::string& origin_name,
                           const ParquetReadOptions& options = {});

// The rows of a whole file: a list column becomes a JSON array, a null becomes null and
// 64-bit integers stay integers.
std::vector<JsonRow> read_parquet_rows(const std::string& path);

// A dataset file's rows by its extension: `.parquet` through read_parquet_rows, anything else
// (.json, .jsonl) through read_json_rows. Lets dataset loaders accept Hub Parquet shards as is.
std::vector<JsonRow> read_dataset_rows(const std::string& path);

}  // namespace rb::io
