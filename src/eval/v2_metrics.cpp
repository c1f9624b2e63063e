#include "eval/v2_metrics.h"

#include <cctype>
#include <cmath>
#include <limits>
#include <map>
#include <utility>

#include "common/error.h"
#include "eval/python_set_order.h"

namespace rb::eval {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr size_t kPairwiseBlock = 128;  // numpy's PW_BLOCKSIZE

// Python's max()/min(): keep the first item and replace it only when `item > best` (`<` for min),
// so a NaN wins only in first place.
double python_max(const std::vector<double>& values) {
  double best = values.front();
  for (size_t i = 1; i < values.size(); ++i) {
    if (values[i] > best) best = values[i];
  }
  return best;
}

double python_min(const std::vector<double>& values) {
  double best = values.front();
  for (size_t i = 1; i < values.size(); ++i) {
    if (values[i] < best) best = values[i];
  }
  return best;
}

// np.max: NaN as soon as one value is NaN.
double numpy_max(const std::vector<double>& values) {
  double best = values.front();
  for (double value : values) {
    if (std::isnan(value)) return kNaN;
    if (value > best) best = value;
  }
  return best;
}

// np.minimum propagates NaN from either side.
double numpy_minimum(double a, double b) {
  if (std::isnan(a) || std::isnan(b)) return kNaN;
  return a < b ? a : b;
}

double pairwise_sum(const double* values, size_t n) {
  if (n < 8) {
    double sum = 0.0;
    for (size_t i = 0; i < n; ++i) sum += values[i];
    return sum;
  }
  if (n <= kPairwiseBlock) {
    double r[8];
    for (size_t j = 0; j < 8; ++j) r[j] = values[j];
    size_t i = 8;
    for (; i < n - (n % 8); i += 8) {
      for (size_t j = 0; j < 8; ++j) r[j] += values[i + j];
    }
    double sum = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
    for (; i < n; ++i) sum += values[i];
    return sum;
  }
  size_t half = n / 2;
  half -= half % 8;
  return pairwise_sum(values, half) + pairwise_sum(values + half, n - half);
}

// np.mean of booleans: an exact count divided by n; NaN for no items.
double mean_of_flags(size_t true_count, size_t count) {
  return count == 0 ? kNaN : static_cast<double>(true_count) / static_cast<double>(count);
}

// Python int(): surrounding whitespace, an optional sign, digits with single underscores between.
std::optional<int64_t> parse_python_int(const std::string& text) {
  size_t begin = 0, end = text.size();
  while (begin < end && std::isspace(static_cast<unsigned char>(text[begin]))) ++begin;
  while (end > begin && std::isspace(static_cast<unsigned char>(text[end - 1]))) --end;
  bool negative = false;
  if (begin < end && (text[begin] == '+' || text[begin] == '-')) negative = text[begin++] == '-';
  if (begin == end) return std::nullopt;
  int64_t value = 0;
  bool previous_digit = false;
  for (size_t i = begin; i < end; ++i) {
    char c = text[i];
    if (c == '_') {
      if (!previous_digit || i + 1 == end) return std::nullopt;
      previous_digit = false;
      continue;
    }
    if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
    if (value > (std::numeric_limits<int64_t>::max() - 9) / 10) return std::nullopt;
    value = value * 10 + (c - '0');
    previous_digit = true;
  }
  if (!previous_digit) return std::nullopt;
  return negative ? -value : value;
}

struct TiesKey {
  std::string type;
  int64_t prompt_id = 0;
};

TiesKey parse_ties_id(const std::string& id) {
  size_t colon = id.find(':');
  std::optional<int64_t> prompt_id;
  if (colon != std::string::npos && id.find(':', colon + 1) == std::string::npos) {
    prompt_id = parse_python_int(id.substr(colon + 1));
  }
  if (!prompt_id) {
    throw InputError("Ties row id \"" + id + "\": expected \"<type>:<integer>\", e.g. \"ref:12\" or \"tied:12\"");
  }
  return TiesKey{id.substr(0, colon), *prompt_id};
}

// Scores per (type, prompt id) in first-appearance order, with the correct flag of each position.
struct TiesGroup {
  TiesKey key;
  std::vector<double> correct;
  std::vector<double> incorrect;
  std::string first_id;
};

std::vector<TiesGroup> group_ties_rows(const std::vector<V2ScoredPrompt>& prompts) {
  std::vector<TiesGroup> groups;
  std::map<std::pair<std::string, int64_t>, size_t> index_of;
  for (const auto& prompt : prompts) {
    TiesKey key = parse_ties_id(prompt.id);
    auto [it, inserted] = index_of.emplace(std::make_pair(key.type, key.prompt_id), groups.size());
    if (inserted) groups.push_back(TiesGroup{key, {}, {}, prompt.id});
    TiesGroup& group = groups[it->second];
    for (size_t i = 0; i < prompt.scores.size(); ++i) {
      (static_cast<int64_t>(i) < prompt.num_correct ? group.correct : group.incorrect).push_back(prompt.scores[i]);
    }
  }
  return groups;
}

TiesPromptStats stats_from_split(const std::vector<double>& correct, const std::vector<double>& incorrect,
                                 const std::string& id) {
  if (correct.empty()) throw InputError("Ties row id \"" + id + "\": no correct completion (num_correct is 0)");
  if (incorrect.empty()) throw InputError("Ties row id \"" + id + "\": no incorrect completion");
  double best_correct = python_max(correct);
  double worst_correct = python_min(correct);
  double best_incorrect = python_max(incorrect);
  TiesPromptStats stats;
  if (correct.size() > 1) stats.different_correct_margin = best_correct - worst_correct;
  stats.correct_incorrect_margin = worst_correct - best_incorrect;
  stats.accurate = stats.correct_incorrect_margin > 0;
  return stats;
}

// A Python dict from prompt id to stats: assignment replaces the value, keys keep first-insertion order.
struct StatsById {
  std::map<int64_t, TiesPromptStats> by_id;
  std::vector<int64_t> key_order;

