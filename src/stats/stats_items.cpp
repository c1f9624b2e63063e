#include "stats/stats_items.h"

#include <cmath>
#include <limits>
#include <map>
#include <variant>

#include "common/error.h"
#include "eval/benchmarks.h"
#include "eval/dataset.h"
#include "eval/scored_example.h"
#include "eval/v2_metrics.h"

namespace rb::stats {

const char* benchmark_name(Benchmark benchmark) { return benchmark == Benchmark::kV1 ? "v1" : "v2"; }

Benchmark parse_benchmark(const std::string& name, const std::string& context) {
  if (name == "v1") return Benchmark::kV1;
  if (name == "v2") return Benchmark::kV2;
  throw InputError(context + ": benchmark \"" + name + "\" is neither v1 nor v2");
}

std::string StatsItem::key() const { return subset + "\x1f" + id.dump(); }

double code_points(const std::string& text) {
  double count = 0;
  for (char c : text)
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++count;  // every byte that starts a code point
  return count;
}

double AnswerLength::operator()(const std::string& text) const {
  return measure ? measure(text, context) : code_points(text);
}

std::string prompt_group(const eval::PreferenceRow& row) {
  if (const auto* text = std::get_if<std::string>(&row.prompt)) return *text;
  std::string joined;
  for (const auto& message : std::get<eval::Messages>(row.prompt)) {
    joined += message.role;
    joined += '\x1e';
    joined += message.content;
    joined += '\x1f';
  }
  return joined;
}

std::vector<StatsItem> pair_items(const std::vector<eval::PreferenceRow>& rows,
                                  const std::vector<eval::ScoredExample>& examples, const AnswerLength& length) {
  if (rows.size() != examples.size()) throw Error("internal: pair_items got rows and examples of different counts");
  std::vector<StatsItem> items(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    StatsItem& item = items[i];
    item.subset = examples[i].subset;
    item.id = examples[i].id;
    item.group = prompt_group(rows[i]);
    item.result = examples[i].result;
    // The first label decides the comparison when a model has several (see eval/metrics.h).
    if (!examples[i].scores_chosen.empty() && !examples[i].scores_rejected.empty())
      item.scores = {examples[i].scores_chosen.front(), examples[i].scores_rejected.front()};
    item.lengths = {length(rows[i].chosen), length(rows[i].rejected)};
  }
  return items;
}

std::string ties_group(const std::string& id) {
  const size_t colon = id.find(':');
  return colon == std::string::npos ? id : id.substr(colon + 1);
}

std::vector<StatsItem> v2_items(const std::vector<eval::V2Row>& rows, const std::vector<eval::V2ScoredPrompt>& prompts,
                                const AnswerLength& length) {
  if (rows.size() != prompts.size()) throw Error("internal: v2_items got rows and prompts of different counts");
  std::vector<StatsItem> items(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    StatsItem& item = items[i];
    item.subset = prompts[i].subset;
    item.id = prompts[i].id;
    item.group = eval::is_ties_subset(item.subset) ? ties_group(prompts[i].id) : prompts[i].id;
    item.result = prompts[i].result;
    item.scores = prompts[i].scores;
    item.num_correct = prompts[i].num_correct;
    for (size_t position = 0; position < rows[i].completion_count(); ++position)
      item.lengths.push_back(length(rows[i].completion(position)));
  }
  return items;
}

void compact_groups(std::vector<StatsItem>& items) {
  std::map<std::string, std::string> labels;
  for (auto& item : items) {
    auto [it, added] = labels.emplace(item.subset + '\x1f' + item.group, "");
    if (added) it->second = "g" + std::to_string(labels.size() - 1);
    item.group = it->second;
  }
}

namespace {

Json number_or_null(double value) { return value == value ? Json(value) : Json(nullptr); }

std::vector<double> numbers(const Json& json, const std::string& context, const char* field) {
  std::vector<double> values;
  if (!json.contains(field)) return values;
  if (!json[field].is_array()) throw InputError(context + ": field \"" + field + "\" is not a list");
  for (const auto& value : json[field]) {
    if (value.is_null()) {
      values.push_back(std::numeric_limits<double>::quiet_NaN());
    } else if (value.is_number()) {
      values.push_back(value.get<double>());
    } else {
      throw InputError(context + ": field \"" + field + "\" holds a non-number");
    }
  }
  return values;
}

}  // namespace

Json items_to_json(const std::vector<StatsItem>& items) {
  Json list = Json::array();
  for (const auto& item : items) {
    Json entry = {{"subset", item.subset}, {"id", item.id}, {"group", item.group},
                  {"result", number_or_null(item.result)}};
    Json scores = Json::array();
    for (double score : item.scores) scores.push_back(number_or_null(score));
    entry["scores"] = std::move(scores);
    entry["num_correct"] = item.num_correct;
    Json lengths = Json::array();
    for (double length : item.lengths) {  // whole numbers (characters, tokens) without ".0"
      if (length == std::floor(length) && std::fabs(length) < 9e15) {
        lengths.push_back(static_cast<int64_t>(length));
      } else {
        lengths.push_back(number_or_null(length));
      }
    }
    entry["lengths"] = std::move(lengths);
    list.push_back(std::move(entry));
  }
  return list;
}

std::vector<StatsItem> items_from_json(const Json& json, const std::string& context) {
  if (!json.is_array()) throw InputError(context + ": \"items\" is not a list");
  std::vector<StatsItem> items;
  items.reserve(json.size());
  for (size_t i = 0; i < json.size(); ++i) {
    const Json& entry = json[i];
    const std::string where = context + ": items[" + std::to_string(i) + "]";
    if (!entry.is_object()) throw InputError(where + " is not an object");
    for (const char* field : {"subset", "group"})
      if (!entry.contains(field) || !entry[field].is_string())
        throw InputError(where + ": field \"" + field + "\" is missing or not a string");
    if (!entry.contains("id")) throw InputError(where + ": field \"id\" is missing");
    StatsItem item;
    item.subset = entry["subset"].get<std::string>();
    item.id = entry["id"];
    item.group = entry["group"].get<std::string>();
    const Json& result = entry.value("result", Json());
    if (!result.is_number() && !result.is_null()) throw InputError(where + ": field \"result\" is not a number");
    item.result = result.is_null() ? std::numeric_limits<double>::quiet_NaN() : result.get<double>();
    item.scores = numbers(entry, where, "scores");
    item.lengths = numbers(entry, where, "lengths");
    item.num_correct = entry.value("num_correct", int64_t{1});
    items.push_back(std::move(item));
  }
  return items;
}

}  // namespace rb::stats
