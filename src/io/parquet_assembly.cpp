#include "io/parquet_assembly.h"

#include "common/error.h"

namespace rb::io::parquet {
namespace {

[[noreturn]] void fail(const std::string& context, const std::string& what) {
  throw IoError(context + ": " + what);
}

// The backward-compatibility rules of the Parquet LIST spec: a repeated primitive, or a
// repeated group with several fields or named "array"/"<list>_tuple", is itself the element
// (2-level layout); otherwise its only child is (3-level layout).
const SchemaNode& list_element(const SchemaNode& list, const SchemaNode& repeated) {
  if (repeated.is_leaf() || repeated.children.size() != 1) return repeated;
  const std::string& name = repeated.element->name;
  if (name == "array" || name == list.element->name + "_tuple") return repeated;
  return repeated.children[0];
}

}  // namespace

RowAssembler::RowAssembler(std::vector<ColumnValues>& columns, const std::vector<LeafColumn>& leaves,
                           const std::string& context)
    : columns_(columns), leaves_(leaves), context_(context), entry_(columns.size(), 0), value_(columns.size(), 0) {}

void RowAssembler::start_row(const SchemaNode& field) {
  for (size_t leaf : field.leaves) {
    if (entry_[leaf] >= columns_[leaf].definition_levels.size()) fail(context_, "column ends before the row group does");
    if (columns_[leaf].repetition_levels[entry_[leaf]] != 0) fail(context_, "inconsistent repetition levels");
  }
}

void RowAssembler::check_all_consumed(const SchemaNode& field) const {
  for (size_t leaf : field.leaves) {
    if (entry_[leaf] != columns_[leaf].definition_levels.size()) {
      fail(context_, "column '" + leaves_[leaf].dotted_path + "' holds more values than the row group's rows");
    }
  }
}

Json RowAssembler::read_field(const SchemaNode& node) {
  return node.is_repeated() ? read_repeated(node, node) : read_instance(node);
}

uint16_t RowAssembler::definition_at(size_t leaf) const {
  if (entry_[leaf] >= columns_[leaf].definition_levels.size()) {
    fail(context_, "column '" + leaves_[leaf].dotted_path + "' ends inside a row");
  }
  return columns_[leaf].definition_levels[entry_[leaf]];
}

// A null or empty instance is one entry in every leaf below it.
void RowAssembler::skip_instance(const SchemaNode& node) {
  for (size_t leaf : node.leaves) {
    definition_at(leaf);
    ++entry_[leaf];
  }
}

Json RowAssembler::read_leaf(const SchemaNode& node) {
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
Json RowAssembler::read_instance(const SchemaNode& node) {
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

// A list's elements: one instance of `element` per entry of the first leaf that repeats at
// this list's repetition level.
Json RowAssembler::read_repeated(const SchemaNode& repeated, const SchemaNode& element) {
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

}  // namespace rb::io::parquet
