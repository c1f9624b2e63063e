// FastChat templates against the reference strings of the spec
// (docs/rewardbench-reference.md sections 2.6 and 3.1) and FastChat's get_prompt() rules.
#include <gtest/gtest.h>

#include "common/error.h"
#include "template/fastchat.h"

namespace rb::tmpl {
namespace {

using Json = nlohmann::ordered_json;

Json turn(const std::string& role, const std::string& content) { return Json{{"role", role}, {"content", content}}; }
Json exchange(const std::string& p, const std::string& r) { return Json::array({turn("user", p), turn("assistant", r)}); }

const std::string kPrompt = "How do I detail a car?";
const std::string kResponse = "Wash, clay, polish, wax.";

TEST(FastChat, SpecReferenceStrings) {
  const std::string p = kPrompt, r = kResponse;
  EXPECT_EQ(render_fastchat("tulu", exchange(p, r)), "<|user|>\n" + p + "\n<|assistant|>\n" + r + "\n");
  EXPECT_EQ(render_fastchat("raw", exchange(p, r)), p + r);
  EXPECT_EQ(render_fastchat("oasst_pythia", exchange(p, r)), "<|prompter|>" + p + "<|endoftext|><|assistant|>" + r + "<|endoftext|>");
  EXPECT_EQ(render_fastchat("pku-align", exchange(p, r)), "BEGINNING OF CONVERSATION: USER: " + p + " ASSISTANT: " + r + " ");
  EXPECT_EQ(render_fastchat("openbmb", exchange(p, r)), "User: " + p + "\n\nAssistant: " + r + "\n\n");
  EXPECT_EQ(render_fastchat("Ziya", exchange(p, r)), "\n\nHuman: " + p + "\n\nAssistant: " + r + "\n\n");
}

TEST(FastChat, PromptOnlyEndsAfterTheUserTurn) {
  Json prompt = Json::array({turn("user", kPrompt)});
  EXPECT_EQ(render_fastchat("tulu", prompt), "<|user|>\n" + kPrompt + "\n");
  EXPECT_EQ(render_fastchat("pku-align", prompt), "BEGINNING OF CONVERSATION: USER: " + kPrompt + " ");
}

TEST(FastChat, PendingAssistantTurnGivesTheGenerationHeader) {
  Json pending = Json::array({turn("user", kPrompt), turn("assistant", "")});
  EXPECT_EQ(render_fastchat("tulu", pending), "<|user|>\n" + kPrompt + "\n<|assistant|>\n");
  EXPECT_EQ(render_fastchat("pku-align", pending), "BEGINNING OF CONVERSATION: USER: " + kPrompt + " ASSISTANT: ");
  EXPECT_EQ(render_fastchat("vicuna_v1.1", pending).substr(render_fastchat("vicuna_v1.1", pending).size() - 10), "ASSISTANT:");
}

TEST(FastChat, Llama2AndMistralFollowTheLlama2Style) {
  Json two_turns = Json::array({turn("user", "a"), turn("assistant", "b"), turn("user", "c"), turn("assistant", "d")});
  EXPECT_EQ(render_fastchat("llama-2", two_turns), "[INST] a [/INST] b </s><s>[INST] c [/INST] d </s><s>");
  EXPECT_EQ(render_fastchat("mistral", two_turns), "[INST] a [/INST] b</s>[INST] c [/INST] d</s>");
  Json with_system = Json::array({turn("system", "Be brief."), turn("user", "a"), turn("assistant", "b")});
  EXPECT_EQ(render_fastchat("llama-2", with_system), "[INST] <<SYS>>\nBe brief.\n<</SYS>>\n\na [/INST] b </s><s>");
  EXPECT_EQ(render_fastchat("mistral", with_system), "[INST] Be brief.\na [/INST] b</s>");
}

TEST(FastChat, ChatMLZephyrVicunaRobin) {
  Json with_system = Json::array({turn("system", "S"), turn("user", "a"), turn("assistant", "b")});
  EXPECT_EQ(render_fastchat("zephyr", with_system), "<|system|>\nS</s>\n<|user|>\na</s>\n<|assistant|>\nb</s>\n");
  EXPECT_EQ(render_fastchat("zephyr", exchange("a", "b")), "<|system|>\n</s>\n<|user|>\na</s>\n<|assistant|>\nb</s>\n");
  EXPECT_EQ(render_fastchat("chatml", with_system),
            "<|im_start|>system\nS<|im_end|>\n<|im_start|>user\na<|im_end|>\n<|im_start|>assistant\nb<|im_end|>\n");
  EXPECT_EQ(render_fastchat("Yi-34b-chat", exchange("a", "b")), "<|im_start|>user\na<|im_end|>\n<|im_start|>assistant\nb<|im_end|>\n");
  EXPECT_EQ(render_fastchat("vicuna_v1.1", exchange("a", "b")),
            "A chat between a curious user and an artificial intelligence assistant. The assistant gives helpful, "
            "detailed, and polite answers to the user's questions. USER: a ASSISTANT: b</s>");
  EXPECT_EQ(render_fastchat("Robin", with_system), "S\n###Human:\na\n###Assistant:\nb\n");
}

TEST(FastChat, UnknownNamesAndBadMessagesAreErrors) {
  EXPECT_FALSE(has_fastchat_template("no-such-template"));
  EXPECT_TRUE(has_fastchat_template("tulu"));
  EXPECT_GE(fastchat_template_names().size(), 11u);
  EXPECT_THROW(render_fastchat("no-such-template", exchange("a", "b")), rb::TemplateError);
  EXPECT_THROW(render_fastchat("tulu", Json::array({Json{{"role", "user"}}})), rb::TemplateError);
  EXPECT_THROW(render_fastchat("tulu", Json::array({turn("tool", "x")})), rb::TemplateError);
}

}  // namespace
}  // namespace rb::tmpl
