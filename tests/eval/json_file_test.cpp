#include "io/json_file.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <unistd.h>

#include "common/error.h"
#include "common/utf8.h"

namespace {

using rb::io::parse_json_rows;

// Runs `parse` and returns the rb::InputError message, failing when none is thrown.
template <typename Fn>
std::string input_error_of(Fn&& parse) {
  try {
    parse();
  } catch (const rb::InputError& error) {
    return error.what();
  }
  ADD_FAILURE() << "expected rb::InputError";
  return "";
}

TEST(JsonFile, JsonLinesRowsRememberTheirLineAndSkipBlankLines) {
  std::string text = "{\"a\": 1}\n\n  \n{\"a\": 2, \"b\": \"x\"}\r\n{\"a\": 3}";
  auto rows = parse_json_rows(text, "data.jsonl", true);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].origin, "data.jsonl:1");
  EXPECT_EQ(rows[1].origin, "data.jsonl:4");
  EXPECT_EQ(rows[2].origin, "data.jsonl:5");
  EXPECT_EQ(rows[1].value["b"], "x");
  EXPECT_EQ(rows[2].value["a"], 3);
}

TEST(JsonFile, KeyOrderIsKept) {
  auto rows = parse_json_rows("{\"z\": 1, \"a\": 2, \"m\": 3}\n", "d.jsonl", true);
  std::vector<std::string> keys;
  for (const auto& item : rows[0].value.items()) keys.push_back(item.key());
  EXPECT_EQ(keys, (std::vector<std::string>{"z", "a", "m"}));
}

TEST(JsonFile, PrettyPrintedArrayRowsPointAtTheLineEachObjectStarts) {
  std::string text =
      "[\n"                          // line 1
      "  {\"id\": 1,\n"              // line 2
      "   \"s\": \"[{,\\\"}]\"},\n"  // line 3: brackets and an escaped quote inside a string
      "  {\"id\": 2, \"l\": [1, {\"x\": []}]},\n"  // line 4
      "\n"                                           // line 5
      "  {\"id\": 3}\n"                              // line 6
      "]\n";
  auto rows = parse_json_rows(text, "data.json", false);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].origin, "data.json:2");
  EXPECT_EQ(rows[1].origin, "data.json:4");
  EXPECT_EQ(rows[2].origin, "data.json:6");
  EXPECT_EQ(rows[0].value["s"], "[{,\"}]");
}

TEST(JsonFile, ObjectHoldingOneArrayOfRows) {
  std::string text =
      "{\n"
      "  \"version\": \"1\",\n"
      "  \"tags\": [\"a\", \"b\"],\n"
      "  \"rows\": [\n"
      "    {\"id\": 1},\n"
      "    {\"id\": 2}\n"
      "  ]\n"
      "}\n";
  auto rows = parse_json_rows(text, "data.json", false);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].origin, "data.json:5");
  EXPECT_EQ(rows[1].origin, "data.json:6");
  EXPECT_EQ(rows[1].value["id"], 2);
}

TEST(JsonFile, ObjectWithTwoArraysOfRowsIsAmbiguous) {
  std::string text = "{\n\"a\": [{\"id\": 1}],\n\"b\": [{\"id\": 2}]\n}\n";
  std::string message = input_error_of([&] { parse_json_rows(text, "data.json", false); });
  EXPECT_EQ(message,
            "data.json:1: a top-level JSON object must hold exactly one array of row objects; found 2 among fields "
            "\"a\", \"b\"");
}

TEST(JsonFile, JsonFileMayHoldJsonLinesOrOneRow) {
  auto lines = parse_json_rows("{\"id\": 1, \"p\": [{\"r\": 1}]}\n{\"id\": 2}\n", "d.json", false);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[1].origin, "d.json:2");
  // One object on one line is one row, even if it holds an array of objects.
  auto single = parse_json_rows("{\"id\": 1, \"p\": [{\"r\": 1}]}\n", "d.json", false);
  ASSERT_EQ(single.size(), 1u);
  EXPECT_EQ(single[0].value["id"], 1);
}

TEST(JsonFile, EmptyTextHasNoRowsAndBomIsIgnored) {
  EXPECT_TRUE(parse_json_rows("  \n", "d.json", false).empty());
  EXPECT_TRUE(parse_json_rows("", "d.jsonl", true).empty());
  auto rows = parse_json_rows("\xEF\xBB\xBF{\"id\": 1}\n", "d.jsonl", true);
  ASSERT_EQ(rows.size(), 1u);
}

