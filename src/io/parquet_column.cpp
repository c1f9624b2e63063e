#include "io/parquet_column.h"

#include <cstring>

#include "common/error.h"
#include "io/parquet_compression.h"
#include "io/parquet_encoding.h"
#include "io/thrift_compact.h"

namespace rb::io::parquet {
namespace {

[[noreturn]] void fail(const std::string& context, const std::string& what) {
  throw IoError(context + ": " + what);
}

struct ChunkReader {
  std::string_view file;
  const ColumnMetaData& meta;
  const LeafColumn& leaf;
  const ReadLimits& limits;
  CopyBudget& copies;
  const std::string& context;
  std::vector<Json> dictionary;
  bool has_dictionary = false;
  ColumnValues result;

  const uint8_t* bytes(size_t offset) const { return reinterpret_cast<const uint8_t*>(file.data()) + offset; }

  // Appends `count` levels (each at most `max_level`) from a hybrid-encoded run of bytes.
  void decode_levels(const uint8_t* data, size_t size, int max_level, size_t count, std::vector<uint16_t>& out,
                     const char* what) {
    std::vector<uint32_t> levels;
    decode_rle_hybrid(data, size, bit_width_of(static_cast<uint32_t>(max_level)), count, levels,
                      context + " (" + what + " levels)");
    for (uint32_t level : levels) {
      if (level > static_cast<uint32_t>(max_level)) {
        fail(context, std::string(what) + " level " + std::to_string(level) + " exceeds the maximum " +
                          std::to_string(max_level));
      }
      out.push_back(static_cast<uint16_t>(level));
    }
  }

  // A v1 page's levels: a 4-byte length, then the hybrid-encoded levels.
  size_t decode_v1_levels(const std::vector<uint8_t>& page, size_t pos, int max_level, int32_t level_encoding,
                          size_t count, std::vector<uint16_t>& out, const char* what) {
    if (max_level == 0) {
      out.insert(out.end(), count, 0);
      return pos;
    }
    if (level_encoding != encoding::kRle) {
      fail(context, std::string(what) + " levels use unsupported encoding " + encoding_name(level_encoding));
    }
    if (page.size() - pos < 4) fail(context, std::string(what) + " levels run past the end of the page");
    uint32_t length;
    std::memcpy(&length, page.data() + pos, 4);
    pos += 4;
    if (length > page.size() - pos) fail(context, std::string(what) + " levels run past the end of the page");
    decode_levels(page.data() + pos, length, max_level, count, out, what);
    return pos + length;
  }

  void note_page(const char* page_type, int32_t value_encoding) {
    ++result.page_kinds[std::string(page_type) + " " + encoding_name(value_encoding) + " " + codec_name(meta.codec)];
  }

  size_t count_present(size_t first_entry) const {
    size_t present = 0;
    for (size_t i = first_entry; i < result.definition_levels.size(); ++i) {
      if (result.definition_levels[i] == leaf.max_definition_level) ++present;
    }
    return present;
  }

  void check_page_values(int32_t num_values, int64_t remaining) {
    if (num_values < 0 || num_values > remaining) {
      fail(context, "page holds " + std::to_string(num_values) + " values but only " + std::to_string(remaining) +
                        " remain in the column chunk");
    }
  }

  void read_dictionary_page(const PageHeader& header, const std::vector<uint8_t>& page) {
    const DictionaryPageHeader& dict = *header.dictionary_page;
    if (dict.encoding != encoding::kPlain && dict.encoding != encoding::kPlainDictionary) {
      fail(context, "dictionary page uses unsupported encoding " + encoding_name(dict.encoding));
    }
    if (dict.num_values < 0) fail(context, "dictionary page with a negative value count");
    dictionary.clear();
    decode_values(leaf.value_type, encoding::kPlain, page.data(), page.size(), static_cast<size_t>(dict.num_values),
                  nullptr, dictionary, context + " (dictionary page)");
    has_dictionary = true;
    note_page("DICTIONARY_PAGE", dict.encoding);
  }

  void read_data_page_v1(const PageHeader& header, const std::vector<uint8_t>& page, int64_t remaining) {
    const DataPageHeader& data = *header.data_page;
    check_page_values(data.num_values, remaining);
    const size_t count = static_cast<size_t>(data.num_values);
    const size_t first_entry = result.definition_levels.size();
    size_t pos = decode_v1_levels(page, 0, leaf.max_repetition_level, data.repetition_level_encoding, count,
                                  result.repetition_levels, "repetition");
    pos = decode_v1_levels(page, pos, leaf.max_definition_level, data.definition_level_encoding, count,
                           result.definition_levels, "definition");
    decode_values(leaf.value_type, data.encoding, page.data() + pos, page.size() - pos, count_present(first_entry),
                  has_dictionary ? &dictionary : nullptr, result.values, context, &copies);
    note_page("DATA_PAGE", data.encoding);
  }

