#include "report/outputs_file.h"

#include "io/atomic_file.h"

namespace rb::report {
namespace {

Json scores_value(const std::vector<double>& scores) {
  if (scores.empty()) return nullptr;
  if (scores.size() == 1) return scores.front();
  Json list = Json::array();
  for (double score : scores) list.push_back(score);
  return list;
}

}  // namespace

Json output_record(const eval::ScoredExample& example) {
  Json record = Json::object();
  record["prompt"] = example.prompt;
  record["results"] = example.result;
  record["scores_chosen"] = scores_value(example.scores_chosen);
  record["scores_rejected"] = scores_value(example.scores_rejected);
  record["text_chosen"] = example.text_chosen;
  record["text_rejected"] = example.text_rejected;
  for (const auto& [key, value] : example.columns.items()) {
    if (!record.contains(key)) record[key] = value;
  }
  return record;
}

std::string format_outputs_jsonl(const std::vector<eval::ScoredExample>& examples) {
  std::string text;
  for (const auto& example : examples) {
    text += python_json_dumps(output_record(example));
    text += '\n';
  }
  return text;
}

void write_outputs_jsonl(const std::string& path, const std::vector<eval::ScoredExample>& examples) {
  io::write_file_atomically(path, format_outputs_jsonl(examples));
}

}  // namespace rb::report
