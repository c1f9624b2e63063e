#include "io/parquet.h"

#include <algorithm>
#include <cctype>
#include <cstring>

#include "common/error.h"
#include "io/mapped_file.h"
#include "io/parquet_column.h"
#include "io/parquet_metadata.h"
#include "io/thrift_compact.h"

namespace rb::io {
namespace {

using namespace parquet;

constexpr int kMaxSchemaDepth = 32;
// A decoded page or value count may exceed the file size (compression, RLE runs of nulls) but
// not by more than this factor; larger claims come from corrupt or hostile files.
constexpr uint64_t kMaxExpansion = 4096;

[[noreturn]] void fail(const std::string& context, const std::string& what) {
  throw IoError(context + ": " + what);
}

// One schema element with its children and cumulative levels.
struct SchemaNode {
  const SchemaElement* element = nullptr;
  std::vector<SchemaNode> children;
  int definition_level = 0;  // optional or repeated ancestors, self included
  int repetition_level = 0;  // repeated ancestors, self included
  std::vector<size_t> leaves;  // indices of the leaf columns under this node, in file order
  std::string dotted_path;

  bool is_leaf() const { return element->type.has_value(); }
  bool is_repeated() const { return element->repetition == Repetition::kRepeated; }
  bool is_optional() const { return element->repetition == Repetition::kOptional; }
  bool is_list() const {
    return element->logical == LogicalKind::kList || element->converted_type == converted::kList;
  }
  bool is_map() const {
    return element->logical == LogicalKind::kMap || element->converted_type == converted::kMap ||
           element->converted_type == converted::kMapKeyValue;
  }
};

ValueType value_type_of(const SchemaElement& element, const std::string& context) {
  ValueType type;
  type.physical = *element.type;
  type.type_length = element.type_length;
  const int32_t converted = element.converted_type.value_or(-1);
  if (type.physical == PhysicalType::kByteArray || type.physical == PhysicalType::kFixedLenByteArray) {
    bool text = element.logical == LogicalKind::kString || element.logical == LogicalKind::kEnum ||
                element.logical == LogicalKind::kJson || converted == converted::kUtf8 ||
                converted == converted::kEnum || converted == converted::kJson;
    type.conversion = text ? ValueConversion::kString : ValueConversion::kBinary;
  } else if (type.physical == PhysicalType::kInt96) {
    type.conversion = ValueConversion::kBinary;
  } else {
    bool is_unsigned = (element.logical == LogicalKind::kInteger && !element.integer_is_signed) ||
                       (converted >= converted::kUint8 && converted <= converted::kUint64);
    type.conversion = is_unsigned ? ValueConversion::kUnsigned : ValueConversion::kSigned;
  }
  if (type.physical == PhysicalType::kFixedLenByteArray && type.type_length <= 0) {
    fail(context, "fixed-length byte array column '" + element.name + "' has no positive length");
  }
  return type;
}

class SchemaBuilder {
 public:
  SchemaBuilder(const std::vector<SchemaElement>& elements, const std::string& context)
      : elements_(elements), context_(context) {}

  SchemaNode build(std::vector<LeafColumn>& leaves) {
    if (elements_.empty()) fail(context_, "the footer has no schema");
    SchemaNode root = build_node(nullptr, 0, leaves);
    if (next_ != elements_.size()) fail(context_, "the schema has elements outside its tree");
    return root;
  }

 private:
  SchemaNode build_node(const SchemaNode* parent, int depth, std::vector<LeafColumn>& leaves) {
    if (depth > kMaxSchemaDepth) fail(context_, "schema nested deeper than " + std::to_string(kMaxSchemaDepth));
    if (next_ >= elements_.size()) fail(context_, "schema ends inside a group");
    SchemaNode node;
    node.element = &elements_[next_++];
    const SchemaElement& element = *node.element;
    if (parent != nullptr) {
      node.definition_level = parent->definition_level + (element.repetition != Repetition::kRequired ? 1 : 0);
      node.repetition_level = parent->repetition_level + (element.repetition == Repetition::kRepeated ? 1 : 0);
      node.dotted_path = parent->dotted_path.empty() ? element.name : parent->dotted_path + "." + element.name;
    }
    if (element.type) {
      if (parent == nullptr) fail(context_, "the schema root is not a group");
      LeafColumn leaf;
      leaf.dotted_path = node.dotted_path;
      leaf.value_type = value_type_of(element, context_);
      leaf.max_definition_level = node.definition_level;
      leaf.max_repetition_level = node.repetition_level;
      node.leaves.push_back(leaves.size());
      leaves.push_back(std::move(leaf));
      return node;
    }
    if (element.num_children <= 0 || static_cast<size_t>(element.num_children) > elements_.size() - next_) {
      fail(context_, "schema group '" + element.name + "' has an invalid child count " +
                         std::to_string(element.num_children));
    }
    for (int32_t i = 0; i < element.num_children; ++i) {
      node.children.push_back(build_node(&node, depth + 1, leaves));
      const auto& child_leaves = node.children.back().leaves;
      node.leaves.insert(node.leaves.end(), child_leaves.begin(), child_leaves.end());
    }
    return node;
  }

  const std::vector<SchemaElement>& elements_;
  const std::string& context_;
  size_t next_ = 0;
};

// Walks the decoded level streams of one row group and rebuilds each row's nested values
// (Dremel record assembly). Every node instance consumes its entries from each leaf below it.
class RowAssembler {
 public:
  RowAssembler(std::vector<ColumnValues>& columns, const std::vector<LeafColumn>& leaves, const std::string& context)
      : columns_(columns), leaves_(leaves), context_(context), entry_(columns.size(), 0), value_(columns.size(), 0) {}

