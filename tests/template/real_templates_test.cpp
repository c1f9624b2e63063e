// The 60 real Hub chat templates in ../shared/data/templates, each rendered on several
// conversations (single turn, multi turn, with a system message, ending with the user or the
// assistant) with add_generation_prompt false and true: our output must equal jinja2's byte for
// byte, and where jinja2 raises we must raise. Skips when the shared data is absent.
#include <algorithm>
#include <dirent.h>
#include <fstream>
#include <map>
#include <sstream>

#include <gtest/gtest.h>

#include "../support/test_support.h"
#include "oracle.h"

namespace rb::tmpl::testing {
namespace {

std::string templates_dir() { return std::string(RB_SHARED_DIR) + "/data/templates"; }

std::vector<std::string> template_files() {
  std::vector<std::string> files;
  if (DIR* dir = opendir(templates_dir().c_str())) {
    while (dirent* entry = readdir(dir)) {
      std::string name = entry->d_name;
      if (name.size() > 6 && name.compare(name.size() - 6, 6, ".jinja") == 0) files.push_back(name);
    }
    closedir(dir);
  }
  std::sort(files.begin(), files.end());
  return files;
}

using rb::testing::read_file;

// MANIFEST.tsv columns: file, source, model family, bos_token, eos_token, renders, notes.
SpecialTokens manifest_tokens(const std::string& file_name) {
  std::ifstream manifest(templates_dir() + "/MANIFEST.tsv");
  std::string line;
  SpecialTokens tokens;
  while (std::getline(manifest, line)) {
    std::vector<std::string> columns;
    std::stringstream row(line);
    std::string column;
    while (std::getline(row, column, '\t')) columns.push_back(column);
    if (columns.size() < 5 || columns[0] != file_name) continue;
    tokens.bos_token = columns[3];
    tokens.eos_token = columns[4];
    tokens.has_bos = !columns[3].empty();
    tokens.has_eos = !columns[4].empty();
  }
  return tokens;
}

Json message(const std::string& role, const std::string& content) { return Json{{"role", role}, {"content", content}}; }

std::vector<Json> conversations() {
  Json user1 = message("user", "Hello! How do I detail a car?\nGive me steps.");
  Json reply1 = message("assistant", "  Wash it, clay it, polish — then wax. 🚗  ");
  Json user2 = message("user", "What about the interior? «Leather» seats, 'quotes' and \"double\".");
  Json reply2 = message("assistant", "Vacuum first.\n\nThen condition the leather.");
  Json system = message("system", "You are a helpful, concise assistant.");
  return {
      Json::array({user1}),
      Json::array({user1, reply1}),
      Json::array({user1, reply1, user2, reply2}),
      Json::array({system, user1, reply1}),
      Json::array({system, user1, reply1, user2}),
  };
}

// The context transformers' apply_chat_template passes to the template.
Json transformers_context(const Json& messages, const SpecialTokens& tokens, bool add_generation_prompt) {
  Json context = Json::object();
  context["messages"] = messages;
  context["tools"] = nullptr;
  context["documents"] = nullptr;
  context["add_generation_prompt"] = add_generation_prompt;
  if (tokens.has_bos) context["bos_token"] = tokens.bos_token;
  if (tokens.has_eos) context["eos_token"] = tokens.eos_token;
  return context;
}

std::string test_name(const std::string& file) {
  std::string name;
  for (char c : file.substr(0, file.size() - 6)) name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return name;
}

class RealTemplateTest : public ::testing::TestWithParam<std::string> {};

TEST_P(RealTemplateTest, MatchesJinja2OnConversations) {
  if (!oracle_available()) GTEST_SKIP() << "python3 with jinja2 is not available";
  const std::string file = GetParam();
  const std::string source = read_file(templates_dir() + "/" + file);
  const SpecialTokens tokens = manifest_tokens(file);
  Json cases = Json::array();
  std::vector<std::pair<Json, bool>> inputs;
  for (const auto& messages : conversations()) {
    for (bool add_generation_prompt : {false, true}) {
      cases.push_back(Json{{"template", source}, {"context", transformers_context(messages, tokens, add_generation_prompt)}});
      inputs.emplace_back(messages, add_generation_prompt);
    }
  }
  std::vector<Rendered> expected = render_with_jinja2(cases, test_name(file));
  ASSERT_EQ(expected.size(), cases.size()) << "the jinja2 oracle failed to run";
  std::unique_ptr<ChatTemplate> tmpl;
  std::string parse_error;
  try {
    tmpl = std::make_unique<ChatTemplate>(source, file);
  } catch (const std::exception& error) {
    parse_error = error.what();
  }
  for (std::size_t i = 0; i < cases.size(); ++i) {
    SCOPED_TRACE("conversation " + std::to_string(i / 2) + ", add_generation_prompt=" + (inputs[i].second ? "true" : "false"));
    Rendered ours;
    if (!tmpl) {
      ours.text = parse_error;
    } else {
      try {
        ours.text = apply_chat_template(*tmpl, inputs[i].first, tokens, inputs[i].second);
        ours.ok = true;
      } catch (const std::exception& error) {
        ours.text = error.what();
      }
    }
    EXPECT_EQ(ours.ok, expected[i].ok) << "jinja2 " << describe(expected[i]) << "\nours   " << describe(ours);
    if (ours.ok && expected[i].ok) EXPECT_EQ(ours.text, expected[i].text);
  }
}

// Harder inputs that exercise more of each template: tool schemas, tool calls and tool results,
// multimodal content lists, reasoning content, thinking switches and roles that do not alternate.
std::vector<Json> rich_contexts(const SpecialTokens& tokens) {
  Json weather_tool = Json::parse(R"({"type": "function", "function": {"name": "get_weather",
      "description": "Get the current weather in a city.", "parameters": {"type": "object",
      "properties": {"location": {"type": "string", "description": "City name, e.g. Paris"},
                     "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]}},
      "required": ["location"]}}})");
  Json tool_call = Json::parse(R"({"id": "call_1", "type": "function",
      "function": {"name": "get_weather", "arguments": {"location": "Paris", "unit": "celsius"}}})");
  Json user = message("user", "What's the weather in Paris?");
  Json assistant_call = Json{{"role", "assistant"}, {"content", ""}, {"tool_calls", Json::array({tool_call})}};
  Json tool_result = Json{{"role", "tool"}, {"name", "get_weather"}, {"tool_call_id", "call_1"}, {"content", "{\"temp\": 21}"}};
  Json answer = message("assistant", "It is 21 °C in Paris.");
  Json multimodal = Json{{"role", "user"}, {"content", Json::parse(R"([{"type": "image"}, {"type": "text", "text": "Describe this image."}])")}};
  Json reasoning = Json{{"role", "assistant"}, {"content", "<think>\nSunny in Paris.\n</think>\n\nIt is sunny."}, {"reasoning_content", "Sunny in Paris."}};
  Json system = message("system", "Answer briefly.");

