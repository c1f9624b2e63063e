#include "report/leaderboard.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>
#include <numeric>
#include <set>

#include "eval/benchmarks.h"
#include "eval/v2_dataset.h"

namespace rb::report {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr const char* kPriorSetsColumn = "Prior Sets (0.5 weight)";

std::string mapped_model_type(const std::string& model_type) {
  std::string lower = model_type;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  return lower.find("generative") != std::string::npos ? "Generative" : model_type;
}

// load_results' cleanup: type mapping, then dropping "DPO Ref. Free" rows.
std::vector<ResultsRecord> cleaned(const std::vector<ResultsRecord>& records, const LeaderboardSettings& settings) {
  std::vector<ResultsRecord> kept;
  for (auto record : records) {
    record.model_type = mapped_model_type(record.model_type);
    if (!settings.keep_ref_free && record.model_type.find("DPO Ref. Free") != std::string::npos) continue;
    kept.push_back(std::move(record));
  }
  return kept;
}

double value_or_nan(const ResultsRecord& record, const std::string& key) {
  auto it = record.values.find(key);
  return it == record.values.end() ? kNaN : it->second;
}

// np.average(row, weights): NaN propagates; sums run left to right (fewer than 8 terms).
double weighted_average(const ResultsRecord& record, const std::vector<std::string>& columns) {
  if (columns.empty()) return kNaN;
  double sum = 0.0, weights = 0.0;
  for (const auto& column : columns) {
    double weight = *eval::subset_weight(column);
    sum += value_or_nan(record, column) * weight;
    weights += weight;
  }
  return sum / weights;
}

// np.nanmean over the four prior sets: NaNs count as 0 in the sum and not in the count.
double prior_sets_mean(const ResultsRecord& record) {
  double sum = 0.0;
  int count = 0;
  for (const auto& name : eval::prior_set_subsets()) {
    double value = value_or_nan(record, name);
    if (std::isnan(value)) continue;
    sum += value;
    ++count;
  }
  return count == 0 ? kNaN : sum / count;
}

// np.ma.average with NaNs masked: masked terms add 0 and no weight.
double masked_weighted_average(const std::vector<double>& values, const std::vector<double>& weights) {
  double sum = 0.0, total = 0.0;
  for (size_t i = 0; i < values.size(); ++i) {
    if (std::isnan(values[i])) continue;
    sum += values[i] * weights[i];
    total += weights[i];
  }
  return total == 0.0 ? kNaN : sum / total;
}

// The section's subsets among the columns any core file has, in the DataFrame's sorted order.
std::vector<std::string> section_columns(const eval::Section& section, const std::set<std::string>& present) {
  std::vector<std::string> columns;
  for (const auto& name : present) {
    if (std::find(section.subsets.begin(), section.subsets.end(), name) != section.subsets.end()) {
      columns.push_back(name);
    }
  }
  return columns;
}

// x100, filter, stable sort on the unrounded average (missing last), then rounding.
void finish(LeaderboardTable& table, const LeaderboardSettings& settings) {
  std::vector<LeaderboardRow> rows;
  for (auto& row : table.rows) {
    if (settings.model_type && row.model_type != *settings.model_type) continue;
    for (double& value : row.values) value *= 100.0;
    rows.push_back(std::move(row));
  }
  std::stable_sort(rows.begin(), rows.end(), [](const LeaderboardRow& a, const LeaderboardRow& b) {
    double x = a.values.front(), y = b.values.front();
    if (std::isnan(y)) return !std::isnan(x);
    return !std::isnan(x) && x > y;
  });
  for (auto& row : rows) {
    for (double& value : row.values) value = numpy_round_1(value);
  }
  table.rows = std::move(rows);
}

}  // namespace

double numpy_round_1(double value) { return std::nearbyint(value * 10.0) / 10.0; }

LeaderboardTable rewardbench_overview(const std::vector<ResultsRecord>& core_records,
                                      const std::vector<ResultsRecord>& prior_records,
                                      const LeaderboardSettings& settings) {
  std::vector<ResultsRecord> core = cleaned(core_records, settings);
  std::vector<ResultsRecord> prior = cleaned(prior_records, settings);
  std::set<std::string> present;
  for (const auto& record : core) {
    for (const auto& [key, value] : record.values) present.insert(key);
  }
  LeaderboardTable table;
  table.name = "RewardBench - Overview";
  table.columns = {"average"};
  for (const auto& section : eval::subset_mapping()) table.columns.push_back(section.name);
  table.columns.push_back(kPriorSetsColumn);
  const std::vector<double> weights = {eval::kSectionWeight, eval::kSectionWeight, eval::kSectionWeight,
                                       eval::kSectionWeight, eval::kPriorSetsWeight};
  for (const auto& record : core) {
    std::vector<double> parts;
    for (const auto& section : eval::subset_mapping()) {
      parts.push_back(weighted_average(record, section_columns(section, present)));
    }
    double prior_sets = kNaN;
    for (const auto& candidate : prior) {
      if (candidate.model == record.model) {
        prior_sets = prior_sets_mean(candidate);
        break;
      }
    }
    parts.push_back(prior_sets);
    LeaderboardRow row{record.model, record.model_type, {masked_weighted_average(parts, weights)}};
    row.values.insert(row.values.end(), parts.begin(), parts.end());
    table.rows.push_back(std::move(row));
  }
  finish(table, settings);
  return table;
}

LeaderboardTable rewardbench2_overview(const std::vector<ResultsRecord>& v2_records,
                                       const LeaderboardSettings& settings) {
  LeaderboardTable table;
  table.name = "RewardBench 2 - Overview";
  table.columns = {"average"};
  for (const auto& subset : eval::v2_subsets()) table.columns.push_back(subset);
  for (const auto& record : cleaned(v2_records, settings)) {
    LeaderboardRow row{record.model, record.model_type, {0.0}};
    double sum = 0.0;
    for (const auto& subset : eval::v2_subsets()) {
      row.values.push_back(value_or_nan(record, subset));
      sum += row.values.back();
    }
    row.values[0] = sum / static_cast<double>(eval::v2_subsets().size());  // NaN when one is missing
    table.rows.push_back(std::move(row));
  }
  finish(table, settings);
  return table;
}

TextTable to_text_table(const LeaderboardTable& table) {
  TextTable text;
  text.headers = {"model", "model_type"};
  text.numeric = {false, false};
  for (const auto& column : table.columns) {
    text.headers.push_back(column);
    text.numeric.push_back(true);
  }
  for (const auto& row : table.rows) {
    std::vector<std::variant<std::string, double>> cells = {row.model, row.model_type};
    for (double value : row.values) cells.emplace_back(value);
    text.rows.push_back(std::move(cells));
  }
  return text;
}

}  // namespace rb::report
