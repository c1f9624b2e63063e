#include "io/parquet_metadata.h"

namespace rb::io::parquet {
namespace {

using thrift::CompactReader;
using thrift::FieldHeader;
using thrift::WireType;

// Checks a field's wire type before reading it, so a corrupt type byte becomes a clear error
// instead of a misread value.
void expect(CompactReader& reader, const FieldHeader& field, WireType type, const char* name) {
  if (field.type != type) {
    reader.fail(std::string("field '") + name + "' has wire type " + std::to_string(static_cast<int>(field.type)));
  }
}

int32_t read_i32_field(CompactReader& reader, const FieldHeader& field, const char* name) {
  expect(reader, field, WireType::kI32, name);
  return reader.read_i32();
}

int64_t read_i64_field(CompactReader& reader, const FieldHeader& field, const char* name) {
  expect(reader, field, WireType::kI64, name);
  return reader.read_i64();
}

template <typename ReadElement>
void read_list(CompactReader& reader, const FieldHeader& field, const char* name, WireType element_type,
               ReadElement read_element) {
  expect(reader, field, WireType::kList, name);
  thrift::ListHeader list = reader.read_list_header();
  if (list.size > 0 && list.element_type != element_type) {
    reader.fail(std::string("list '") + name + "' has elements of the wrong type");
  }
  for (uint32_t i = 0; i < list.size; ++i) read_element();
}

bool is_bool(WireType type) { return type == WireType::kBoolTrue || type == WireType::kBoolFalse; }

// Reads one struct, handing each field to on_field(field), which reads the fields it knows and
// returns true; the rest (returns false) are skipped, as Thrift readers skip unknown fields.
template <typename OnField>
void read_struct(CompactReader& reader, OnField on_field) {
  reader.begin_struct();
  FieldHeader field;
  while (reader.next_field(field)) {
    if (!on_field(field)) reader.skip(field.type);
  }
  reader.end_struct();
}

// LogicalType is a union of (mostly empty) structs; the field id says which one.
void read_logical_type(CompactReader& reader, SchemaElement& element) {
  read_struct(reader, [&](const FieldHeader& field) {
    if (field.type != WireType::kStruct) return false;
    switch (field.id) {
      case 1: element.logical = LogicalKind::kString; break;
      case 2: element.logical = LogicalKind::kMap; break;
      case 3: element.logical = LogicalKind::kList; break;
      case 4: element.logical = LogicalKind::kEnum; break;
      case 12: element.logical = LogicalKind::kJson; break;
      case 10: element.logical = LogicalKind::kInteger; break;
      default: element.logical = LogicalKind::kOther; break;
    }
    if (field.id != 10) return false;  // an empty struct, or one whose fields we do not need
    read_struct(reader, [&](const FieldHeader& int_field) {  // IntType { 1: i8 bitWidth, 2: bool isSigned }
      if (int_field.id != 2 || !is_bool(int_field.type)) return false;
      element.integer_is_signed = reader.read_bool(int_field);
      return true;
    });
    return true;
  });
}

SchemaElement read_schema_element(CompactReader& reader) {
  SchemaElement element;
  read_struct(reader, [&](const FieldHeader& field) {
    switch (field.id) {
      case 1: {
        int32_t type = read_i32_field(reader, field, "type");
        if (type < 0 || type > 7) reader.fail("unknown physical type " + std::to_string(type));
        element.type = static_cast<PhysicalType>(type);
        return true;
      }
      case 2: element.type_length = read_i32_field(reader, field, "type_length"); return true;
      case 3: {
        int32_t repetition = read_i32_field(reader, field, "repetition_type");
        if (repetition < 0 || repetition > 2) reader.fail("unknown repetition " + std::to_string(repetition));
        element.repetition = static_cast<Repetition>(repetition);
        element.has_repetition = true;
        return true;
      }
      case 4:
        expect(reader, field, WireType::kBinary, "name");
        element.name = reader.read_binary();
        return true;
      case 5: element.num_children = read_i32_field(reader, field, "num_children"); return true;
      case 6: element.converted_type = read_i32_field(reader, field, "converted_type"); return true;
      case 10:
        expect(reader, field, WireType::kStruct, "logicalType");
        read_logical_type(reader, element);
        return true;
      default: return false;
    }
  });
  return element;
}

ColumnMetaData read_column_metadata(CompactReader& reader) {
  ColumnMetaData meta;
  read_struct(reader, [&](const FieldHeader& field) {
    switch (field.id) {
      case 1: {
        int32_t type = read_i32_field(reader, field, "type");
        if (type < 0 || type > 7) reader.fail("unknown physical type " + std::to_string(type));
        meta.type = static_cast<PhysicalType>(type);
        return true;
      }
      case 3:
        read_list(reader, field, "path_in_schema", WireType::kBinary,
                  [&] { meta.path_in_schema.push_back(reader.read_binary()); });
        return true;
      case 4: meta.codec = read_i32_field(reader, field, "codec"); return true;
      case 5: meta.num_values = read_i64_field(reader, field, "num_values"); return true;
      case 7: meta.total_compressed_size = read_i64_field(reader, field, "total_compressed_size"); return true;
      case 9: meta.data_page_offset = read_i64_field(reader, field, "data_page_offset"); return true;
      case 11: meta.dictionary_page_offset = read_i64_field(reader, field, "dictionary_page_offset"); return true;
      default: return false;
    }
  });
  return meta;
}

ColumnChunk read_column_chunk(CompactReader& reader) {
  ColumnChunk chunk;
  read_struct(reader, [&](const FieldHeader& field) {
    if (field.id == 1 && field.type == WireType::kBinary) {
      chunk.file_path = reader.read_binary();
      return true;
    }
    if (field.id != 3) return false;
    expect(reader, field, WireType::kStruct, "meta_data");
    chunk.meta_data = read_column_metadata(reader);
    return true;
  });
  return chunk;
}

RowGroup read_row_group(CompactReader& reader) {
  RowGroup group;
  read_struct(reader, [&](const FieldHeader& field) {
    switch (field.id) {
      case 1:
        read_list(reader, field, "columns", WireType::kStruct,
                  [&] { group.columns.push_back(read_column_chunk(reader)); });
        return true;
      case 3: group.num_rows = read_i64_field(reader, field, "num_rows"); return true;
      default: return false;
    }
  });
  return group;
}

DataPageHeader read_data_page_header(CompactReader& reader) {
  DataPageHeader header;
  read_struct(reader, [&](const FieldHeader& field) {
    switch (field.id) {
      case 1: header.num_values = read_i32_field(reader, field, "num_values"); return true;
      case 2: header.encoding = read_i32_field(reader, field, "encoding"); return true;
      case 3: header.definition_level_encoding = read_i32_field(reader, field, "definition_level_encoding"); return true;
      case 4: header.repetition_level_encoding = read_i32_field(reader, field, "repetition_level_encoding"); return true;
      default: return false;
    }
  });
  return header;
}

DictionaryPageHeader read_dictionary_page_header(CompactReader& reader) {
  DictionaryPageHeader header;
  read_struct(reader, [&](const FieldHeader& field) {
    switch (field.id) {
      case 1: header.num_values = read_i32_field(reader, field, "num_values"); return true;
      case 2: header.encoding = read_i32_field(reader, field, "encoding"); return true;
      default: return false;
    }
  });
  return header;
}

DataPageHeaderV2 read_data_page_header_v2(CompactReader& reader) {
  DataPageHeaderV2 header;
  read_struct(reader, [&](const FieldHeader& field) {
    switch (field.id) {
      case 1: header.num_values = read_i32_field(reader, field, "num_values"); return true;
      case 2: header.num_nulls = read_i32_field(reader, field, "num_nulls"); return true;
      case 3: header.num_rows = read_i32_field(reader, field, "num_rows"); return true;
      case 4: header.encoding = read_i32_field(reader, field, "encoding"); return true;
      case 5: header.definition_levels_byte_length = read_i32_field(reader, field, "definition_levels_byte_length"); return true;
      case 6: header.repetition_levels_byte_length = read_i32_field(reader, field, "repetition_levels_byte_length"); return true;
      case 7:
        if (!is_bool(field.type)) reader.fail("field 'is_compressed' is not a bool");
        header.is_compressed = reader.read_bool(field);
        return true;
      default: return false;
    }
  });
  return header;
}

}  // namespace

FileMetaData read_file_metadata(CompactReader& reader) {
  FileMetaData meta;
  read_struct(reader, [&](const FieldHeader& field) {
    switch (field.id) {
      case 2:
        read_list(reader, field, "schema", WireType::kStruct,
                  [&] { meta.schema.push_back(read_schema_element(reader)); });
        return true;
      case 3: meta.num_rows = read_i64_field(reader, field, "num_rows"); return true;
      case 4:
        read_list(reader, field, "row_groups", WireType::kStruct,
                  [&] { meta.row_groups.push_back(read_row_group(reader)); });
        return true;
      case 6:
        expect(reader, field, WireType::kBinary, "created_by");
        meta.created_by = reader.read_binary();
        return true;
      default: return false;
    }
  });
  return meta;
}

PageHeader read_page_header(CompactReader& reader) {
  PageHeader header;
  read_struct(reader, [&](const FieldHeader& field) {
    switch (field.id) {
      case 1: header.type = read_i32_field(reader, field, "type"); return true;
      case 2: header.uncompressed_page_size = read_i32_field(reader, field, "uncompressed_page_size"); return true;
      case 3: header.compressed_page_size = read_i32_field(reader, field, "compressed_page_size"); return true;
      case 5:
        expect(reader, field, WireType::kStruct, "data_page_header");
        header.data_page = read_data_page_header(reader);
        return true;
      case 7:
        expect(reader, field, WireType::kStruct, "dictionary_page_header");
        header.dictionary_page = read_dictionary_page_header(reader);
        return true;
      case 8:
        expect(reader, field, WireType::kStruct, "data_page_header_v2");
        header.data_page_v2 = read_data_page_header_v2(reader);
        return true;
      default: return false;
    }
  });
  return header;
}

}  // namespace rb::io::parquet
