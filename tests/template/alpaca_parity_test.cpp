// Real conversations at scale: the 805 AlpacaEval instructions with GPT-4's answers
// (../shared/data/text/alpaca_eval) rendered through the product-gating templates (Llama-3,
// Llama-3.1, Llama-3.2, Qwen2.5, Qwen3) and two more, as prompt (add_generation_prompt true) and
// as prompt+answer (false). Every render must equal jinja2's. Also prints our render speed.
#include <chrono>
#include <fstream>
#include <iostream>
#include <sstream>

#include <gtest/gtest.h>

#include "../support/test_support.h"
#include "oracle.h"

namespace rb::tmpl::testing {
namespace {

std::string shared(const std::string& relative) { return std::string(RB_SHARED_DIR) + "/data/" + relative; }

using rb::testing::read_file;

struct GatingTemplate {
  std::string file;
  std::string bos, eos;
};

class AlpacaParityTest : public ::testing::TestWithParam<GatingTemplate> {};

TEST_P(AlpacaParityTest, AllConversationsMatchJinja2) {
  if (!oracle_available()) GTEST_SKIP() << "python3 with jinja2 is not available";
  const std::string data_path = shared("text/alpaca_eval/gpt4_1106_preview.json");
  const std::string template_path = shared("templates/" + GetParam().file);
  if (!std::ifstream(data_path).good() || !std::ifstream(template_path).good()) GTEST_SKIP() << "shared data absent";
  const Json rows = Json::parse(read_file(data_path));
  const std::string source = read_file(template_path);
  SpecialTokens tokens;
  tokens.bos_token = GetParam().bos;
  tokens.eos_token = GetParam().eos;
  tokens.has_bos = !tokens.bos_token.empty();
  tokens.has_eos = !tokens.eos_token.empty();

  Json cases = Json::array();
  std::vector<std::pair<Json, bool>> inputs;
  for (const auto& row : rows) {
    Json user = Json{{"role", "user"}, {"content", row["instruction"]}};
    Json answer = Json{{"role", "assistant"}, {"content", row["output"]}};
    for (bool prompt_only : {true, false}) {
      Json messages = prompt_only ? Json::array({user}) : Json::array({user, answer});
      Json context = Json{{"messages", messages}, {"tools", nullptr}, {"documents", nullptr}, {"add_generation_prompt", prompt_only}};
      if (tokens.has_bos) context["bos_token"] = tokens.bos_token;
      if (tokens.has_eos) context["eos_token"] = tokens.eos_token;
      cases.push_back(Json{{"template", source}, {"context", context}});
      inputs.emplace_back(messages, prompt_only);
    }
  }
  std::vector<Rendered> expected = render_with_jinja2(cases, "alpaca");
  ASSERT_EQ(expected.size(), cases.size()) << "the jinja2 oracle failed to run";

  ChatTemplate tmpl(source, GetParam().file);
  std::vector<std::string> ours;
  ours.reserve(inputs.size());
  auto start = std::chrono::steady_clock::now();
  for (const auto& [messages, prompt_only] : inputs) ours.push_back(apply_chat_template(tmpl, messages, tokens, prompt_only));
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << "[ figure ] " << GetParam().file << ": " << inputs.size() << " renders, "
            << 1e6 * seconds / static_cast<double>(inputs.size()) << " us per render\n";

  std::size_t mismatches = 0;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    ASSERT_TRUE(expected[i].ok) << "jinja2 raised on row " << i / 2 << ": " << expected[i].text;
    if (ours[i] != expected[i].text && ++mismatches <= 3) {
      ADD_FAILURE() << "row " << i / 2 << (inputs[i].second ? " prompt" : " prompt+answer") << "\njinja2 "
                    << Json(expected[i].text).dump() << "\nours   " << Json(ours[i]).dump();
    }
  }
  EXPECT_EQ(mismatches, 0u) << "of " << inputs.size() << " renders";
}

INSTANTIATE_TEST_SUITE_P(
    Gating, AlpacaParityTest,
    ::testing::Values(GatingTemplate{"meta-llama-Meta-Llama-3-8B-Instruct.jinja", "<|begin_of_text|>", "<|eot_id|>"},
                      GatingTemplate{"meta-llama-Llama-3.1-8B-Instruct.jinja", "<|begin_of_text|>", "<|eot_id|>"},
                      GatingTemplate{"meta-llama-Llama-3.2-3B-Instruct.jinja", "<|begin_of_text|>", "<|eot_id|>"},
                      GatingTemplate{"Qwen-Qwen2.5-7B-Instruct.jinja", "", "<|im_end|>"},
                      GatingTemplate{"Qwen-Qwen3-0.6B.jinja", "", "<|im_end|>"},
                      GatingTemplate{"HuggingFaceH4-zephyr-7b-beta.jinja", "<s>", "</s>"},
                      GatingTemplate{"allenai-Llama-3.1-Tulu-3-70B.jinja", "<|begin_of_text|>", "<|end_of_text|>"}),
    [](const ::testing::TestParamInfo<GatingTemplate>& info) {
      std::string name;
      for (char c : info.param.file.substr(0, info.param.file.size() - 6)) name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
      return name;
    });

}  // namespace
}  // namespace rb::tmpl::testing
