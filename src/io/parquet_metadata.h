#pragma once
// Parquet's footer and page headers (parquet.thrift), decoded with our own compact-protocol
// reader. Only the fields the reader uses are kept; everything else is skipped.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "io/thrift_compact.h"

namespace rb::io::parquet {

enum class PhysicalType : int32_t {
  kBoolean = 0,
  kInt32 = 1,
  kInt64 = 2,
  kInt96 = 3,
  kFloat = 4,
  kDouble = 5,
  kByteArray = 6,
  kFixedLenByteArray = 7,
};

enum class Repetition : int32_t { kRequired = 0, kOptional = 1, kRepeated = 2 };

// ConvertedType values the reader looks at.
namespace converted {
constexpr int32_t kUtf8 = 0, kMap = 1, kMapKeyValue = 2, kList = 3, kEnum = 4, kDecimal = 5, kUint8 = 11,
                  kUint16 = 12, kUint32 = 13, kUint64 = 14, kJson = 19;
}

// The LogicalType union, reduced to what changes how values are read.
enum class LogicalKind { kNone, kString, kMap, kList, kEnum, kJson, kInteger, kOther };

struct SchemaElement {
  std::optional<PhysicalType> type;  // absent for groups
  int32_t type_length = 0;
  Repetition repetition = Repetition::kRequired;
  bool has_repetition = false;  // the root has none
  std::string name;
  int32_t num_children = 0;
  std::optional<int32_t> converted_type;
  LogicalKind logical = LogicalKind::kNone;
  bool integer_is_signed = true;  // LogicalType INTEGER's sign
};

struct ColumnMetaData {
  PhysicalType type = PhysicalType::kInt32;
  std::vector<std::string> path_in_schema;
  int32_t codec = 0;
  int64_t num_values = 0;
  int64_t total_compressed_size = 0;
  int64_t data_page_offset = 0;
  std::optional<int64_t> dictionary_page_offset;
};

struct ColumnChunk {
  std::string file_path;  // non-empty when the data lives in another file (unsupported)
  std::optional<ColumnMetaData> meta_data;
};

struct RowGroup {
  std::vector<ColumnChunk> columns;
  int64_t num_rows = 0;
};

struct FileMetaData {
  std::vector<SchemaElement> schema;  // depth-first, root first
  int64_t num_rows = 0;
  std::vector<RowGroup> row_groups;
  std::string created_by;
};

enum class PageType : int32_t { kDataPage = 0, kIndexPage = 1, kDictionaryPage = 2, kDataPageV2 = 3 };

struct DataPageHeader {
  int32_t num_values = 0;
  int32_t encoding = 0;
  int32_t definition_level_encoding = 0;
  int32_t repetition_level_encoding = 0;
};

struct DictionaryPageHeader {
  int32_t num_values = 0;
  int32_t encoding = 0;
};

struct DataPageHeaderV2 {
  int32_t num_values = 0;
  int32_t num_nulls = 0;
  int32_t num_rows = 0;
  int32_t encoding = 0;
  int32_t definition_levels_byte_length = 0;
  int32_t repetition_levels_byte_length = 0;
  bool is_compressed = true;
};

struct PageHeader {
  int32_t type = 0;
  int32_t uncompressed_page_size = 0;
  int32_t compressed_page_size = 0;
  std::optional<DataPageHeader> data_page;
  std::optional<DictionaryPageHeader> dictionary_page;
  std::optional<DataPageHeaderV2> data_page_v2;
};

FileMetaData read_file_metadata(thrift::CompactReader& reader);
PageHeader read_page_header(thrift::CompactReader& reader);

}  // namespace rb::io::parquet