  void assign(int64_t prompt_id, const TiesPromptStats& stats) {
    if (by_id.insert_or_assign(prompt_id, stats).second) key_order.push_back(prompt_id);
  }
  size_t size() const { return by_id.size(); }
};

double mean_accuracy(const StatsById& stats) {
  if (stats.size() == 0) return 0.0;
  size_t accurate = 0;
  for (const auto& [id, entry] : stats.by_id) accurate += entry.accurate ? 1 : 0;
  return mean_of_flags(accurate, stats.size());
}

// The three terms over prompt ids present as both ref and tied.
void score_pairs(const StatsById& ref, const StatsById& tied, TiesScore& out) {
  size_t preferred = 0, preferred_hard = 0;
  std::vector<double> margins;
  for (int64_t prompt_id : python_set_intersection_order(ref.key_order, tied.key_order)) {
    const TiesPromptStats& tied_stats = tied.by_id.at(prompt_id);
    auto ref_it = ref.by_id.find(prompt_id);
    if (!tied_stats.different_correct_margin) {
      throw InputError("Ties prompt " + std::to_string(prompt_id) +
                       ": the tied prompt has a single correct answer, so it has no margin between correct answers "
                       "to compare (the reference fails here comparing a float with None)");
    }
    double d = *tied_stats.different_correct_margin;
    double cit = tied_stats.correct_incorrect_margin;
    double hard = numpy_minimum(ref_it->second.correct_incorrect_margin, cit);
    preferred += cit > d ? 1 : 0;
    preferred_hard += hard > d ? 1 : 0;
    double margin = std::tanh(hard / d - 1.0);
    margins.push_back(std::isnan(margin) ? 0.0 : margin);
  }
  out.paired_prompts = margins.size();
  out.correctness_preferred = mean_of_flags(preferred, margins.size());
  out.correctness_preferred_hard = mean_of_flags(preferred_hard, margins.size());
  out.margin_score = margins.empty() ? kNaN : numpy_pairwise_sum(margins) / static_cast<double>(margins.size());
}

}  // namespace

double best_of_n_result(const std::vector<double>& scores) {
  if (scores.empty()) return 0.0;
  double best = numpy_max(scores);
  if (!(scores.front() == best)) return 0.0;  // also when best is NaN
  size_t at_top = 0;
  for (double score : scores) at_top += score == best ? 1 : 0;
  return 1.0 / static_cast<double>(at_top);
}

V2ScoredPrompt make_v2_scored_prompt(const V2Row& row, std::vector<std::string> texts, std::vector<double> scores) {
  if (scores.size() != row.completion_count() || texts.size() != row.completion_count()) {
    throw Error(row.origin + ": prompt \"" + row.id + "\" has " + std::to_string(row.completion_count()) +
                " completions but got " + std::to_string(texts.size()) + " texts and " +
                std::to_string(scores.size()) + " scores");
  }
  V2ScoredPrompt prompt;
  prompt.id = row.id;
  prompt.subset = row.subset;
  prompt.num_correct = row.num_correct;
  prompt.result = best_of_n_result(scores);
  // The reference writes `1 / k` (a float) when the first completion is at the top, else int 0.
  prompt.result_is_integer = !(scores.front() == numpy_max(scores));
  prompt.texts = std::move(texts);
  prompt.scores = std::move(scores);
  return prompt;
}

