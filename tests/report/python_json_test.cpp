#include "report/python_json.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>

#include "python_runner.h"

namespace {

using rb::report::Json;
using rb::report::python_float_repr;
using rb::report::python_json_dumps;
using rb::report::PythonJsonStyle;

TEST(PythonFloatRepr, KnownValues) {
  // Values whose repr() in CPython 3 is well known.
  EXPECT_EQ(python_float_repr(0.0), "0.0");
  EXPECT_EQ(python_float_repr(-0.0), "-0.0");
  EXPECT_EQ(python_float_repr(1.0), "1.0");
  EXPECT_EQ(python_float_repr(0.1), "0.1");
  EXPECT_EQ(python_float_repr(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(python_float_repr(1.0 / 3.0), "0.3333333333333333");
  EXPECT_EQ(python_float_repr(0.9636871508379888), "0.9636871508379888");
  EXPECT_EQ(python_float_repr(345.0 / 358.0), "0.9636871508379888");
  EXPECT_EQ(python_float_repr(0.99), "0.99");
  EXPECT_EQ(python_float_repr(-2.5), "-2.5");
  EXPECT_EQ(python_float_repr(100.0), "100.0");
  EXPECT_EQ(python_float_repr(123456789.125), "123456789.125");
  EXPECT_EQ(python_float_repr(double(0.1f)), "0.10000000149011612");
  // Fixed notation up to 16 integer digits, exponent from the 17th.
  EXPECT_EQ(python_float_repr(1e15), "1000000000000000.0");
  EXPECT_EQ(python_float_repr(1e16), "1e+16");
  EXPECT_EQ(python_float_repr(1.5e16), "1.5e+16");
  EXPECT_EQ(python_float_repr(9007199254740993.0), "9007199254740992.0");
  EXPECT_EQ(python_float_repr(123456789012345678.0), "1.2345678901234568e+17");
  // Fixed notation down to 1e-4, exponent (two digits at least) below.
  EXPECT_EQ(python_float_repr(0.0001), "0.0001");
  EXPECT_EQ(python_float_repr(0.00012345), "0.00012345");
  EXPECT_EQ(python_float_repr(0.00001), "1e-05");
  EXPECT_EQ(python_float_repr(-1.5e-7), "-1.5e-07");
  EXPECT_EQ(python_float_repr(1e100), "1e+100");
  EXPECT_EQ(python_float_repr(5e-324), "5e-324");
  EXPECT_EQ(python_float_repr(std::numeric_limits<double>::max()), "1.7976931348623157e+308");
  EXPECT_EQ(python_float_repr(2.2250738585072014e-308), "2.2250738585072014e-308");
  EXPECT_EQ(python_float_repr(std::nan("")), "nan");
  EXPECT_EQ(python_float_repr(INFINITY), "inf");
  EXPECT_EQ(python_float_repr(-INFINITY), "-inf");
}

TEST(PythonFloatRepr, MatchesPythonOnRandomDoubles) {
  std::mt19937_64 random(20261128);
  std::vector<double> values;
  while (values.size() < 3000) {
    uint64_t bits = random();
    double value;
    std::memcpy(&value, &bits, sizeof value);
    if (std::isfinite(value)) values.push_back(value);
  }
  std::uniform_real_distribution<double> unit(-1.0, 1.0);
  for (int i = 0; i < 2000; ++i) values.push_back(unit(random) * std::pow(10.0, (i % 40) - 20));
  for (int i = 0; i < 500; ++i) values.push_back(static_cast<double>(static_cast<float>(unit(random) * 20)));
  for (int i = 0; i < 500; ++i) values.push_back(static_cast<double>(i) / 997.0);

  std::string script = "values = [\n";
  std::string expected;
  for (double value : values) {
    char hex[64];
    std::snprintf(hex, sizeof hex, "%a", value);
    script += "'" + std::string(hex) + "',\n";
    expected += python_float_repr(value) + "\n";
  }
  script += "]\nimport sys\nsys.stdout.write(''.join(repr(float.fromhex(v)) + '\\n' for v in values))\n";
  auto python = rb_test::run_python(script);
  if (!python) GTEST_SKIP() << "python3 not available";
  EXPECT_EQ(*python, expected);
}

TEST(PythonJsonDumps, OneLineUsesCommaSpaceSeparatorsAndAsciiEscapes) {
  Json value = Json::object();
  value["text"] = "caf\xC3\xA9 \xF0\x9F\x98\x80 \"q\" \\ \n\t\x01\x7F";
  value["n"] = 3;
  value["f"] = 2.0;
  value["list"] = Json::array({1, 0.5, nullptr, true, false});
  value["empty"] = Json::object();
  value["none"] = Json::array();
  EXPECT_EQ(python_json_dumps(value),
            "{\"text\": \"caf\\u00e9 \\ud83d\\ude00 \\\"q\\\" \\\\ \\n\\t\\u0001\\u007f\", \"n\": 3, \"f\": 2.0, "
            "\"list\": [1, 0.5, null, true, false], \"empty\": {}, \"none\": []}");
}

TEST(PythonJsonDumps, NonFiniteFloatsAreWrittenAsPythonDoes) {
  Json value = Json::array({std::nan(""), INFINITY, -INFINITY, -0.0});
  EXPECT_EQ(python_json_dumps(value), "[NaN, Infinity, -Infinity, -0.0]");
}

TEST(PythonJsonDumps, IndentAndSortKeys) {
  Json value = Json::object();
  value["b"] = Json::array({1, Json::object()});
  value["Chat Hard"] = 0.5;
  value["Chat"] = 1.0;
  value["a"] = Json{{"y", 1}, {"x", Json::array()}};
  PythonJsonStyle style;
  style.indent = 4;
  style.sort_keys = true;
  EXPECT_EQ(python_json_dumps(value, style),
            "{\n"
            "    \"Chat\": 1.0,\n"
            "    \"Chat Hard\": 0.5,\n"
            "    \"a\": {\n"
            "        \"x\": [],\n"
            "        \"y\": 1\n"
            "    },\n"
            "    \"b\": [\n"
            "        1,\n"
            "        {}\n"
            "    ]\n"
            "}");
  style.sort_keys = false;
  EXPECT_EQ(python_json_dumps(Json{{"z", 1}, {"a", 2}}, style), "{\n    \"z\": 1,\n    \"a\": 2\n}");
}

TEST(PythonJsonDumps, EnsureAsciiOffKeepsUtf8AndReplacesInvalidBytes) {
  PythonJsonStyle style;
  style.ensure_ascii = false;
  EXPECT_EQ(python_json_dumps(Json("caf\xC3\xA9\n"), style), "\"caf\xC3\xA9\\n\"");
  EXPECT_EQ(python_json_dumps(Json::array({std::string("a\xFF")}), style), "[\"a\xEF\xBF\xBD\"]");
  EXPECT_EQ(python_json_dumps(Json::array({std::string("a\xFF")})), "[\"a\\ufffd\"]");
}

TEST(PythonJsonDumps, MatchesPythonOnAMixedDocument) {
  Json value = Json::parse(R"({
      "model": "org/m\u00fcller-\u4e2d\u6587-\ud83e\udd16", "b": [1, -2, 3.25, 1e-7, 12345678901234567890, 1e300],
      "nested": {"k": {"deep": [[], {}, [null, true]]}, "\u00e9": "\u0000\u001f\u007f"},
      "A": 0.9078947368421053, "z": "tab\there", "emptyobj": {}, "x": -0.0})");
  for (int indent : {-1, 0, 2, 4}) {
    for (bool sort_keys : {false, true}) {
      for (bool ensure_ascii : {true, false}) {
        PythonJsonStyle style;
        if (indent >= 0) style.indent = indent;
        style.sort_keys = sort_keys;
        style.ensure_ascii = ensure_ascii;
        std::string script = "import json, sys\nvalue = json.loads(" + Json(value.dump()).dump() +
                             ")\nsys.stdout.buffer.write(json.dumps(value, indent=" +
                             (indent >= 0 ? std::to_string(indent) : std::string("None")) +
                             ", sort_keys=" + (sort_keys ? "True" : "False") +
                             ", ensure_ascii=" + (ensure_ascii ? "True" : "False") + ").encode('utf-8'))\n";
        auto python = rb_test::run_python(script);
        if (!python) GTEST_SKIP() << "python3 not available";
        EXPECT_EQ(python_json_dumps(value, style), *python)
            << "indent " << indent << " sort " << sort_keys << " ascii " << ensure_ascii;
      }
    }
  }
}

}  // namespace
