#include "report/html_report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <regex>
#include <set>

#include "common/error.h"
#include "common/file_io.h"
#include "common/version.h"
#include "report/chart_library.h"
#include "report/page_assets.h"
#include "report/results_reader.h"
#include "stats/length_bias.h"

namespace rb::report {
namespace fs = std::filesystem;
using stats::Benchmark;
using stats::Estimate;
using stats::ScoreKind;

// ---------------------------------------------------------------- reading runs

ReportRun read_report_run(const std::string& path) {
  if (!fs::exists(path)) throw InputError(path + ": no such run folder");
  const fs::path folder = fs::is_directory(path) ? fs::path(path) : fs::path(path).parent_path();
  ReportRun run;
  run.folder = folder.string();
  const std::string results_path = (folder / "results.json").string();
  if (!fs::exists(results_path)) throw InputError(run.folder + ": no results.json here (not a run folder)");
  const ResultsReadOutcome results = read_results_file(results_path);
  if (!results.record) throw InputError(results_path + ": " + results.problem);
  run.model = results.record->model;
  run.model_type = results.record->model_type;
  run.baseline = run.model_type == kBaselineModelType;
  run.stats = stats::read_run_stats(run.folder);
  const std::string run_json = (folder / "run.json").string();
  if (const auto text = read_file_if_present(run_json)) {
    try {
      run.run_record = Json::parse(*text);
    } catch (const Json::exception& e) {
      throw InputError(run_json + ": not valid JSON (" + e.what() + ")");
    }
  }
  return run;
}

void assign_run_labels(std::vector<ReportRun>& runs) {
  std::map<std::string, int> per_model;
  for (const auto& run : runs) ++per_model[run.model];
  std::set<std::string> taken;
  for (auto& run : runs) {
    std::string label = run.model;
    if (per_model[run.model] > 1) label += " (" + fs::path(run.folder).filename().string() + ")";
    std::string unique = label;
    for (int n = 2; taken.count(unique); ++n) unique = label + " #" + std::to_string(n);
    taken.insert(unique);
    run.label = unique;
  }
}

// ---------------------------------------------------------------- small formatting helpers

namespace {

std::string html_escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

// JSON inside <script type="application/json">: no '<' at all, so no text of a run ("</script>",
// "<!--") can end the element or change how the parser reads it. '<' only occurs inside strings,
// where \u003c means the same.
std::string script_safe_json(const Json& json) {
  const std::string text = json.dump(-1, ' ', false, Json::error_handler_t::replace);
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '<')
      out += "\\u003c";
    else
      out += c;
  }
  return out;
}

// A licence inside a /* */ comment.
std::string comment_safe(std::string text) {
  for (size_t at = text.find("*/"); at != std::string::npos; at = text.find("*/", at)) text.replace(at, 2, "* /");
  return text;
}

// Code inside <script>: a literal "</script" in the library would end the element early.
std::string script_safe_code(const std::string& code) {
  static const std::regex closing("</(script)", std::regex::icase);
  return std::regex_replace(code, closing, "<\\/$1");
}

std::string fixed(double value, int decimals) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  return text;
}

Json number_or_null(double value) { return std::isfinite(value) ? Json(value) : Json(nullptr); }

// Six significant digits are plenty for plotted points and keep the page small.
Json plotted(double value) {
  if (!std::isfinite(value)) return nullptr;
  char text[32];
  std::snprintf(text, sizeof text, "%.6g", value);
  return std::stod(text);
}

const char* benchmark_title(Benchmark benchmark) {
  return benchmark == Benchmark::kV1 ? "RewardBench" : "RewardBench 2";
}

std::string benchmark_key(Benchmark benchmark) { return stats::benchmark_name(benchmark); }

// The headline score of a benchmark: "overall" (v1) or "final" (v2).
std::string headline_name(Benchmark benchmark) { return benchmark == Benchmark::kV1 ? "overall" : "final"; }

}  // namespace

std::string format_percent(double value) {
  if (!std::isfinite(value)) return "\u2014";
  return fixed(std::round(value * 1000.0) / 10.0, 1);
}

// ---------------------------------------------------------------- the page

