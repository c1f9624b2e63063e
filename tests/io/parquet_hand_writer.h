#pragma once
// A tiny Parquet file builder for tests: a Thrift compact encoder and uncompressed v1 pages whose
// levels and values the test spells out by hand. It produces layouts the npm writer cannot
// (legacy 2-level lists, bare repeated fields, MAPs) and precisely damaged files.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace rb::testing::parquet_hand {

class ThriftWriter {
 public:
  void begin() { last_.push_back(0); }
  void end() {
    out_ += '\0';
    last_.pop_back();
  }
  void i32(int16_t id, int64_t v) {
    field(id, 5);
    zigzag(v);
  }
  void i64(int16_t id, int64_t v) {
    field(id, 6);
    zigzag(v);
  }
  void binary(int16_t id, const std::string& s) {
    field(id, 8);
    raw_binary(s);
  }
  void raw_binary(const std::string& s) {
    varint(s.size());
    out_ += s;
  }
  void struct_field(int16_t id) {
    field(id, 12);
    begin();
  }
  void list_field(int16_t id, uint8_t element_type, size_t size) {
    field(id, 9);
    if (size < 15) {
      out_ += static_cast<char>((size << 4) | element_type);
    } else {
      out_ += static_cast<char>(0xf0 | element_type);
      varint(size);
    }
  }
  void raw_i32(int64_t v) { zigzag(v); }
  const std::string& bytes() const { return out_; }

 private:
  void field(int16_t id, uint8_t type) {
    int delta = id - last_.back();
    if (delta > 0 && delta <= 15) {
      out_ += static_cast<char>((delta << 4) | type);
    } else {
      out_ += static_cast<char>(type);
      zigzag(id);
    }
    last_.back() = id;
  }
  void varint(uint64_t v) {
    while (v >= 0x80) {
      out_ += static_cast<char>((v & 0x7f) | 0x80);
      v >>= 7;
    }
    out_ += static_cast<char>(v);
  }
  void zigzag(int64_t v) { varint((static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63)); }

  std::string out_;
  std::vector<int16_t> last_;
};

struct Element {
  std::string name;
  int repetition = 0;          // 0 required, 1 optional, 2 repeated
  std::optional<int> type;     // physical type; absent for groups
  int num_children = 0;
  std::optional<int> converted;
};

struct Leaf {
  std::vector<std::string> path;
  int type = 1;
  int max_rep = 0, max_def = 0;
  std::vector<int> rep, def;
  std::string values;                    // encoded value bytes
  int encoding = 0;                      // value encoding of the data page
  int level_encoding = 3;                // RLE
  std::optional<std::string> dictionary; // PLAIN dictionary values
  int dictionary_size = 0;
  int codec = 0;
};

inline std::string le32(uint32_t v) {
  std::string s(4, '\0');
  for (int i = 0; i < 4; ++i) s[i] = static_cast<char>((v >> (8 * i)) & 0xff);
  return s;
}

inline std::string plain_string(const std::string& s) { return le32(static_cast<uint32_t>(s.size())) + s; }

inline int width_of(int max_level) {
  int w = 0;
  while (max_level >> w) ++w;
  return w;
}

// Levels as RLE runs of one value each (header 0x02), prefixed by their byte length (v1 pages).
inline std::string levels(const std::vector<int>& values, int max_level) {
  std::string runs;
  for (int v : values) {
    runs += '\x02';
    runs += static_cast<char>(v);
  }
  (void)max_level;
  return le32(static_cast<uint32_t>(runs.size())) + runs;
}

inline std::string page_header(int type, size_t size, int num_values, int encoding, int level_encoding) {
  ThriftWriter w;
  w.begin();
  w.i32(1, type);
  w.i32(2, static_cast<int64_t>(size));
  w.i32(3, static_cast<int64_t>(size));
  if (type == 2) {
    w.struct_field(7);
    w.i32(1, num_values);
    w.i32(2, 0);
    w.end();
  } else {
    w.struct_field(5);
    w.i32(1, num_values);
    w.i32(2, encoding);
    w.i32(3, level_encoding);
    w.i32(4, level_encoding);
    w.end();
  }
  w.end();
  return w.bytes();
}

// A whole file: one row group of `num_rows`, one uncompressed chunk per leaf.
inline std::string build_file(const std::vector<Element>& schema, const std::vector<Leaf>& leaves, int64_t num_rows) {
  std::string file = "PAR1";
  std::vector<std::pair<int64_t, int64_t>> chunks;  // offset, size
  std::vector<std::optional<int64_t>> dictionary_offsets;
  for (const Leaf& leaf : leaves) {
    const int64_t start = static_cast<int64_t>(file.size());
    if (leaf.dictionary) {
      dictionary_offsets.push_back(start);
      file += page_header(2, leaf.dictionary->size(), leaf.dictionary_size, 0, 3) + *leaf.dictionary;
    } else {
      dictionary_offsets.push_back(std::nullopt);
    }
    std::string body;
    if (leaf.max_rep > 0) body += levels(leaf.rep, leaf.max_rep);
    if (leaf.max_def > 0) body += levels(leaf.def, leaf.max_def);
    body += leaf.values;
    chunks.emplace_back(static_cast<int64_t>(file.size()), 0);
    file += page_header(0, body.size(), static_cast<int>(leaf.def.size()), leaf.encoding, leaf.level_encoding) + body;
    chunks.back().second = static_cast<int64_t>(file.size()) - start;
  }
  ThriftWriter w;
  w.begin();
  w.i32(1, 1);
  w.list_field(2, 12, schema.size());
  for (const Element& e : schema) {
    w.begin();
    if (e.type) w.i32(1, *e.type);
    if (&e != &schema.front()) w.i32(3, e.repetition);
    w.binary(4, e.name);
    if (e.num_children) w.i32(5, e.num_children);
    if (e.converted) w.i32(6, *e.converted);
    w.end();
  }
  w.i64(3, num_rows);
  w.list_field(4, 12, 1);
  w.begin();  // RowGroup
  w.list_field(1, 12, leaves.size());
  for (size_t i = 0; i < leaves.size(); ++i) {
    const Leaf& leaf = leaves[i];
    w.begin();  // ColumnChunk
    w.i64(2, chunks[i].first);
    w.struct_field(3);  // ColumnMetaData
    w.i32(1, leaf.type);
    w.list_field(2, 5, 1);
    w.raw_i32(leaf.encoding);
    w.list_field(3, 8, leaf.path.size());
    for (const std::string& part : leaf.path) w.raw_binary(part);
    w.i32(4, leaf.codec);
    w.i64(5, static_cast<int64_t>(leaf.def.size()));
    w.i64(6, chunks[i].second);
    w.i64(7, chunks[i].second);
    w.i64(9, chunks[i].first);
    if (dictionary_offsets[i]) w.i64(11, *dictionary_offsets[i]);
    w.end();
    w.end();
  }
  w.i64(2, 0);
  w.i64(3, num_rows);
  w.end();  // RowGroup
  w.end();  // FileMetaData
  file += w.bytes();
  file += le32(static_cast<uint32_t>(w.bytes().size()));
  file += "PAR1";
  return file;
}

}  // namespace rb::testing::parquet_hand
