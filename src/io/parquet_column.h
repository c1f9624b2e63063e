#pragma once
// Reading one column chunk (dictionary page + data pages v1/v2) into its definition levels,
// repetition levels and non-null values.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "io/parquet_metadata.h"
#include "io/parquet_values.h"

namespace rb::io::parquet {

// A leaf of the schema: where its values sit in the nesting and how to read them.
struct LeafColumn {
  std::string dotted_path;  // for messages
  ValueType value_type;
  int max_definition_level = 0;
  int max_repetition_level = 0;
};

// The decoded chunk: one level pair per entry, one value per entry whose definition level is
// the maximum (nulls and empty lists have no value).
struct ColumnValues {
  std::vector<uint16_t> definition_levels;
  std::vector<uint16_t> repetition_levels;
  std::vector<Json> values;
  // Pages read, by "<page type> <value encoding> <codec>", e.g. "DATA_PAGE_V2 RLE_DICTIONARY ZSTD".
  std::map<std::string, size_t> page_kinds;
};

// Hostile files must not make us allocate without bound: decompressed pages and decoded entries
// are capped in proportion to the file's size.
struct ReadLimits {
  uint64_t max_page_bytes = 0;
  uint64_t max_entries = 0;
};

// `copies` is the file-wide budget for dictionary and prefix copies (see CopyBudget).
ColumnValues read_column_chunk(std::string_view file, const ColumnMetaData& meta, const LeafColumn& leaf,
                               const ReadLimits& limits, CopyBudget& copies, const std::string& context);

}  // namespace rb::io::parquet
