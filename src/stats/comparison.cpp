#include "stats/comparison.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "common/error.h"
#include "common/parallel_for.h"
#include "eval/benchmarks.h"
#include "stats/paired_tests.h"

namespace rb::stats {
namespace {

std::string describe_key(const StatsItem& item) { return item.subset + " id " + item.id.dump(); }

// Refuses runs whose items differ; returns, for run r, the index of each of run 0's items in it.
std::vector<std::vector<size_t>> align_items(const std::vector<RunStats>& runs) {
  std::map<std::string, size_t> first;
  for (size_t i = 0; i < runs[0].items.size(); ++i) {
    if (!first.emplace(runs[0].items[i].key(), i).second)
      throw InputError(runs[0].source + ": item " + describe_key(runs[0].items[i]) +
                       " appears twice; runs with repeated ids cannot be paired");
  }
  std::vector<std::vector<size_t>> alignment;
  for (const auto& run : runs) {
    std::vector<size_t> index(runs[0].items.size(), SIZE_MAX);
    std::vector<std::string> extra;
    for (size_t i = 0; i < run.items.size(); ++i) {
      auto it = first.find(run.items[i].key());
      if (it == first.end() || index[it->second] != SIZE_MAX) {
        extra.push_back(describe_key(run.items[i]));
        continue;
      }
      index[it->second] = i;
    }
    std::vector<std::string> missing;
    for (size_t i = 0; i < index.size(); ++i)
      if (index[i] == SIZE_MAX) missing.push_back(describe_key(runs[0].items[i]));
    if (!extra.empty() || !missing.empty()) {
      auto list = [](const std::vector<std::string>& keys) {
        std::string text;
        for (size_t i = 0; i < keys.size() && i < 5; ++i) text += (i ? ", " : "") + keys[i];
        if (keys.size() > 5) text += ", ... (" + std::to_string(keys.size()) + " in all)";
        return text;
      };
      std::string message = run.source + " and " + runs[0].source + " do not cover the same items:";
      if (!missing.empty()) message += " missing from the first: " + list(missing) + ";";
      if (!extra.empty()) message += " only in the first (or repeated): " + list(extra) + ";";
      message.pop_back();
      throw InputError(message + ". Compare runs of the same dataset, split and --limit.");
    }
    alignment.push_back(std::move(index));
  }
  return alignment;
}

bool all_binary(const std::vector<StatsItem>& items) {
  return std::all_of(items.begin(), items.end(), [](const StatsItem& i) { return i.result == 0.0 || i.result == 1.0; });
}

// Subsets whose items a score pools: the subset itself, a section's, the prior sets, or all.
std::vector<std::string> pooled_subsets(const Estimate& estimate) {
  switch (estimate.kind) {
    case ScoreKind::kSubset: return {estimate.name};
    case ScoreKind::kSection:
      for (const auto& section : eval::subset_mapping())
        if (section.name == estimate.name) return section.subsets;
      return {};
    case ScoreKind::kPriorSets: return eval::prior_set_subsets();
    case ScoreKind::kOverall: {
      std::vector<std::string> all = eval::prior_set_subsets();
      for (const auto& section : eval::subset_mapping()) all.insert(all.end(), section.subsets.begin(), section.subsets.end());
      return all;
    }
    case ScoreKind::kFinal: return eval::v2_subsets();
  }
  return {};
}

}  // namespace

Comparison compare_runs(const std::vector<RunStats>& runs, const BootstrapOptions& bootstrap) {
  if (runs.size() < 2) throw InputError("compare needs at least two runs");
  for (const auto& run : runs) {
    if (run.benchmark != runs[0].benchmark)
      throw InputError(run.source + " is a " + benchmark_name(run.benchmark) + " run and " + runs[0].source +
                       " a " + benchmark_name(runs[0].benchmark) + " run: they cannot be compared");
  }
  const auto alignment = align_items(runs);
  // Every run's items in run 0's order, so item i is the same pair or prompt in every run.
  std::vector<std::vector<StatsItem>> aligned(runs.size());
  for (size_t r = 0; r < runs.size(); ++r)
    for (size_t i : alignment[r]) aligned[r].push_back(runs[r].items[i]);

  Comparison comparison;
  comparison.benchmark = runs[0].benchmark;
  comparison.items = runs[0].items.size();
  comparison.bootstrap = bootstrap;
  for (const auto& run : runs) comparison.models.push_back(run.model);

  std::vector<ScoreFormula> formulas;
  for (const auto& items : aligned) formulas.emplace_back(items, runs[0].benchmark);

  for (size_t a = 0; a < runs.size(); ++a) {
    for (size_t b = a + 1; b < runs.size(); ++b) {
      const auto& ea = formulas[a].estimates();
      const auto& eb = formulas[b].estimates();
      const bool mcnemar = comparison.benchmark == Benchmark::kV1 && all_binary(aligned[a]) && all_binary(aligned[b]);
      std::vector<std::vector<double>> replicates;  // paired bootstrap: per replicate, per score, a - b
      if (!mcnemar && bootstrap.samples > 0) {
        replicates.resize(bootstrap.samples);
        parallel_for(bootstrap.samples, threads_for(bootstrap.samples, bootstrap.threads, 64), [&](size_t r) {
          Random random(bootstrap.seed, r);
          const auto sample = draw_sample(formulas[a], random);  // run a's groups; items aligned
          const auto va = formulas[a].values(sample), vb = formulas[b].values(sample);
          std::vector<double> d(va.size());
          for (size_t k = 0; k < va.size(); ++k) d[k] = va[k] - vb[k];
          replicates[r] = std::move(d);
        });
      }
      for (size_t k = 0; k < ea.size(); ++k) {
        const auto match = std::find_if(eb.begin(), eb.end(), [&](const Estimate& e) { return e.name == ea[k].name; });
        if (match == eb.end()) continue;
        ComparisonRow row;
        row.run_a = a;
        row.run_b = b;
        row.name = ea[k].name;
        row.kind = ea[k].kind;
        row.items = ea[k].items;
        row.score_a = ea[k].value;
        row.score_b = match->value;
        if (mcnemar) {
          row.test = "mcnemar-exact";
          const auto subsets = pooled_subsets(ea[k]);
          for (size_t i = 0; i < aligned[a].size(); ++i) {
            if (std::find(subsets.begin(), subsets.end(), aligned[a][i].subset) == subsets.end()) continue;
            const bool right_a = aligned[a][i].result == 1.0, right_b = aligned[b][i].result == 1.0;
            row.only_a += right_a && !right_b;
            row.only_b += right_b && !right_a;
          }
          row.p = mcnemar_exact_p(row.only_a, row.only_b);
        } else {
          row.test = "paired-bootstrap";
          std::vector<double> d;
          d.reserve(replicates.size());
          for (const auto& replicate : replicates) d.push_back(replicate[k]);
          row.p = bootstrap.samples > 0 ? bootstrap_p(row.score_a - row.score_b, d) : std::nan("");
        }
        comparison.rows.push_back(std::move(row));
      }
    }
  }
  std::vector<double> p;
  for (const auto& row : comparison.rows) p.push_back(row.p);
  const auto adjusted = holm_adjust(p);
  for (size_t i = 0; i < comparison.rows.size(); ++i) comparison.rows[i].p_holm = adjusted[i];
  return comparison;
}

Json comparison_to_json(const Comparison& comparison) {
  auto number = [](double v) { return std::isnan(v) ? Json(nullptr) : Json(v); };
  Json rows = Json::array();
  for (const auto& row : comparison.rows) {
    Json entry = {{"a", comparison.models[row.run_a]},
                  {"b", comparison.models[row.run_b]},
                  {"score", row.name},
                  {"kind", score_kind_name(row.kind)},
                  {"items", row.items},
                  {"score_a", number(row.score_a)},
                  {"score_b", number(row.score_b)},
                  {"difference", number(row.score_a - row.score_b)},
                  {"test", row.test}};
    if (row.test == "mcnemar-exact") {
      entry["only_a_right"] = row.only_a;
      entry["only_b_right"] = row.only_b;
    }
    entry["p"] = number(row.p);
    entry["p_holm"] = number(row.p_holm);
    rows.push_back(std::move(entry));
  }
  return {{"benchmark", benchmark_name(comparison.benchmark)},
          {"models", comparison.models},
          {"items", comparison.items},
          {"family", "every row below; Holm's step-down adjustment over all of them"},
          {"bootstrap", {{"samples", comparison.bootstrap.samples}, {"seed", comparison.bootstrap.seed}}},
          {"comparisons", std::move(rows)}};
}

}  // namespace rb::stats