namespace {

struct BenchmarkRuns {
  Benchmark benchmark;
  std::vector<const ReportRun*> runs;
};

std::vector<BenchmarkRuns> group_by_benchmark(const std::vector<ReportRun>& runs) {
  std::vector<BenchmarkRuns> groups;
  for (Benchmark benchmark : {Benchmark::kV1, Benchmark::kV2}) {
    BenchmarkRuns group{benchmark, {}};
    for (const auto& run : runs)
      if (run.stats.benchmark == benchmark) group.runs.push_back(&run);
    if (!group.runs.empty()) groups.push_back(std::move(group));
  }
  return groups;
}

// Scores of `kinds` in the order the first run that has them reports them (all runs share the
// reference's order), then any others.
std::vector<std::string> score_names(const std::vector<const ReportRun*>& runs, std::initializer_list<ScoreKind> kinds) {
  std::vector<std::string> names;
  for (const ReportRun* run : runs)
    for (const Estimate& e : run->stats.estimates)
      if (std::find(kinds.begin(), kinds.end(), e.kind) != kinds.end() &&
          std::find(names.begin(), names.end(), e.name) == names.end())
        names.push_back(e.name);
  return names;
}

// The leaderboard's columns: the headline score, then sections (v1) or subsets (v2).
std::vector<std::string> leaderboard_columns(const BenchmarkRuns& group) {
  std::vector<std::string> columns = {headline_name(group.benchmark)};
  const auto parts = group.benchmark == Benchmark::kV1
                         ? score_names(group.runs, {ScoreKind::kSection, ScoreKind::kPriorSets})
                         : score_names(group.runs, {ScoreKind::kSubset});
  columns.insert(columns.end(), parts.begin(), parts.end());
  return columns;
}

std::string score_cell(const Estimate* estimate) {
  if (!estimate) return "<td class=\"num\" data-value=\"\">\u2014</td>";
  return "<td class=\"num\" data-value=\"" + (std::isfinite(estimate->value) ? fixed(estimate->value, 6) : "") +
         "\"><span class=\"score\">" + format_percent(estimate->value) + "</span> <span class=\"ci\">[" +
         format_percent(estimate->low) + ", " + format_percent(estimate->high) + "]</span></td>";
}

std::string leaderboard_table(const BenchmarkRuns& group) {
  const std::string key = benchmark_key(group.benchmark);
  const auto columns = leaderboard_columns(group);
  std::vector<const ReportRun*> rows = group.runs;
  std::stable_sort(rows.begin(), rows.end(), [&](const ReportRun* a, const ReportRun* b) {
    const Estimate* ea = a->stats.find(columns[0]);
    const Estimate* eb = b->stats.find(columns[0]);
    const double va = ea && std::isfinite(ea->value) ? ea->value : -1.0;
    const double vb = eb && std::isfinite(eb->value) ? eb->value : -1.0;
    return va > vb;
  });
  std::string html = "<div class=\"table-scroll\"><table class=\"leaderboard sortable\" id=\"leaderboard-" + key +
                     "\">\n<thead><tr>";
  html += "<th data-sort=\"text\" aria-sort=\"none\">run</th><th data-sort=\"text\" aria-sort=\"none\">type</th>";
  for (size_t i = 0; i < columns.size(); ++i)
    html += std::string("<th data-sort=\"number\" aria-sort=\"") + (i == 0 ? "descending" : "none") + "\">" +
            html_escape(columns[i]) + "</th>";
  html += "</tr></thead>\n<tbody>\n";
  for (const ReportRun* run : rows) {
    html += std::string("<tr") + (run->baseline ? " class=\"baseline\"" : "") + " data-run=\"" +
            html_escape(run->label) + "\"><td>" + html_escape(run->label) + "</td><td>" +
            html_escape(run->model_type.empty() ? "\u2014" : run->model_type) + "</td>";
    for (const auto& column : columns) html += score_cell(run->stats.find(column));
    html += "</tr>\n";
  }
  return html + "</tbody>\n</table></div>\n";
}

// An accuracy chart: the scores `names` of every run, models as points with whiskers, baselines
// as reference ticks.
Json accuracy_chart(const std::string& id, const std::string& title, const BenchmarkRuns& group,
                    const std::vector<std::string>& names) {
  Json points = Json::array(), baselines = Json::array(), model_runs = Json::array(), baseline_runs = Json::array();
  for (const ReportRun* run : group.runs) (run->baseline ? baseline_runs : model_runs).push_back(run->label);
  for (const ReportRun* run : group.runs) {
    for (const auto& name : names) {
      const Estimate* e = run->stats.find(name);
      if (!e || !std::isfinite(e->value)) continue;
      Json point = {{"run", run->label},       {"name", name},
                    {"value", e->value},       {"low", number_or_null(e->low)},
                    {"high", number_or_null(e->high)}, {"items", e->items}};
      (run->baseline ? baselines : points).push_back(std::move(point));
    }
  }
  return {{"id", id},         {"kind", "accuracy"},         {"title", title},   {"order", names},
          {"runs", model_runs}, {"baseline_runs", baseline_runs}, {"points", points}, {"baselines", baselines}};
}

// The answers' scores of a model run, labelled by which side they are on.
Json distribution_chart(const std::string& id, const ReportRun& run) {
  const bool v1 = run.stats.benchmark == Benchmark::kV1;
  Json values = Json::array();
  for (const auto& item : run.stats.items) {
    const auto correct = static_cast<size_t>(std::max<int64_t>(item.num_correct, 0));
    for (size_t i = 0; i < item.scores.size(); ++i) {
      if (!std::isfinite(item.scores[i])) continue;
      const bool good = i < correct;
      values.push_back({{"answer", v1 ? (good ? "chosen" : "rejected") : (good ? "correct" : "incorrect")},
                        {"score", plotted(item.scores[i])}});
    }
  }
  return {{"id", id},
          {"kind", "distribution"},
          {"title", v1 ? "Scores of chosen and rejected answers" : "Scores of correct and incorrect completions"},
          {"answers", v1 ? Json{"chosen", "rejected"} : Json{"correct", "incorrect"}},
          {"values", values}};
}

Json margin_chart(const std::string& id, const ReportRun& run) {
  const bool v1 = run.stats.benchmark == Benchmark::kV1;
  Json values = Json::array();
  for (const auto& item : run.stats.items) {
    const auto pair = stats::margin_and_length(item);
    if (!pair) continue;
    values.push_back({{"margin", plotted(pair->first)},
                      {"length", plotted(pair->second)},
                      {"outcome", item.result >= 1.0 ? "right" : item.result <= 0.0 ? "wrong" : "partly right"}});
  }
  return {{"id", id},
          {"kind", "margin"},
          {"title", v1 ? "Score margin (chosen \u2212 rejected) against length difference"
                       : "Score margin (worst correct \u2212 best incorrect) against length difference"},
          {"x_title", std::string(v1 ? "length of chosen \u2212 rejected" : "mean length correct \u2212 incorrect") +
                          " (" + run.stats.length_unit + ")"},
          {"values", values}};
}

std::string bias_number(const Json& object, const char* field, bool percent) {
  if (!object.is_object() || !object.contains(field) || !object[field].is_number()) return "\u2014";
  const double value = object[field].get<double>();
  return percent ? format_percent(value) : fixed(value, 3);
}

std::string bias_table(const ReportRun& run) {
  const Json& bias = run.stats.bias;
  const Json overall = bias.is_object() && bias.contains("overall") ? bias["overall"] : Json::object();
  const bool v1 = run.stats.benchmark == Benchmark::kV1;
  auto split = [&](const char* name) { return overall.contains(name) ? overall[name] : Json::object(); };
  auto items = [&](const char* name) {
    const Json s = split(name);
    return s.contains("items") ? s["items"].dump() : std::string("0");
  };
  std::string html = "<table class=\"bias\">\n";
  html += std::string("<tr><th>accuracy where the ") + (v1 ? "chosen answer is longer" : "a correct completion is longest") +
          "</th><td class=\"num\" data-bias=\"chosen_longer\">" + bias_number(split("chosen_longer"), "accuracy", true) +
          "</td><td class=\"count\">" + items("chosen_longer") + " items</td></tr>\n";
  html += "<tr><th>accuracy otherwise</th><td class=\"num\" data-bias=\"chosen_not_longer\">" +
          bias_number(split("chosen_not_longer"), "accuracy", true) + "</td><td class=\"count\">" +
          items("chosen_not_longer") + " items</td></tr>\n";
  html += "<tr><th>correlation of margin with length difference (Pearson r)</th><td class=\"num\" "
          "data-bias=\"margin_length_correlation\">" +
          bias_number(overall, "margin_length_correlation", false) + "</td><td class=\"count\">" +
          (overall.contains("correlated_items") ? overall["correlated_items"].dump() : std::string("0")) +
          " items</td></tr>\n";
  if (bias.is_object() && bias.contains("position_consistency"))
    html += "<tr><th>position consistency (judge, both orders)</th><td class=\"num\" colspan=\"2\">" +
            html_escape(bias["position_consistency"].dump()) + "</td></tr>\n";
  return html + "</table>\n<p class=\"note\">Lengths in " + html_escape(run.stats.length_unit) + ".</p>\n";
}

struct Section {
  std::string html;
  Json charts = Json::array();
};

Section benchmark_section(const BenchmarkRuns& group, const std::map<const ReportRun*, size_t>& index_of) {
  Section section;
  const std::string key = benchmark_key(group.benchmark);
  const bool v1 = group.benchmark == Benchmark::kV1;
  std::string& html = section.html;
  html += "<section class=\"benchmark\" id=\"" + key + "\">\n<h2>" + benchmark_title(group.benchmark) + "</h2>\n";
  html += "<h3>Leaderboard</h3>\n" + leaderboard_table(group);
  html += "<p class=\"note\">Scores \u00d7100 with their 95% bootstrap intervals. Click a column to sort.</p>\n";

  auto figure = [&](const Json& chart) {
    html += "<figure><div class=\"chart\" id=\"" + chart["id"].get<std::string>() + "\" data-kind=\"" +
            chart["kind"].get<std::string>() + "\"></div></figure>\n";
    section.charts.push_back(chart);
  };
  std::vector<std::string> headline = v1 ? score_names(group.runs, {ScoreKind::kSection, ScoreKind::kPriorSets})
                                         : score_names(group.runs, {ScoreKind::kSubset});
  headline.push_back(headline_name(group.benchmark));
  html += "<h3>Accuracy</h3>\n";
  figure(accuracy_chart("chart-" + key + "-headline", v1 ? "Sections and overall score" : "Subsets and final score",
                        group, headline));
  if (v1) figure(accuracy_chart("chart-v1-subsets", "Every subset", group, score_names(group.runs, {ScoreKind::kSubset})));

  for (const ReportRun* run : group.runs) {
    if (run->baseline) continue;
    const std::string suffix = key + "-" + std::to_string(index_of.at(run));
    html += "<div class=\"run-panel\" data-run=\"" + html_escape(run->label) + "\">\n<h3>" + html_escape(run->label) +
            ": scores and length</h3>\n" + bias_table(*run);
    const bool has_scores = std::any_of(run->stats.items.begin(), run->stats.items.end(),
                                        [](const stats::StatsItem& item) { return !item.scores.empty(); });
    if (has_scores) {
      html += "<div class=\"pair\">\n";
      figure(distribution_chart("chart-" + suffix + "-distribution", *run));
      figure(margin_chart("chart-" + suffix + "-margin", *run));
      html += "</div>\n";
    } else {
      html += "<p class=\"note\">This run has no per-answer scores (a judge that only states a preference).</p>\n";
    }
    html += "</div>\n";
  }
  return {html + "</section>\n", section.charts};
}

// The snapshot commit of a Hub model path (".../snapshots/<40 hex>/...").
std::string hub_commit(const std::string& model_path) {
  static const std::regex snapshot("/snapshots/([0-9a-f]{40})(/|$)");
  std::smatch match;
  return std::regex_search(model_path, match, snapshot) ? match[1].str() : std::string();
}

std::string lookup(const Json& record, std::initializer_list<const char*> path) {
  const Json* node = &record;
  for (const char* key : path) {
    if (!node->is_object() || !node->contains(key)) return "";
    node = &(*node)[key];
  }
  if (node->is_string()) return node->get<std::string>();
  if (node->is_null()) return "";
  return node->dump();
}

std::string provenance_rows(const ReportRun& run) {
  const Json& r = run.run_record;
  std::vector<std::pair<std::string, std::string>> rows = {
      {"folder", run.folder},
      {"model", run.model},
      {"model type", run.model_type},
      {"model path", lookup(r, {"config", "model"})},
      {"revision", lookup(r, {"invocation", "options", "revision"})},
      {"Hub commit", hub_commit(lookup(r, {"config", "model"}))},
      {"dtype", lookup(r, {"config", "dtype"})},
      {"device", lookup(r, {"config", "device"})},
      {"dataset", lookup(r, {"config", "dataset"})},
      {"rewardbench", lookup(r, {"provenance", "program_version"})},
      {"rewardbench commit", lookup(r, {"provenance", "git_describe"})},
      {"model fingerprint", lookup(r, {"provenance", "model_fingerprint"})},
      {"command line", lookup(r, {"invocation", "command_line"})},
      {"intervals", std::to_string(run.stats.bootstrap.samples) + " bootstrap resamples, seed " +
                        std::to_string(run.stats.bootstrap.seed) + ", " +
                        fixed(run.stats.bootstrap.confidence * 100, 0) + "% percentile interval"}};
  std::string html;
  for (const auto& [name, value] : rows)
    html += "<tr><th>" + html_escape(name) + "</th><td>" + (value.empty() ? "\u2014" : html_escape(value)) + "</td></tr>\n";
  return html;
}

std::string provenance_section(const std::vector<ReportRun>& runs) {
  std::string html = "<section id=\"provenance\">\n<h2>Provenance</h2>\n";
  for (const auto& run : runs) {
    html += "<details class=\"provenance\" data-run=\"" + html_escape(run.label) + "\"><summary>" +
            html_escape(run.label) + "</summary>\n<table class=\"provenance\">\n" + provenance_rows(run) + "</table>\n";
    if (run.run_record.is_null())
      html += "<p class=\"note\">No run.json in this folder: the reference's own results carry no provenance.</p>\n";
    else
      html += "<details><summary>run.json</summary><pre>" + html_escape(run.run_record.dump(1)) + "</pre></details>\n";
    html += "</details>\n";
  }
  return html + "</section>\n";
}

std::string header(const std::vector<ReportRun>& runs, const std::string& title) {
  std::string html = "<header>\n<h1>" + html_escape(title) + "</h1>\n<p class=\"meta\">" +
                     std::to_string(runs.size()) + (runs.size() == 1 ? " run" : " runs") +
                     " \u00b7 made by rewardbench " + kVersion + " \u00b7 intervals: 95% bootstrap, resampling prompts within "
                     "subsets</p>\n<ul class=\"runs\">\n";
  for (const auto& run : runs)
    html += "<li>" + html_escape(run.label) + (run.baseline ? " <span class=\"tag\">baseline</span>" : "") + " <code>" +
            html_escape(run.folder) + "</code></li>\n";
  return html + "</ul>\n</header>\n";
}

}  // namespace