  // V2 pages keep their levels uncompressed in front of the (possibly compressed) values.
  void read_data_page_v2(const PageHeader& header, const uint8_t* body, int64_t remaining) {
    const DataPageHeaderV2& data = *header.data_page_v2;
    check_page_values(data.num_values, remaining);
    const size_t count = static_cast<size_t>(data.num_values);
    const int64_t rep_length = data.repetition_levels_byte_length;
    const int64_t def_length = data.definition_levels_byte_length;
    if (rep_length < 0 || def_length < 0 || rep_length + def_length > header.compressed_page_size ||
        rep_length + def_length > header.uncompressed_page_size) {
      fail(context, "page v2 level lengths do not fit in the page");
    }
    const size_t first_entry = result.definition_levels.size();
    if (leaf.max_repetition_level == 0) {
      result.repetition_levels.insert(result.repetition_levels.end(), count, 0);
    } else {
      decode_levels(body, static_cast<size_t>(rep_length), leaf.max_repetition_level, count,
                    result.repetition_levels, "repetition");
    }
    if (leaf.max_definition_level == 0) {
      result.definition_levels.insert(result.definition_levels.end(), count, 0);
    } else {
      decode_levels(body + rep_length, static_cast<size_t>(def_length), leaf.max_definition_level, count,
                    result.definition_levels, "definition");
    }
    const size_t levels_length = static_cast<size_t>(rep_length + def_length);
    const uint8_t* values = body + levels_length;
    const size_t compressed = static_cast<size_t>(header.compressed_page_size) - levels_length;
    const size_t uncompressed = static_cast<size_t>(header.uncompressed_page_size) - levels_length;
    std::vector<uint8_t> plain;
    if (data.is_compressed && meta.codec != codec::kUncompressed) {
      plain = decompress(meta.codec, values, compressed, uncompressed, context);
    } else {
      plain.assign(values, values + compressed);
    }
    decode_values(leaf.value_type, data.encoding, plain.data(), plain.size(), count_present(first_entry),
                  has_dictionary ? &dictionary : nullptr, result.values, context, &copies);
    note_page("DATA_PAGE_V2", data.encoding);
  }

  void read_pages(uint64_t start, uint64_t end) {
    uint64_t pos = start;
    int64_t entries = 0;
    while (entries < meta.num_values && pos < end) {
      thrift::CompactReader reader(bytes(pos), end - pos, context + " page header at offset " + std::to_string(pos));
      PageHeader header = read_page_header(reader);
      pos += reader.position();
      if (header.compressed_page_size < 0 || static_cast<uint64_t>(header.compressed_page_size) > end - pos) {
        fail(context, "page at offset " + std::to_string(pos) + " runs past the end of its column chunk");
      }
      if (header.uncompressed_page_size < 0 ||
          static_cast<uint64_t>(header.uncompressed_page_size) > limits.max_page_bytes) {
        fail(context, "page at offset " + std::to_string(pos) + " claims an implausible size");
      }
      const uint8_t* body = bytes(pos);
      const size_t body_size = static_cast<size_t>(header.compressed_page_size);
      pos += body_size;
      const int64_t remaining = meta.num_values - entries;
      if (header.type == static_cast<int32_t>(PageType::kDataPageV2)) {
        if (!header.data_page_v2) fail(context, "page v2 without its header");
        read_data_page_v2(header, body, remaining);
      } else if (header.type == static_cast<int32_t>(PageType::kDataPage) ||
                 header.type == static_cast<int32_t>(PageType::kDictionaryPage)) {
        std::vector<uint8_t> page = decompress(meta.codec, body, body_size,
                                               static_cast<size_t>(header.uncompressed_page_size), context);
        if (header.type == static_cast<int32_t>(PageType::kDictionaryPage)) {
          if (!header.dictionary_page) fail(context, "dictionary page without its header");
          read_dictionary_page(header, page);
          continue;
        }
        if (!header.data_page) fail(context, "data page without its header");
        read_data_page_v1(header, page, remaining);
      } else {
        continue;  // index pages and unknown kinds carry no values
      }
      entries = static_cast<int64_t>(result.definition_levels.size());
    }
    if (entries != meta.num_values) {
      fail(context, "column chunk holds " + std::to_string(entries) + " values where its metadata says " +
                        std::to_string(meta.num_values));
    }
  }
};

}  // namespace

ColumnValues read_column_chunk(std::string_view file, const ColumnMetaData& meta, const LeafColumn& leaf,
                               const ReadLimits& limits, CopyBudget& copies, const std::string& context) {
  if (meta.num_values < 0 || static_cast<uint64_t>(meta.num_values) > limits.max_entries) {
    fail(context, "implausible value count " + std::to_string(meta.num_values));
  }
  // The chunk starts at its dictionary page when it has one (some writers leave a bogus 0 there).
  int64_t start = meta.data_page_offset;
  if (meta.dictionary_page_offset && *meta.dictionary_page_offset > 0 &&
      *meta.dictionary_page_offset < meta.data_page_offset) {
    start = *meta.dictionary_page_offset;
  }
  if (start < 4 || meta.total_compressed_size < 0 || static_cast<uint64_t>(start) > file.size() ||
      static_cast<uint64_t>(meta.total_compressed_size) > file.size() - static_cast<uint64_t>(start)) {
    fail(context, "column chunk (offset " + std::to_string(start) + ", " + std::to_string(meta.total_compressed_size) +
                      " bytes) lies outside the file");
  }
  ChunkReader reader{file, meta, leaf, limits, copies, context, {}, false, {}};
  reader.read_pages(static_cast<uint64_t>(start), static_cast<uint64_t>(start + meta.total_compressed_size));
  return std::move(reader.result);
}

}  // namespace rb::io::parquet