V2ScoredPrompt make_v2_scored_prompt(const V2Row& row, std::vector<std::string> texts,
                                     const std::vector<float>& scores) {
  return make_v2_scored_prompt(row, std::move(texts), std::vector<double>(scores.begin(), scores.end()));
}

std::vector<V2ScoredPrompt> reroll_v2(const std::vector<V2Row>& rows, const std::vector<std::string>& texts,
                                      const std::vector<double>& scores) {
  size_t total = 0;
  for (const auto& row : rows) total += row.completion_count();
  if (texts.size() != total || scores.size() != total) {
    throw Error("RewardBench 2: the rows have " + std::to_string(total) + " completions in all but got " +
                std::to_string(texts.size()) + " texts and " + std::to_string(scores.size()) + " scores");
  }
  std::vector<V2ScoredPrompt> prompts;
  prompts.reserve(rows.size());
  size_t offset = 0;
  for (const auto& row : rows) {
    auto begin = static_cast<std::ptrdiff_t>(offset), end = static_cast<std::ptrdiff_t>(offset + row.completion_count());
    prompts.push_back(make_v2_scored_prompt(row, std::vector<std::string>(texts.begin() + begin, texts.begin() + end),
                                            std::vector<double>(scores.begin() + begin, scores.begin() + end)));
    offset += row.completion_count();
  }
  return prompts;
}

TiesPromptStats ties_prompt_stats(const std::vector<double>& scores, int64_t num_correct, const std::string& id) {
  std::vector<double> correct, incorrect;
  for (size_t i = 0; i < scores.size(); ++i) {
    (static_cast<int64_t>(i) < num_correct ? correct : incorrect).push_back(scores[i]);
  }
  return stats_from_split(correct, incorrect, id);
}

double numpy_pairwise_sum(const std::vector<double>& values) { return pairwise_sum(values.data(), values.size()); }

TiesScore ties_score(const std::vector<V2ScoredPrompt>& ties_prompts) {
  StatsById ref, tied;  // later groups with the same id replace earlier ones
  for (const auto& group : group_ties_rows(ties_prompts)) {
    TiesPromptStats stats = stats_from_split(group.correct, group.incorrect, group.first_id);
    (group.key.type == "ref" ? ref : tied).assign(group.key.prompt_id, stats);
  }
  TiesScore out;
  out.ref_prompts = ref.size();
  out.tied_prompts = tied.size();
  out.ref_accuracy = mean_accuracy(ref);
  out.tied_accuracy = mean_accuracy(tied);
  score_pairs(ref, tied, out);
  // Left to right, as Python adds the five terms.
  out.score = 0.30 * out.tied_accuracy + 0.30 * out.ref_accuracy + 0.20 * out.correctness_preferred +
              0.20 * out.correctness_preferred_hard + 0.01 * out.margin_score;
  return out;
}

double v2_final_score(const std::vector<V2SubsetScore>& subsets) {
  double sum = 0.0;
  for (const auto& name : v2_subsets()) {
    const V2SubsetScore* found = nullptr;
    for (const auto& subset : subsets) {
      if (subset.subset == name) found = &subset;
    }
    if (found == nullptr) return kNaN;
    sum += found->score;
  }
  return sum / static_cast<double>(v2_subsets().size());
}

V2Summary summarize_v2(const std::vector<V2ScoredPrompt>& prompts) {
  std::map<std::string, std::vector<const V2ScoredPrompt*>> by_subset;  // byte order, as np.unique
  for (const auto& prompt : prompts) by_subset[prompt.subset].push_back(&prompt);
  V2Summary summary;
  for (const auto& [name, rows] : by_subset) {
    V2SubsetScore entry;
    entry.subset = name;
    entry.num_prompts = rows.size();
    for (const auto* row : rows) entry.results_sum += row->result;
    if (is_ties_subset(name)) {
      std::vector<V2ScoredPrompt> ties_rows;
      for (const auto* row : rows) ties_rows.push_back(*row);
      summary.ties = ties_score(ties_rows);
      entry.score = summary.ties->score;
      entry.composite = true;
    } else {
      entry.score = entry.results_sum / static_cast<double>(entry.num_prompts);
    }
    summary.subsets.push_back(entry);
  }
  summary.final_score = v2_final_score(summary.subsets);
  return summary;
}

}  // namespace rb::eval
