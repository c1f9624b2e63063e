// Each Jinja construct, rendered by our interpreter and by Python jinja2 (the oracle), must give
// the same bytes; where jinja2 raises, we must raise too. Cases live in construct_cases.json,
// grouped by construct; expected outputs come from jinja2 at test time, never from our code.
#include <fstream>
#include <thread>

#include <gtest/gtest.h>

#include "common/error.h"
#include "oracle.h"

namespace rb::tmpl::testing {
namespace {

Json load_cases() {
  std::ifstream file(std::string(RB_SOURCE_DIR) + "/tests/template/construct_cases.json");
  return Json::parse(file);
}

std::vector<std::string> group_names() {
  std::vector<std::string> names;
  const Json cases = load_cases();
  for (auto it = cases.begin(); it != cases.end(); ++it) names.push_back(it.key());
  return names;
}

class ConstructTest : public ::testing::TestWithParam<std::string> {};

TEST_P(ConstructTest, MatchesJinja2) {
  if (!oracle_available()) GTEST_SKIP() << "python3 with jinja2 is not available";
  Json cases = load_cases()[GetParam()];
  for (auto& c : cases) {
    if (!c.contains("context")) c["context"] = Json::object();
  }
  std::vector<Rendered> expected = render_with_jinja2(cases, GetParam());
  ASSERT_EQ(expected.size(), cases.size()) << "the jinja2 oracle failed to run";
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const std::string source = cases[i]["template"].get<std::string>();
    Rendered ours = render_with_ours(source, cases[i]["context"]);
    SCOPED_TRACE("case " + std::to_string(i) + ": " + Json(source).dump());
    EXPECT_EQ(ours.ok, expected[i].ok) << "jinja2 " << describe(expected[i]) << "\nours   " << describe(ours);
    if (ours.ok && expected[i].ok) EXPECT_EQ(ours.text, expected[i].text);
  }
}

INSTANTIATE_TEST_SUITE_P(Groups, ConstructTest, ::testing::ValuesIn(group_names()),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

TEST(ConstructErrors, RaiseExceptionCarriesMessageAndPosition) {
  try {
    ChatTemplate tmpl("line one\n{{ raise_exception('Conversation roles must alternate') }}");
    tmpl.render(Json::object());
    FAIL() << "expected a TemplateError";
  } catch (const rb::TemplateError& error) {
    std::string message = error.what();
    EXPECT_NE(message.find("Conversation roles must alternate"), std::string::npos) << message;
    EXPECT_NE(message.find(":2:"), std::string::npos) << message;
  }
}

TEST(ConstructErrors, SyntaxErrorsReportLineAndColumn) {
  try {
    ChatTemplate tmpl("ok\n  {% if %}{% endif %}", "bad.jinja");
    FAIL() << "expected a TemplateError";
  } catch (const rb::TemplateError& error) {
    EXPECT_NE(std::string(error.what()).find("bad.jinja:2:"), std::string::npos) << error.what();
  }
}

// One parsed template is shared by worker threads in the pipeline: renders must not interfere.
TEST(ConstructConcurrency, SharedTemplateRendersIdenticallyFromManyThreads) {
  ChatTemplate tmpl(
      "{% set ns = namespace(n=0) %}{% for m in messages %}{% set ns.n = ns.n + 1 %}"
      "<{{ m.role }}>{{ m.content | trim }}{{ loop.index }}/{{ ns.n }}{% endfor %}{{ messages | tojson }}");
  Json context = {{"messages", Json::array({Json{{"role", "user"}, {"content", " hi "}}, Json{{"role", "assistant"}, {"content", "yo"}}})}};
  const std::string expected = tmpl.render(context);
  std::vector<std::thread> workers;
  std::vector<int> mismatches(4, 0);
  for (int t = 0; t < 4; ++t) {
    workers.emplace_back([&, t] {
      for (int i = 0; i < 300; ++i) mismatches[t] += tmpl.render(context) != expected;
    });
  }
  for (auto& worker : workers) worker.join();
  for (int t = 0; t < 4; ++t) EXPECT_EQ(mismatches[t], 0) << "thread " << t;
}

TEST(ConstructLimits, RunawayRecursionAndLoopsAreBounded) {
  ChatTemplate recursion("{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}");
  EXPECT_THROW(recursion.render(Json::object()), rb::TemplateError);
  ChatTemplate loops("{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}");
  EXPECT_THROW(loops.render(Json::object()), rb::TemplateError);
  EXPECT_THROW(ChatTemplate("{{ " + std::string(5000, '(') + "1" + std::string(5000, ')') + " }}"), rb::TemplateError);
  EXPECT_THROW(ChatTemplate(std::string(3000, '{') + "% if true %}"), rb::TemplateError);
  std::string nested_ifs;
  for (int i = 0; i < 3000; ++i) nested_ifs += "{% if true %}";
  EXPECT_THROW(ChatTemplate{nested_ifs}, rb::TemplateError);
  ChatTemplate doubling("{% set ns = namespace(s='xxxxxxxx') %}{% for i in range(64) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}");
  EXPECT_THROW(doubling.render(Json::object()), rb::TemplateError);
  EXPECT_THROW(ChatTemplate("{{ 'x' * 1000000000000 }}").render(Json::object()), rb::TemplateError);
  ChatTemplate output("{% set s = 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' * 100000 %}"
                      "{% for a in range(100000) %}{{ s }}{% endfor %}");
  EXPECT_THROW(output.render(Json::object()), rb::TemplateError);
}

}  // namespace
}  // namespace rb::tmpl::testing
