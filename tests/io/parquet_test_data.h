#pragma once
// Test data for the Parquet reader: random rows over every column shape the reader supports,
// the writer spec that tests/io/parquet_write.js turns into a real Parquet file, and a
// row-by-row comparison. Header-only; used by the io_parquet_* tests.
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "../support/test_support.h"

namespace rb::testing::parquet_data {

using Json = nlohmann::ordered_json;

struct Dataset {
  Json columns = Json::array();  // [{name, type, nullable}] in the writer's spec format
  std::vector<Json> rows;
};

inline Json type_of(const char* kind) { return Json{{"kind", kind}}; }

inline Json list_of(Json element, bool element_nullable) {
  return Json{{"kind", "list"}, {"element", std::move(element)}, {"element_nullable", element_nullable}};
}

inline Json column(const char* name, Json type, bool nullable) {
  return Json{{"name", name}, {"type", std::move(type)}, {"nullable", nullable}};
}

class RandomRows {
 public:
  explicit RandomRows(uint32_t seed) : engine_(seed) {}

  bool chance(double p) { return std::uniform_real_distribution<double>(0, 1)(engine_) < p; }
  int64_t between(int64_t lo, int64_t hi) { return std::uniform_int_distribution<int64_t>(lo, hi)(engine_); }

  // Repeated phrases (dictionary-friendly), unique text with multi-byte UTF-8, empty and long strings.
  std::string text() {
    static const char* const kPhrases[] = {"Which is better?", "Write a poem about the sea.", "", "réponse",
                                           "中文回答", "emoji 😀 ok", "tab\tand\nnewline", "quote \" backslash \\"};
    if (chance(0.5)) return kPhrases[between(0, 7)];
    std::string out;
    const int words = static_cast<int>(between(1, chance(0.05) ? 400 : 12));
    for (int i = 0; i < words; ++i) out += (i ? " " : "") + std::string("w") + std::to_string(between(0, 99999)) + "é";
    return out;
  }

  int64_t any_int64() {
    if (chance(0.1)) return chance(0.5) ? INT64_MIN : INT64_MAX;
    return static_cast<int64_t>(std::uniform_int_distribution<uint64_t>()(engine_));
  }

 private:
  std::mt19937 engine_;
};

// Columns shaped like RewardBench v1/v2 (flat strings, list<string> completions) plus every
// other physical type, nulls at every level, empty lists and a struct.
inline Dataset make_dataset(uint32_t seed, size_t row_count) {
  Dataset data;
  Json meta_type = {{"kind", "struct"},
                    {"fields", Json::array({column("a", type_of("utf8"), true), column("b", type_of("int64"), true)})}};
  data.columns = Json::array({column("id", type_of("utf8"), false), column("prompt", type_of("utf8"), true),
                              column("score", type_of("float64"), true), column("ratio", type_of("float32"), false),
                              column("count", type_of("int32"), true), column("big", type_of("int64"), false),
                              column("flag", type_of("bool"), true),
                              column("chosen", list_of(type_of("utf8"), true), true),
                              column("nums", list_of(type_of("int64"), false), false),
                              column("meta", meta_type, true)});
  RandomRows random(seed);
  for (size_t i = 0; i < row_count; ++i) {
    Json row = Json::object();
    row["id"] = "row-" + std::to_string(i);
    row["prompt"] = random.chance(0.15) ? Json(nullptr) : Json(random.text());
    row["score"] = random.chance(0.1) ? Json(nullptr) : Json(random.between(-1000000, 1000000) / 977.0);
    row["ratio"] = static_cast<double>(random.between(-800, 800)) / 8.0;  // exact in float32
    row["count"] = random.chance(0.1) ? Json(nullptr) : Json(random.between(INT32_MIN, INT32_MAX));
    row["big"] = random.any_int64();
    row["flag"] = random.chance(0.1) ? Json(nullptr) : Json(random.chance(0.5));
    if (random.chance(0.1)) {
      row["chosen"] = nullptr;
    } else {
      Json list = Json::array();
      for (int64_t n = random.chance(0.1) ? 0 : random.between(1, 4); n > 0; --n) {
        list.push_back(random.chance(0.1) ? Json(nullptr) : Json(random.text()));
      }
      row["chosen"] = list;
    }
    Json nums = Json::array();
    for (int64_t n = random.between(0, 3); n > 0; --n) nums.push_back(random.any_int64());
    row["nums"] = nums;
    if (random.chance(0.1)) {
      row["meta"] = nullptr;
    } else {
      row["meta"] = Json{{"a", random.chance(0.2) ? Json(nullptr) : Json(random.text())},
                         {"b", random.chance(0.2) ? Json(nullptr) : Json(random.any_int64())}};
    }
    data.rows.push_back(std::move(row));
  }
  return data;
}

// int64 values travel to the JS writer as decimal strings (JS numbers hold 53 bits).
inline Json for_writer(const Json& type, const Json& value) {
  if (value.is_null()) return value;
  const std::string kind = type["kind"];
  if (kind == "int64") return Json(value.dump());
  if (kind == "list") {
    Json out = Json::array();
    for (const Json& element : value) out.push_back(for_writer(type["element"], element));
    return out;
  }
  if (kind == "struct") {
    Json out = Json::object();
    for (const Json& field : type["fields"]) out[field["name"].get<std::string>()] = for_writer(field["type"], value[field["name"].get<std::string>()]);
    return out;
  }
  return value;
}

inline Json writer_spec(const Dataset& data, const std::string& output, const Json& props) {
  Json rows = Json::array();
  for (const Json& row : data.rows) {
    Json converted = Json::object();
    for (const Json& col : data.columns) {
      const std::string name = col["name"];
      converted[name] = for_writer(col["type"], row[name]);
    }
    rows.push_back(std::move(converted));
  }
  return Json{{"output", output}, {"columns", data.columns}, {"rows", std::move(rows)}, {"props", props}};
}

// The node_modules folder with the pinned writer, or "" when it cannot be installed (skip).
inline std::string parquet_writer_modules() {
  auto r = run_command(shell_quote(source_dir() + "/tests/io/install_parquet_writer.sh") + " " +
                       shell_quote(binary_dir() + "/npm-parquet-writers-2") + " 2>/dev/null");
  if (r.status != 0) return "";
  while (!r.output.empty() && (r.output.back() == '\n' || r.output.back() == '\r')) r.output.pop_back();
  return r.output;
}

// Runs a writer script of tests/io (parquet_write.js: parquet-wasm; hyparquet_write.mjs:
// hyparquet-writer) on `specs` (a JSON array); returns an error message or "".
inline std::string write_parquet_files(const std::string& modules, const Json& specs, const std::string& spec_path,
                                       const std::string& script = "parquet_write.js") {
  {
    std::ofstream out(spec_path, std::ios::binary);
    out << specs.dump();
  }
  auto r = run_command("node " + shell_quote(source_dir() + "/tests/io/" + script) + " " + shell_quote(modules) +
                       " " + shell_quote(spec_path) + " 2>&1");
  return r.status == 0 ? "" : "writer failed: " + r.output;
}

}  // namespace rb::testing::parquet_data
