#pragma once
// Dremel record assembly: rebuilds each row's nested JSON values (lists, structs, maps) from the
// definition/repetition level streams of one row group's leaf columns.
#include <string>
#include <vector>

#include "io/parquet_column.h"
#include "io/parquet_schema.h"

namespace rb::io::parquet {

// Walks the decoded level streams of one row group and rebuilds each row's nested values
// (Dremel record assembly). Every node instance consumes its entries from each leaf below it.
// Inconsistent levels raise rb::IoError prefixed with `context`.
class RowAssembler {
 public:
  RowAssembler(std::vector<ColumnValues>& columns, const std::vector<LeafColumn>& leaves, const std::string& context);

  // Checks every leaf under a top-level field starts a new row (repetition level 0).
  void start_row(const SchemaNode& field);
  // The field's value in the current row; consumes the row's entries of its leaves.
  Json read_field(const SchemaNode& node);
  // After the last row: every entry of the field's leaves must have been used.
  void check_all_consumed(const SchemaNode& field) const;

 private:
  uint16_t definition_at(size_t leaf) const;
  void skip_instance(const SchemaNode& node);
  Json read_leaf(const SchemaNode& node);
  Json read_instance(const SchemaNode& node);
  Json read_repeated(const SchemaNode& repeated, const SchemaNode& element);

  std::vector<ColumnValues>& columns_;
  const std::vector<LeafColumn>& leaves_;
  const std::string& context_;
  std::vector<size_t> entry_;  // next entry per leaf
  std::vector<size_t> value_;  // next non-null value per leaf
};
}  // namespace rb::io::parquet
