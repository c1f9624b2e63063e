#include "io/parquet_schema.h"

#include "common/error.h"

namespace rb::io::parquet {
namespace {

constexpr int kMaxSchemaDepth = 32;

[[noreturn]] void fail(const std::string& context, const std::string& what) {
  throw IoError(context + ": " + what);
}

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

}  // namespace

SchemaNode build_schema_tree(const std::vector<SchemaElement>& elements, std::vector<LeafColumn>& leaves,
                             const std::string& context) {
  return SchemaBuilder(elements, context).build(leaves);
}

}  // namespace rb::io::parquet