std::string build_html_report(const std::vector<ReportRun>& runs, const HtmlReportSettings& settings) {
  const ChartLibrary& library = require_chart_library();
  if (runs.empty()) throw InputError("report: no runs given");
  const std::string title = settings.title.empty() ? "RewardBench report" : settings.title;

  std::map<const ReportRun*, size_t> index_of;
  Json run_list = Json::array();
  for (size_t i = 0; i < runs.size(); ++i) {
    index_of[&runs[i]] = i;
    run_list.push_back({{"label", runs[i].label}, {"baseline", runs[i].baseline}});
  }
  std::string body = header(runs, title);
  Json charts = Json::array();
  for (const auto& group : group_by_benchmark(runs)) {
    Section section = benchmark_section(group, index_of);
    body += section.html;
    for (auto& chart : section.charts) charts.push_back(std::move(chart));
  }
  body += provenance_section(runs);

  std::string html =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      // No request may leave the page: only inline scripts and styles, data: images (Vega's
      // expression parser compiles with Function, hence unsafe-eval).
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src 'unsafe-inline' "
      "'unsafe-eval'; style-src 'unsafe-inline'; img-src data:\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"generator\" "
      "content=\"rewardbench " +
      std::string(kVersion) + "\">\n<title>" + html_escape(title) + "</title>\n<style>\n" + report_page_style() +
      "</style>\n</head>\n<body>\n" + body;
  html += "<script type=\"application/json\" id=\"rb-data\">" +
          script_safe_json({{"runs", run_list}, {"charts", charts}}) + "</script>\n";
  for (const ChartScript& script : library.scripts)
    html += "<script data-library=\"" + script.package + "@" + script.version + "\">\n/* " + script.package + " " +
            script.version + " (npm), licence:\n" + script_safe_code(comment_safe(script.license)) + "*/\n" +
            script_safe_code(script.code) + "\n</script>\n";
  html += "<script>\n" + script_safe_code(report_page_script()) + "</script>\n</body>\n</html>\n";
  return html;
}

}  // namespace rb::report