TEST(JsonFile, InvalidUtf8NamesFileLineColumnAndByte) {
  // Line 2 is `{"p": "ab` + 0xFF: the bad byte is the 10th byte of the line.
  std::string text = "{\"p\": \"ok\"}\n{\"p\": \"ab\xFF\"}\n";
  EXPECT_EQ(input_error_of([&] { parse_json_rows(text, "data.jsonl", true); }),
            "data.jsonl:2:10: invalid UTF-8 (byte 0xFF)");
  // An overlong encoding of '/' (0xC0 0xAF) and an encoded surrogate (ED A0 80) are invalid too.
  EXPECT_EQ(input_error_of([&] { parse_json_rows("{\"p\": \"\xC0\xAF\"}", "d.jsonl", true); }),
            "d.jsonl:1:8: invalid UTF-8 (byte 0xC0)");
  EXPECT_EQ(input_error_of([&] { parse_json_rows("[\n{\"p\": \"\xED\xA0\x80\"}]", "d.json", false); }),
            "d.json:2:8: invalid UTF-8 (byte 0xED)");
  // A sequence cut short at the end of the text.
  EXPECT_EQ(input_error_of([&] { parse_json_rows("\"\xE2\x82", "d.jsonl", true); }),
            "d.jsonl:1:2: invalid UTF-8 (byte 0xE2)");
}

TEST(JsonFile, FindInvalidUtf8AcceptsAllValidLengths) {
  EXPECT_EQ(rb::utf8::find_invalid("a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80z"), std::string_view::npos);
  EXPECT_EQ(rb::utf8::find_invalid("ab\x80"), 2u);
  EXPECT_EQ(rb::utf8::find_invalid("\xF4\x90\x80\x80"), 0u);  // above U+10FFFF
}

TEST(JsonFile, BadJsonLineNamesLineAndColumn) {
  // Line 3 is `{"a": tru}`: nlohmann stops at the 'u}' literal, column 7..10 region.
  std::string text = "{\"a\": 1}\n{\"a\": 2}\n{\"a\": tru}\n";
  std::string message = input_error_of([&] { parse_json_rows(text, "data.jsonl", true); });
  EXPECT_EQ(message.rfind("data.jsonl:3:", 0), 0u) << message;
  EXPECT_NE(message.find("invalid JSON: syntax error"), std::string::npos) << message;
  EXPECT_NE(message.find("invalid literal"), std::string::npos) << message;
}

TEST(JsonFile, TruncatedJsonArrayPointsIntoTheFile) {
  std::string text = "[\n  {\"id\": 1},\n  {\"id\": 2\n";
  std::string message = input_error_of([&] { parse_json_rows(text, "data.json", false); });
  EXPECT_EQ(message.rfind("data.json:", 0), 0u) << message;
  EXPECT_NE(message.find("invalid JSON"), std::string::npos) << message;
  // The error is at the end of the text (line 3 or the empty line 4 after its newline).
  EXPECT_TRUE(message.rfind("data.json:3:", 0) == 0 || message.rfind("data.json:4:", 0) == 0) << message;
}

TEST(JsonFile, MissingCommaInsideJsonArrayIsReportedAtItsLine) {
  std::string text = "[\n  {\"id\": 1}\n  {\"id\": 2}\n]\n";
  std::string message = input_error_of([&] { parse_json_rows(text, "data.json", false); });
  EXPECT_EQ(message.rfind("data.json:3:3: invalid JSON", 0), 0u) << message;
}

TEST(JsonFile, NonObjectRowsAreRejected) {
  EXPECT_EQ(input_error_of([&] { parse_json_rows("{\"a\": 1}\n[1, 2]\n", "data.jsonl", true); }),
            "data.jsonl:2: expected a JSON object (one row), got array");
  EXPECT_EQ(input_error_of([&] { parse_json_rows("[\n{\"a\": 1},\n \"text\"\n]", "data.json", false); }),
            "data.json:3: expected a JSON object (one row), got string");
  EXPECT_EQ(input_error_of([&] { parse_json_rows("42", "data.json", false); }),
            "data.json:1: expected a JSON object (one row), got number");
}

TEST(JsonFile, ReadsFilesAndPicksLayoutByExtension) {
  auto folder = std::filesystem::temp_directory_path() / ("rb_json_file_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(folder);
  auto jsonl = (folder / "rows.jsonl").string();
  std::ofstream(jsonl) << "{\"id\": 1}\n{\"id\": 2}\n";
  auto rows = rb::io::read_json_rows(jsonl);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1].origin, jsonl + ":2");

  auto json = (folder / "rows.json").string();
  std::ofstream(json) << "[{\"id\": 1}, {\"id\": 2}, {\"id\": 3}]";
  EXPECT_EQ(rb::io::read_json_rows(json).size(), 3u);

  EXPECT_THROW(rb::io::read_json_rows((folder / "missing.jsonl").string()), rb::IoError);
  std::filesystem::remove_all(folder);
}

}  // namespace
