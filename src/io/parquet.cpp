#include "io/parquet.h"

#include <algorithm>
#include <cctype>
#include <cstring>

#include "common/error.h"
#include "io/mapped_file.h"
#include "io/parquet_assembly.h"
#include "io/parquet_column.h"
#include "io/parquet_metadata.h"
#include "io/parquet_schema.h"
#include "io/thrift_compact.h"

namespace rb::io {
namespace {

using namespace parquet;

// Decoded sizes may exceed the file size (compression, dictionaries, RLE runs of nulls) but only
// so far; larger claims come from corrupt or hostile files. Bytes may expand 4096-fold; level
// entries and rows (each row costs ~100 bytes of JSON) 64 per file byte, and at least a million.
constexpr uint64_t kMaxExpansion = 4096;
constexpr uint64_t kMaxEntriesPerByte = 64;
constexpr uint64_t kMinEntryLimit = uint64_t{1} << 20;

[[noreturn]] void fail(const std::string& context, const std::string& what) {
  throw IoError(context + ": " + what);
}

FileMetaData read_footer(std::string_view bytes, const std::string& name) {
  if (bytes.size() < 12) fail(name, "not a Parquet file (only " + std::to_string(bytes.size()) + " bytes)");
  if (bytes.substr(0, 4) != "PAR1" || bytes.substr(bytes.size() - 4) != "PAR1") {
    if (bytes.substr(bytes.size() - 4) == "PARE") fail(name, "encrypted Parquet files are not supported");
    fail(name, "not a Parquet file (missing PAR1 magic)");
  }
  uint32_t footer_length;
  std::memcpy(&footer_length, bytes.data() + bytes.size() - 8, 4);
  if (footer_length > bytes.size() - 12) {
    fail(name, "footer length " + std::to_string(footer_length) + " exceeds the file size");
  }
  const size_t footer_start = bytes.size() - 8 - footer_length;
  thrift::CompactReader reader(reinterpret_cast<const uint8_t*>(bytes.data()) + footer_start, footer_length,
                               name + " footer");
  return read_file_metadata(reader);
}

// Top-level fields to read, by index into the root's children.
std::vector<size_t> select_fields(const SchemaNode& root, const ParquetReadOptions& options, const std::string& name) {
  std::vector<size_t> selected;
  for (size_t i = 0; i < root.children.size(); ++i) {
    const std::string& field = root.children[i].element->name;
    if (options.columns.empty() ||
        std::find(options.columns.begin(), options.columns.end(), field) != options.columns.end()) {
      selected.push_back(i);
    }
  }
  for (const std::string& wanted : options.columns) {
    bool found = std::any_of(root.children.begin(), root.children.end(),
                             [&](const SchemaNode& child) { return child.element->name == wanted; });
    if (!found) fail(name, "no column named '" + wanted + "'");
  }
  return selected;
}

std::string dotted(const std::vector<std::string>& path) {
  std::string out;
  for (const std::string& part : path) out += (out.empty() ? "" : ".") + part;
  return out;
}

void read_row_group(std::string_view bytes, const std::string& name, size_t group_index, const RowGroup& group,
                    const SchemaNode& root, const std::vector<LeafColumn>& leaves,
                    const std::vector<size_t>& selected, const ReadLimits& limits, CopyBudget& copies,
                    size_t& row_number, ParquetTable& table) {
  const std::string group_context = name + ": row group " + std::to_string(group_index);
  if (group.columns.size() != leaves.size()) {
    fail(group_context, "has " + std::to_string(group.columns.size()) + " column chunks for " +
                            std::to_string(leaves.size()) + " schema columns");
  }
  if (group.num_rows < 0 || static_cast<uint64_t>(group.num_rows) > limits.max_entries - table.rows.size()) {
    fail(group_context, "implausible row count " + std::to_string(group.num_rows));
  }
  std::vector<ColumnValues> columns(leaves.size());
  for (size_t field : selected) {
    for (size_t leaf : root.children[field].leaves) {
      const std::string context = group_context + ", column '" + leaves[leaf].dotted_path + "'";
      const ColumnChunk& chunk = group.columns[leaf];
      if (!chunk.file_path.empty()) fail(context, "column data in another file is not supported");
      if (!chunk.meta_data) fail(context, "column chunk without metadata");
      if (!chunk.meta_data->path_in_schema.empty() && dotted(chunk.meta_data->path_in_schema) != leaves[leaf].dotted_path) {
        fail(context, "column chunk belongs to '" + dotted(chunk.meta_data->path_in_schema) + "'");
      }
      if (chunk.meta_data->type != leaves[leaf].value_type.physical) {
        fail(context, "column chunk type differs from the schema's");
      }
      columns[leaf] = read_column_chunk(bytes, *chunk.meta_data, leaves[leaf], limits, copies, context);
      for (const auto& [kind, count] : columns[leaf].page_kinds) table.page_kinds[kind] += count;
    }
  }
  RowAssembler assembler(columns, leaves, group_context);
  for (int64_t r = 0; r < group.num_rows; ++r) {
    Json row = Json::object();
    for (size_t field : selected) {
      const SchemaNode& node = root.children[field];
      assembler.start_row(node);
      row[node.element->name] = assembler.read_field(node);
    }
    table.rows.push_back(JsonRow{std::move(row), name + ":row " + std::to_string(row_number++)});
  }
  for (size_t field : selected) assembler.check_all_consumed(root.children[field]);
}

}  // namespace

ParquetTable parse_parquet(std::string_view bytes, const std::string& origin_name, const ParquetReadOptions& options) {
  FileMetaData meta = read_footer(bytes, origin_name);
  std::vector<LeafColumn> leaves;
  SchemaNode root = build_schema_tree(meta.schema, leaves, origin_name + " schema");
  const std::vector<size_t> selected = select_fields(root, options, origin_name);

  ReadLimits limits;
  limits.max_page_bytes = std::min<uint64_t>(bytes.size() * kMaxExpansion, INT32_MAX);
  limits.max_entries = std::max<uint64_t>(bytes.size() * kMaxEntriesPerByte, kMinEntryLimit);
  CopyBudget copies;
  copies.bytes_left = std::max<uint64_t>(bytes.size() * kMaxExpansion, uint64_t{64} << 20);

  ParquetTable table;
  table.created_by = meta.created_by;
  table.row_group_count = meta.row_groups.size();
  for (size_t field : selected) table.column_names.push_back(root.children[field].element->name);
  size_t row_number = 0;
  for (size_t g = 0; g < meta.row_groups.size(); ++g) {
    read_row_group(bytes, origin_name, g, meta.row_groups[g], root, leaves, selected, limits, copies, row_number,
                   table);
  }
  return table;
}

ParquetTable read_parquet(const std::string& path, const ParquetReadOptions& options) {
  MappedFile file(path);
  return parse_parquet(std::string_view(reinterpret_cast<const char*>(file.data()), file.size()), path, options);
}

std::vector<JsonRow> read_parquet_rows(const std::string& path) { return read_parquet(path).rows; }

std::vector<JsonRow> read_dataset_rows(const std::string& path) {
  constexpr std::string_view kParquet = ".parquet";
  const bool is_parquet = path.size() >= kParquet.size() &&
                          std::equal(kParquet.rbegin(), kParquet.rend(), path.rbegin(),
                                     [](char a, char b) { return a == std::tolower(static_cast<unsigned char>(b)); });
  return is_parquet ? read_parquet_rows(path) : read_json_rows(path);
}

}  // namespace rb::io
