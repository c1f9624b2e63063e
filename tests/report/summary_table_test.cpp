#include "report/summary_table.h"

#include <gtest/gtest.h>

#include <sstream>

namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

const std::string* line_starting(const std::vector<std::string>& lines, const std::string& prefix) {
  for (const auto& line : lines) {
    if (line.rfind(prefix + " ", 0) == 0) return &line;
  }
  return nullptr;
}

TEST(SummaryTable, ListsSubsetsSectionsAndOverall) {
  // alpacaeval-easy 3/4, math-prm 1/2, shp 1/4: Chat 0.75, Reasoning 0.5, Prior Sets 0.25,
  // overall (2*0.75 + 2*0.5 + 0.25) / 5 = 0.55.
  auto summary = rb::eval::summarize_accuracies(
      {{"alpacaeval-easy", 3, 4, 0.75}, {"math-prm", 1, 2, 0.5}, {"shp", 1, 4, 0.25}});
  std::ostringstream out;
  rb::report::print_summary(out, summary);
  auto lines = lines_of(out.str());
  ASSERT_NE(line_starting(lines, "alpacaeval-easy"), nullptr) << out.str();
  EXPECT_NE(line_starting(lines, "alpacaeval-easy")->find("3/4  0.7500"), std::string::npos) << out.str();
  EXPECT_NE(line_starting(lines, "math-prm")->find("1/2  0.5000"), std::string::npos);
  EXPECT_NE(line_starting(lines, "all pairs")->find("5/10  0.5000"), std::string::npos);
  ASSERT_NE(line_starting(lines, "Chat"), nullptr) << out.str();
  EXPECT_NE(line_starting(lines, "Chat")->find("0.7500"), std::string::npos);
  EXPECT_NE(line_starting(lines, "Reasoning")->find("0.5000"), std::string::npos);
  EXPECT_NE(line_starting(lines, "Prior Sets")->find("0.2500"), std::string::npos);
  EXPECT_NE(line_starting(lines, "overall")->find("0.5500"), std::string::npos);
  EXPECT_EQ(line_starting(lines, "Chat Hard"), nullptr);
  EXPECT_EQ(line_starting(lines, "Safety"), nullptr);
}

TEST(SummaryTable, NoSectionBlockForUnknownSubsetsAlone) {
  auto summary = rb::eval::summarize_accuracies({{"custom", 1, 3, 1.0 / 3.0}});
  std::ostringstream out;
  rb::report::print_summary(out, summary);
  EXPECT_NE(out.str().find("1/3  0.3333"), std::string::npos) << out.str();
  EXPECT_EQ(out.str().find("overall"), std::string::npos);
  EXPECT_EQ(out.str().find("section"), std::string::npos);
}

}  // namespace
