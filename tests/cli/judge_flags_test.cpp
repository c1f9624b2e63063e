// The judge subcommand's flags land in JudgeOptions (reference spellings and aliases).
#include <gtest/gtest.h>

#include "app/judge_run.h"
#include "cli/option_binding.h"

namespace rb::app {
namespace {

JudgeOptions parse(std::vector<std::string> args) {
  CLI::App app;
  JudgeOptions options;
  cli::bind_options(*app.add_subcommand("judge"), judge_options_table(), options);
  args.insert(args.begin(), "judge");
  std::reverse(args.begin(), args.end());  // CLI11 parses a reversed vector
  app.parse(args);
  return options;
}

TEST(JudgeCli, ReferenceSpellings) {
  const JudgeOptions o = parse({"--model", "gpt-4", "claude-2", "gemini-1.5-pro-001", "--dataset", "d.jsonl",
                                "--score_w_ratings", "--num_threads", "32", "--seed", "5", "--debug", "--v2",
                                "--base_url", "http://127.0.0.1:1/v1", "--protocol", "openai", "--debias"});
  EXPECT_EQ(o.models, (std::vector<std::string>{"gpt-4", "claude-2", "gemini-1.5-pro-001"}));
  EXPECT_EQ(o.dataset, "d.jsonl");
  EXPECT_TRUE(o.ratings);
  EXPECT_TRUE(o.debias);
  EXPECT_EQ(o.concurrency, 32);
  EXPECT_EQ(o.seed, 5u);
  EXPECT_EQ(o.limit, 10u);
  EXPECT_EQ(o.version, 2);
  EXPECT_EQ(o.base_url, "http://127.0.0.1:1/v1");
}

// A local judge (llama.cpp's llama-server, vLLM) is addressed by its OpenAI-compatible URL.
TEST(JudgeCli, JudgeServerIsTheBaseUrl) {
  const JudgeOptions o = parse({"--model", "local", "--dataset", "d.jsonl", "--judge-server", "http://127.0.0.1:8080/v1"});
  EXPECT_EQ(o.base_url, "http://127.0.0.1:8080/v1");
  EXPECT_EQ(parse({"--model", "m", "--dataset", "d", "--judge_server", "http://h/v1"}).base_url, "http://h/v1");
}

TEST(JudgeCli, DefaultsAndRejections) {
  const JudgeOptions o = parse({"--model", "m", "--dataset", "d.json"});
  EXPECT_EQ(o.version, 1);
  EXPECT_FALSE(o.ratings);
  EXPECT_EQ(o.seed, 0u);
  EXPECT_EQ(o.protocol, "auto");
  EXPECT_THROW(parse({"--model", "m", "--dataset", "d", "--protocol", "grpc"}), CLI::ParseError);
  EXPECT_THROW(parse({"--dataset", "d"}), CLI::ParseError);
  EXPECT_THROW(parse({"--model", "m", "--dataset", "d", "--num_threads", "0"}), CLI::ParseError);
}

}  // namespace
}  // namespace rb::app