  Json read_field(const SchemaNode& node) {
    return node.is_repeated() ? read_repeated(node, node) : read_instance(node);
  }

  void start_row(const SchemaNode& field) {
    for (size_t leaf : field.leaves) {
      if (entry_[leaf] >= columns_[leaf].definition_levels.size()) fail(context_, "column ends before the row group does");
      if (columns_[leaf].repetition_levels[entry_[leaf]] != 0) fail(context_, "inconsistent repetition levels");
    }
  }

  void check_all_consumed(const SchemaNode& field) const {
    for (size_t leaf : field.leaves) {
      if (entry_[leaf] != columns_[leaf].definition_levels.size()) {
        fail(context_, "column '" + leaves_[leaf].dotted_path + "' holds more values than the row group's rows");
      }
    }
  }

 private:
  uint16_t definition_at(size_t leaf) const {
    if (entry_[leaf] >= columns_[leaf].definition_levels.size()) {
      fail(context_, "column '" + leaves_[leaf].dotted_path + "' ends inside a row");
    }
    return columns_[leaf].definition_levels[entry_[leaf]];
  }

  // A null or empty instance is one entry in every leaf below it.
  void skip_instance(const SchemaNode& node) {
    for (size_t leaf : node.leaves) {
      definition_at(leaf);
      ++entry_[leaf];
    }
  }

  Json read_leaf(const SchemaNode& node) {
    const size_t leaf = node.leaves.front();
    if (definition_at(leaf) != leaves_[leaf].max_definition_level) {
      fail(context_, "column '" + leaves_[leaf].dotted_path + "' has inconsistent definition levels");
    }
    if (value_[leaf] >= columns_[leaf].values.size()) {
      fail(context_, "column '" + leaves_[leaf].dotted_path + "' has fewer values than its levels promise");
    }
    ++entry_[leaf];
    return std::move(columns_[leaf].values[value_[leaf]++]);
  }

  // One instance of `node`, ignoring whether the node itself repeats.
  Json read_instance(const SchemaNode& node) {
    if (node.definition_level > 0 && definition_at(node.leaves.front()) < node.definition_level) {
      skip_instance(node);
      return Json(nullptr);
    }
    if (node.is_leaf()) return read_leaf(node);
    if ((node.is_list() || node.is_map()) && node.children.size() == 1 && node.children[0].is_repeated()) {
      const SchemaNode& repeated = node.children[0];
      return read_repeated(repeated, list_element(node, repeated));
    }
    Json object = Json::object();
    for (const SchemaNode& child : node.children) object[child.element->name] = read_field(child);
    return object;
  }

  // The backward-compatibility rules of the Parquet LIST spec: a repeated primitive, or a
  // repeated group with several fields or named "array"/"<list>_tuple", is itself the element
  // (2-level layout); otherwise its only child is (3-level layout).
  static const SchemaNode& list_element(const SchemaNode& list, const SchemaNode& repeated) {
    if (repeated.is_leaf() || repeated.children.size() != 1) return repeated;
    const std::string& name = repeated.element->name;
    if (name == "array" || name == list.element->name + "_tuple") return repeated;
    return repeated.children[0];
  }

  Json read_repeated(const SchemaNode& repeated, const SchemaNode& element) {
    Json array = Json::array();
    const size_t first_leaf = repeated.leaves.front();
    if (definition_at(first_leaf) < repeated.definition_level) {
      skip_instance(repeated);  // an empty list (the parent exists, no elements)
      return array;
    }
    while (true) {
      array.push_back(read_instance(element));
      const ColumnValues& column = columns_[first_leaf];
      const size_t next = entry_[first_leaf];
      if (next >= column.repetition_levels.size()) break;
      const int repetition = column.repetition_levels[next];
      if (repetition < repeated.repetition_level) break;
      if (repetition > repeated.repetition_level) fail(context_, "inconsistent repetition levels");
    }
    return array;
  }

  std::vector<ColumnValues>& columns_;
  const std::vector<LeafColumn>& leaves_;
  const std::string& context_;
  std::vector<size_t> entry_;
  std::vector<size_t> value_;
};

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
                    const std::vector<size_t>& selected, const ReadLimits& limits, size_t& row_number,
                    ParquetTable& table) {
  const std::string group_context = name + ": row group " + std::to_string(group_index);
  if (group.columns.size() != leaves.size()) {
    fail(group_context, "has " + std::to_string(group.columns.size()) + " column chunks for " +
                            std::to_string(leaves.size()) + " schema columns");
  }
  if (group.num_rows < 0 || static_cast<uint64_t>(group.num_rows) > limits.max_entries) {
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
      columns[leaf] = read_column_chunk(bytes, *chunk.meta_data, leaves[leaf], limits, context);
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
  SchemaNode root = SchemaBuilder(meta.schema, origin_name + " schema").build(leaves);
  const std::vector<size_t> selected = select_fields(root, options, origin_name);

  ReadLimits limits;
  limits.max_page_bytes = std::min<uint64_t>(bytes.size() * kMaxExpansion, INT32_MAX);
  limits.max_entries = std::max<uint64_t>(bytes.size() * kMaxExpansion, 1u << 20);

  ParquetTable table;
  table.created_by = meta.created_by;
  table.row_group_count = meta.row_groups.size();
  for (size_t field : selected) table.column_names.push_back(root.children[field].element->name);
  size_t row_number = 0;
  for (size_t g = 0; g < meta.row_groups.size(); ++g) {
    read_row_group(bytes, origin_name, g, meta.row_groups[g], root, leaves, selected, limits, row_number, table);
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
