// Seeded orders and request planning (no network).
#include <gtest/gtest.h>

#include <set>

#include "common/error.h"
#include "judge/chat_api.h"
#include "judge/judge_plan.h"
#include "net/http_client.h"

namespace rb::judge {
namespace {

TEST(Orders, SeededOrdersAreStableAndSpread) {
  int swapped = 0;
  std::set<int> v2_slots;
  for (int i = 0; i < 400; ++i) {
    const eval::Json id = i;
    const auto order = seeded_order(7, id, 2);
    EXPECT_EQ(order, seeded_order(7, id, 2));
    swapped += order[0] == 1;
    const auto four = seeded_order(7, id, 4);
    int correct_slot = -1;
    for (int s = 0; s < 4; ++s)
      if (four[static_cast<size_t>(s)] == 0) correct_slot = s;
    v2_slots.insert(correct_slot);
    // A single transposition: the other answers keep their slots.
    for (int s = 1; s < 4; ++s)
      if (s != correct_slot) EXPECT_EQ(four[static_cast<size_t>(s)], s);
  }
  EXPECT_GT(swapped, 150);
  EXPECT_LT(swapped, 250);
  EXPECT_EQ(v2_slots.size(), 4u);
  int changed = 0;
  for (int i = 0; i < 100; ++i) changed += seeded_order(1, i, 2) != seeded_order(2, i, 2);
  EXPECT_GT(changed, 20);
}

TEST(Orders, DebiasCoversEveryRotationOnce) {
  const auto orders = judged_orders(3, "x", 4, true);
  EXPECT_EQ(orders.front(), seeded_order(3, "x", 4));
  std::set<std::vector<int>> distinct(orders.begin(), orders.end());
  EXPECT_EQ(distinct.size(), orders.size());
  for (int r = 0; r < 4; ++r) {
    std::vector<int> rotation = {(0 - r + 4) % 4, (1 - r + 4) % 4, (2 - r + 4) % 4, (3 - r + 4) % 4};
    EXPECT_TRUE(distinct.count(rotation)) << r;
  }
  EXPECT_EQ(judged_orders(3, "x", 2, true).size(), 2u);
  EXPECT_EQ(judged_orders(3, "x", 2, false).size(), 1u);
}

eval::PreferenceRow row(const std::string& id, const std::string& prompt, const std::string& chosen,
                        const std::string& rejected) {
  eval::PreferenceRow r;
  r.origin = "t.jsonl:1";
  r.prompt = prompt;
  r.chosen = chosen;
  r.rejected = rejected;
  r.subset = "s";
  r.id = id;
  return r;
}

JudgeSetup setup_for(std::vector<std::string> models) {
  JudgeSetup setup;
  setup.models = models;
  for (size_t i = 0; i < models.size(); ++i) setup.endpoints.push_back({Protocol::kOpenAI, "http://h/v1", "k"});
  return setup;
}

TEST(Plan, IdenticalRequestsAreAskedOnce) {
  JudgeSetup setup = setup_for({"m"});
  std::vector<eval::PreferenceRow> rows = {row("1", "q", "a", "b"), row("1", "q", "a", "b"), row("2", "q", "a", "c")};
  size_t dropped = 0;
  const JudgePlan plan = plan_requests(examples_from_v1(rows, setup, &dropped), setup);
  EXPECT_EQ(plan.calls.size(), 3u);
  EXPECT_EQ(plan.requests.size(), 2u);
  EXPECT_EQ(plan.calls[0].request, plan.calls[1].request);
}

TEST(Plan, RejectsEvenEnsemblesAndRatingEnsembles) {
  std::vector<eval::PreferenceRow> rows = {row("1", "q", "a", "b")};
  size_t dropped = 0;
  JudgeSetup even = setup_for({"a", "b"});
  EXPECT_THROW(plan_requests(examples_from_v1(rows, even, &dropped), even), InputError);
  JudgeSetup rated = setup_for({"a", "b", "c"});
  rated.ratings = true;
  EXPECT_THROW(plan_requests(examples_from_v1(rows, rated, &dropped), rated), InputError);
}

TEST(ChatApi, RequestBodiesAndKeys) {
  const ApiEndpoint openai{Protocol::kOpenAI, "http://h/v1", "secret"};
  const ChatRequest verdict = build_chat_request(openai, "gpt-4", {"sys", "user"}, RequestKind::kVerdict);
  EXPECT_EQ(verdict.url, "http://h/v1/chat/completions");
  EXPECT_EQ(verdict.body,
            R"({"model":"gpt-4","messages":[{"role":"system","content":"sys"},{"role":"user","content":"user"}],)"
            R"("n":1,"temperature":0,"max_tokens":2048})");
  EXPECT_EQ(verdict.body.find("secret"), std::string::npos);
  // The key never changes the cache key; the base URL does.
  const ApiEndpoint other_key{Protocol::kOpenAI, "http://h/v1", "other"};
  EXPECT_EQ(build_chat_request(other_key, "gpt-4", {"sys", "user"}, RequestKind::kVerdict).cache_key, verdict.cache_key);
  const ApiEndpoint other_url{Protocol::kOpenAI, "http://g/v1", "secret"};
  EXPECT_NE(build_chat_request(other_url, "gpt-4", {"sys", "user"}, RequestKind::kVerdict).cache_key, verdict.cache_key);

  const ChatRequest o1 = build_chat_request(openai, "o1-mini-2024-09-12", {"sys", "user"}, RequestKind::kVerdict);
  EXPECT_EQ(o1.body, R"({"model":"o1-mini-2024-09-12","messages":[{"role":"user","content":"user"}],"n":1,"temperature":1})");
  const ChatRequest rating = build_chat_request(openai, "gpt-4", {"", "u"}, RequestKind::kRating);
  EXPECT_EQ(rating.body, R"({"model":"gpt-4","messages":[{"role":"user","content":"u"}],"temperature":0,"max_tokens":1024})");

  const ApiEndpoint anthropic{Protocol::kAnthropic, "http://h", "k"};
  const ChatRequest claude = build_chat_request(anthropic, "claude-3-haiku-20240307", {"sys", "u"}, RequestKind::kVerdict);
  EXPECT_EQ(claude.url, "http://h/v1/messages");
  EXPECT_EQ(claude.body,
            R"({"model":"claude-3-haiku-20240307","messages":[{"role":"user","content":"u"}],"max_tokens":1024,)"
            R"("temperature":0,"system":"sys","stop_sequences":["\n\nHuman:"]})");
  EXPECT_EQ(extract_answer_text(Protocol::kAnthropic, R"({"content":[{"type":"text","text":"  [[A]] \n"}]})",
                                RequestKind::kVerdict),
            "[[A]]");
  EXPECT_EQ(extract_answer_text(Protocol::kOpenAI, R"({"choices":[{"message":{"content":"x"}}]})", RequestKind::kVerdict),
            "x");
  EXPECT_EQ(extract_answer_text(Protocol::kOpenAI, R"({"choices":[{"message":{"content":null}}]})", RequestKind::kVerdict),
            "");
  EXPECT_FALSE(extract_answer_text(Protocol::kOpenAI, R"({"error":"x"})", RequestKind::kVerdict));
  EXPECT_FALSE(extract_answer_text(Protocol::kOpenAI, "not json", RequestKind::kVerdict));
  EXPECT_EQ(resolve_protocol("auto", "claude-3-opus-20240229"), Protocol::kAnthropic);
  EXPECT_EQ(resolve_protocol("auto", "gpt-4"), Protocol::kOpenAI);
  EXPECT_THROW(resolve_protocol("grpc", "gpt-4"), InputError);
}

TEST(HttpClient, RetryAfterValues) {
  using net::parse_retry_after;
  EXPECT_EQ(parse_retry_after("2"), 2.0);
  EXPECT_EQ(parse_retry_after(" 0.5 "), 0.5);
  EXPECT_EQ(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), 0.0);  // a date in the past: no wait
  const auto future = parse_retry_after("Fri, 01 Jan 2100 00:00:00 GMT");
  ASSERT_TRUE(future);
  EXPECT_GT(*future, 1e9);
  EXPECT_FALSE(parse_retry_after("soon"));
  EXPECT_FALSE(parse_retry_after("-3"));
  EXPECT_FALSE(parse_retry_after(""));
}

TEST(HttpClient, RefusedConnectionIsATransportError) {
  net::HttpClient client;
  // Port 1 on loopback: nothing listens there.
  const net::HttpResponse result = client.post("http://127.0.0.1:1/v1/chat/completions", {}, "{}", 5.0);
  EXPECT_EQ(result.status, 0);
  EXPECT_FALSE(result.completed());
}

}  // namespace
}  // namespace rb::judge
