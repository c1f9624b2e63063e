#include "stats/stats_file.h"

#include <cmath>
#include <filesystem>

#include "common/error.h"
#include "common/file_io.h"
#include "stats/length_bias.h"

namespace rb::stats {
namespace {

Json number_or_null(double value) { return std::isnan(value) ? Json(nullptr) : Json(value); }

double number_field(const Json& object, const char* field, const std::string& where) {
  if (!object.contains(field)) throw InputError(where + ": field \"" + field + "\" is missing");
  const Json& value = object[field];
  if (value.is_null()) return std::nan("");
  if (!value.is_number()) throw InputError(where + ": field \"" + field + "\" is not a number");
  return value.get<double>();
}

std::string string_field(const Json& object, const char* field, const std::string& where) {
  if (!object.contains(field) || !object[field].is_string())
    throw InputError(where + ": field \"" + field + "\" is missing or not a string");
  return object[field].get<std::string>();
}

ScoreKind parse_kind(const std::string& name, const std::string& where) {
  for (ScoreKind kind : {ScoreKind::kSubset, ScoreKind::kSection, ScoreKind::kPriorSets, ScoreKind::kOverall,
                         ScoreKind::kFinal})
    if (name == score_kind_name(kind)) return kind;
  throw InputError(where + ": unknown score kind \"" + name + "\"");
}

}  // namespace

const Estimate* RunStats::find(const std::string& name) const {
  for (const auto& estimate : estimates)
    if (estimate.name == name) return &estimate;
  return nullptr;
}

RunStats compute_run_stats(std::string model, Benchmark benchmark, std::vector<StatsItem> items,
                           const BootstrapOptions& bootstrap, const std::string& length_unit) {
  compact_groups(items);
  RunStats stats;
  stats.model = std::move(model);
  stats.benchmark = benchmark;
  stats.bootstrap = bootstrap;
  stats.length_unit = length_unit;
  stats.estimates = bootstrap_scores(items, benchmark, bootstrap);
  stats.bias = length_bias_json(items, length_unit);
  stats.items = std::move(items);
  return stats;
}

Json stats_to_json(const RunStats& stats) {
  Json scores = Json::array();
  for (const auto& e : stats.estimates) {
    scores.push_back({{"name", e.name},
                      {"kind", score_kind_name(e.kind)},
                      {"value", number_or_null(e.value)},
                      {"se", number_or_null(e.se)},
                      {"ci_low", number_or_null(e.low)},
                      {"ci_high", number_or_null(e.high)},
                      {"items", e.items},
                      {"groups", e.groups}});
  }
  return {{"format", "rewardbench-stats"},
          {"version", 1},
          {"model", stats.model},
          {"benchmark", benchmark_name(stats.benchmark)},
          {"bootstrap",
           {{"samples", stats.bootstrap.samples},
            {"seed", stats.bootstrap.seed},
            {"confidence", stats.bootstrap.confidence},
            {"interval", "percentile"},
            {"resampling", stats.benchmark == Benchmark::kV1
                               ? "pairs grouped by prompt, redrawn within each subset"
                               : "prompts (Ties: ref and tied prompts of one id together), redrawn within each subset"}}},
          {"length_unit", stats.length_unit},
          {"scores", std::move(scores)},
          {"bias", stats.bias},
          {"items", items_to_json(stats.items)}};
}

std::string format_stats_json(const RunStats& stats) {
  // Indented, except that each item is one line: the file stays readable and small.
  Json json = stats_to_json(stats);
  const Json items = std::move(json["items"]);
  json.erase("items");
  std::string text = json.dump(2);
  text.pop_back();  // the closing brace
  text += ",\n  \"items\": [";
  for (size_t i = 0; i < items.size(); ++i) text += (i ? ",\n    " : "\n    ") + items[i].dump();
  text += items.empty() ? "]\n}\n" : "\n  ]\n}\n";
  return text;
}

RunStats parse_stats_json(const std::string& text, const std::string& source) {
  Json json;
  try {
    json = Json::parse(text);
  } catch (const Json::parse_error& e) {
    throw InputError(source + ": not valid JSON: " + e.what());
  }
  if (!json.is_object() || json.value("format", "") != "rewardbench-stats")
    throw InputError(source + ": not a rewardbench stats.json (no \"format\": \"rewardbench-stats\")");
  if (json.value("version", 0) != 1)
    throw InputError(source + ": stats.json version " + json.value("version", Json()).dump() +
                     " is not one this build reads (1)");
  RunStats stats;
  stats.source = source;
  stats.model = string_field(json, "model", source);
  stats.benchmark = parse_benchmark(string_field(json, "benchmark", source), source);
  if (json.contains("bootstrap") && json["bootstrap"].is_object()) {
    const Json& b = json["bootstrap"];
    stats.bootstrap.samples = b.value("samples", size_t{0});
    stats.bootstrap.seed = b.value("seed", uint64_t{0});
    stats.bootstrap.confidence = b.value("confidence", 0.95);
  }
  stats.length_unit = json.value("length_unit", "characters");
  if (!json.contains("scores") || !json["scores"].is_array())
    throw InputError(source + ": field \"scores\" is missing or not a list");
  for (size_t i = 0; i < json["scores"].size(); ++i) {
    const Json& entry = json["scores"][i];
    const std::string where = source + ": scores[" + std::to_string(i) + "]";
    if (!entry.is_object()) throw InputError(where + " is not an object");
    Estimate e;
    e.name = string_field(entry, "name", where);
    e.kind = parse_kind(string_field(entry, "kind", where), where);
    e.value = number_field(entry, "value", where);
    e.se = number_field(entry, "se", where);
    e.low = number_field(entry, "ci_low", where);
    e.high = number_field(entry, "ci_high", where);
    e.items = entry.value("items", size_t{0});
    e.groups = entry.value("groups", size_t{0});
    stats.estimates.push_back(std::move(e));
  }
  stats.bias = json.value("bias", Json::object());
  if (!json.contains("items")) throw InputError(source + ": field \"items\" is missing");
  stats.items = items_from_json(json["items"], source);
  return stats;
}

RunStats read_run_stats(const std::string& path) {
  const std::filesystem::path given(path);
  const std::string file = std::filesystem::is_directory(given) ? (given / kStatsFileName).string() : path;
  const auto text = read_file_if_present(file);
  if (!text) {
    throw InputError(file + ": no stats.json here (runs of rewardbench 0.1 before stats.json, and the reference's "
                            "own result folders, have none: re-run the model with this version)");
  }
  return parse_stats_json(*text, file);
}

}  // namespace rb::stats
