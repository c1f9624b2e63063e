#pragma once
// `rewardbench report`: one self-contained HTML file showing one or many runs (folders written by
// eval, dpo, judge or baseline). Everything is inlined (styles, the chart library of
// chart_library.h, the page script of report_page.js, the data); the page makes no network
// request, and its Content-Security-Policy forbids any. Per benchmark present (v1 and v2 runs get
// a section each):
//   - a sortable leaderboard: overall (v1) / final (v2) and the section (v1) or subset (v2) scores
//     with their bootstrap intervals from stats.json;
//   - accuracy charts with interval whiskers, one colour per run: sections + overall (v1) or the
//     six subsets + final (v2), and (v1) every subset; baseline runs (results.json model_type
//     "Baseline") are drawn as reference ticks, not as competing points;
//   - per model run (not baselines): chosen vs rejected score distributions (v2: correct vs
//     incorrect completions) and the score margin against the length difference (length_bias.h's
//     definitions, in the run's length unit) with the length-bias numbers of stats.json;
// and each run's provenance from run.json when it has one. The output depends only on the runs
// (no timestamp), so the same runs give the same bytes.
#include <string>
#include <vector>

#include "report/python_json.h"
#include "stats/stats_file.h"

namespace rb::report {

inline constexpr const char* kBaselineModelType = "Baseline";

// One run folder as the report reads it.
struct ReportRun {
  std::string folder;
  std::string label;  // unique within a report (the model name, disambiguated by assign_run_labels)
  std::string model;
  std::string model_type;
  bool baseline = false;
  stats::RunStats stats;      // stats.json
  Json run_record = nullptr;  // run.json, null when the run has none
};

// Reads results.json and stats.json (both required) and run.json (optional) of a run folder (or
// of the folder holding a given file of it). rb::InputError naming the folder or file otherwise.
ReportRun read_report_run(const std::string& path);

// Labels every run by its model, adding the folder name (then a number) where models repeat.
void assign_run_labels(std::vector<ReportRun>& runs);

struct HtmlReportSettings {
  std::string title;  // empty: "RewardBench report"
};

// The whole document. Runs keep their order (the leaderboard starts sorted by overall/final).
// Throws rb::Error when this build has no chart library (chart_library.h).
std::string build_html_report(const std::vector<ReportRun>& runs, const HtmlReportSettings& settings);

// "41.4" (x100, one decimal, as the leaderboard), or "—" for NaN: how scores read in the tables.
std::string format_percent(double value);

}  // namespace rb::report