  std::vector<Json> contexts;
  auto add = [&](Json messages, bool add_generation_prompt, Json extra) {
    Json context = transformers_context(messages, tokens, add_generation_prompt);
    for (auto it = extra.begin(); it != extra.end(); ++it) context[it.key()] = it.value();
    contexts.push_back(context);
  };
  add(Json::array({system, user}), true, Json{{"tools", Json::array({weather_tool})}});
  add(Json::array({user, assistant_call, tool_result, answer}), false, Json{{"tools", Json::array({weather_tool})}});
  add(Json::array({user, assistant_call, tool_result}), true, Json::object());
  add(Json::array({multimodal}), true, Json::object());
  add(Json::array({system, user, reasoning, user}), true, Json{{"enable_thinking", false}});
  add(Json::array({user, reasoning}), false, Json{{"enable_thinking", true}});
  add(Json::array({user, user}), true, Json::object());
  add(Json::array({message("system", ""), user, answer}), false, Json::object());
  return contexts;
}

TEST_P(RealTemplateTest, MatchesJinja2OnToolsAndRichConversations) {
  if (!oracle_available()) GTEST_SKIP() << "python3 with jinja2 is not available";
  const std::string file = GetParam();
  const std::string source = read_file(templates_dir() + "/" + file);
  Json cases = Json::array();
  for (const auto& context : rich_contexts(manifest_tokens(file))) cases.push_back(Json{{"template", source}, {"context", context}});
  std::vector<Rendered> expected = render_with_jinja2(cases, "rich_" + test_name(file));
  ASSERT_EQ(expected.size(), cases.size()) << "the jinja2 oracle failed to run";
  for (std::size_t i = 0; i < cases.size(); ++i) {
    SCOPED_TRACE("rich case " + std::to_string(i));
    Rendered ours = render_with_ours(source, cases[i]["context"]);
    EXPECT_EQ(ours.ok, expected[i].ok) << "jinja2 " << describe(expected[i]) << "\nours   " << describe(ours);
    if (ours.ok && expected[i].ok) EXPECT_EQ(ours.text, expected[i].text);
  }
}

INSTANTIATE_TEST_SUITE_P(Shared, RealTemplateTest, ::testing::ValuesIn(template_files()),
                         [](const ::testing::TestParamInfo<std::string>& info) { return test_name(info.param); });
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(RealTemplateTest);

// The reference's own expected string (docs/rewardbench-reference.md section 2.6): the
// zephyr-7b-beta tokenizer renders core-set row 0's prompt as "<|user|>\nHow do I detail a car?</s>\n".
TEST(RealTemplates, ZephyrPromptMatchesTheReferenceString) {
  const std::string path = templates_dir() + "/HuggingFaceH4-zephyr-7b-beta.jinja";
  if (!std::ifstream(path).good()) GTEST_SKIP() << "shared data absent";
  ChatTemplate tmpl(read_file(path), "zephyr");
  SpecialTokens tokens;
  tokens.bos_token = "<s>";
  tokens.eos_token = "</s>";
  tokens.has_bos = tokens.has_eos = true;
  Json prompt = Json::array({message("user", "How do I detail a car?")});
  EXPECT_EQ(apply_chat_template(tmpl, prompt, tokens, false), "<|user|>\nHow do I detail a car?</s>\n");
}

TEST(RealTemplates, SharedDataPresent) {
  if (template_files().empty()) GTEST_SKIP() << "no templates under " << templates_dir();
  EXPECT_GE(template_files().size(), 60u);
}

}  // namespace
}  // namespace rb::tmpl::testing
