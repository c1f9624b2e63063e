#pragma once
// Parquet's flat schema list rebuilt as a tree, with each node's cumulative definition and
// repetition levels and the leaf columns (in file order) below it.
#include <string>
#include <vector>

#include "io/parquet_column.h"
#include "io/parquet_metadata.h"

namespace rb::io::parquet {

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

// Builds the tree from the footer's depth-first schema list and appends one LeafColumn per
// primitive field to `leaves`. Throws rb::IoError (prefixed with `context`) for malformed trees.
SchemaNode build_schema_tree(const std::vector<SchemaElement>& elements, std::vector<LeafColumn>& leaves,
                             const std::string& context);

}  // namespace rb::io::parquet
