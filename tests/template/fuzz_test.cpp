// Differential fuzzing: random expressions (literals, context values, operators, filters, tests,
// methods, subscripts, slices) built from a fixed seed (1500 by default), rendered by jinja2 and by us. Outputs
// must be equal and errors must coincide. Constructs whose Python printing shows object
// addresses (generators, dict views, range objects) are always consumed by |list or |join.
#include <cstdlib>
#include <random>

#include <gtest/gtest.h>

#include "oracle.h"

namespace rb::tmpl::testing {
namespace {

class ExpressionGenerator {
 public:
  explicit ExpressionGenerator(unsigned seed) : rng_(seed) {}

  std::string expression(int depth) {
    if (depth <= 0) return atom();
    switch (pick(9)) {
      case 0: return "(" + expression(depth - 1) + " " + choose(kBinary) + " " + expression(depth - 1) + ")";
      case 1: return "(" + expression(depth - 1) + " " + choose(kCompare) + " " + expression(depth - 1) + ")";
      case 2: return "(" + expression(depth - 1) + " | " + choose(kFilters) + ")";
      case 3: return "(" + expression(depth - 1) + " is " + choose(kTests) + ")";
      // Subscripts go on context values: jinja2's constant folding turns a failing subscript of
      // a literal into Undefined while the same subscript at run time raises.
      case 4: return choose(kSubscriptable) + choose(kPostfix);
      case 5: return "(not " + expression(depth - 1) + ")";
      case 6: return "(" + expression(depth - 1) + " if " + expression(depth - 1) + " else " + expression(depth - 1) + ")";
      case 7: return "[" + expression(depth - 1) + ", " + expression(depth - 1) + "]";
      default: return "(-" + expression(depth - 1) + ")";
    }
  }

 private:
  std::size_t pick(std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_); }
  std::string choose(const std::vector<std::string>& options) { return options[pick(options.size())]; }
  std::string atom() { return choose(kAtoms); }

  std::mt19937 rng_;
  const std::vector<std::string> kAtoms = {
      "0", "1", "2", "7", "-3", "0.5", "2.0", "0.1", "1e15", "'a'", "'Hello World'", "'  pad '", "'é!'", "''",
      "none", "true", "false", "[]", "[3, 1, 2]", "['b', 'A', 'c']", "{'k': 1, 'j': 'v'}", "(1, 'x')",
      "s", "n", "f", "l", "d", "u", "msgs", "msgs[0]", "msgs[-1].content", "odd", "'\\u200b\\x7f\\u00a0'",
      "'tab\\there'", "{1: 'one', 'b': none}", "[[2, 'b'], [1, 'a']]", "'ß'", "-0.0", "1e-05"};
  const std::vector<std::string> kSubscriptable = {"s", "n", "f", "l", "d", "u", "msgs", "msgs[0]", "msgs[1].content"};
  const std::vector<std::string> kBinary = {"+", "-", "*", "/", "//", "%", "~", "and", "or"};
  const std::vector<std::string> kCompare = {"==", "!=", "<", ">", "<=", ">=", "in", "not in"};
  const std::vector<std::string> kFilters = {
      "length", "string", "upper", "lower", "trim", "first", "last", "list", "sort", "reverse | list", "join(',')",
      "default('dflt')", "default('dflt', true)", "tojson", "tojson(indent=2)", "int", "float", "abs", "round",
      "round(1)", "title", "capitalize", "unique | list", "count", "items | list", "dictsort", "sum", "min", "max",
      "replace('a', 'b')", "indent(2)", "batch(2) | list", "map('string') | list", "select | list",
      "reject('none') | list", "selectattr('role', 'equalto', 'user') | list", "map(attribute='content') | list",
      "e", "wordcount", "center(9)", "trim('a')", "list | join('|')", "string | length"};
  const std::vector<std::string> kTests = {
      "defined", "undefined", "none", "string", "number", "integer", "float", "boolean", "odd", "even", "mapping",
      "sequence", "iterable", "true", "false", "not none", "in [1, 'a']", "equalto 1", "divisibleby 2", "callable"};
  const std::vector<std::string> kPostfix = {
      "[0]", "[-1]", "[1:]", "[::-1]", "[:2]", ".upper()", ".split()", ".strip()", ".get('k')", ".startswith('a')",
      "['k']", ".content", "[5]", ".title()", ".replace('l', 'L')", ".count('l')", ".find('o')", ".lstrip('H')",
      ".keys() | list", ".values() | list", ".upper().lower()", ".split(',')", ".rstrip('d ')", ".format(1, 2)",
      ".index('o')", ".isalpha()", ".center(8, '*')", ".get('role', 'none')", "[0:1][0]", ".items() | list", ".endswith(('d', 'x'))", ".split('l', 1)"};
};

// Random templates of statements (if/elif/else, for/else with loop.*, set, namespace, macros,
// comments, raw blocks) with random whitespace around tags and random "-" / "+" markers: this
// exercises trim_blocks/lstrip_blocks and scoping, where one stray byte changes the tokens.
class TemplateGenerator {
 public:
  explicit TemplateGenerator(unsigned seed) : rng_(seed) {}

  std::string document() { return "{% set ns = namespace(c=0) %}" + body(3) + "{{ ns.c }}"; }

 private:
  std::size_t pick(std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_); }
  std::string choose(const std::vector<std::string>& options) { return options[pick(options.size())]; }

  std::string space() { return choose({"", "", " ", "\n", "  ", "\n  ", "\t", "\n\n", " \n", "\n\t  "}); }
  std::string open_block() { return space() + "{%" + choose({"", "", "-", "+"}) + " "; }
  std::string close_block() { return " " + choose({"", "", "-", "+"}) + "%}" + space(); }
  std::string tag(const std::string& inside) { return open_block() + inside + close_block(); }

  std::string body(int depth) {
    std::string out;
    std::size_t parts = 1 + pick(3);
    for (std::size_t i = 0; i < parts; ++i) out += statement(depth);
    return out;
  }

  std::string statement(int depth) {
    std::size_t kind = depth <= 0 ? pick(4) : pick(10);
    switch (kind) {
      case 0: return choose({"a", "x y", " ", "\n", "text\n  more", "é"});
      case 1: return space() + "{{" + choose({"", "-"}) + " " + choose({"v", "loop.index if loop is defined else 0", "ns.c", "'q'", "w | default('d')"}) + " " + choose({"", "-"}) + "}}" + space();
      case 2: return space() + "{#" + choose({"", "-"}) + " note " + choose({"", "-"}) + "#}" + space();
      case 3: return tag("set v = " + choose({"1", "'s'", "v ~ 'x' if v is defined else 0"})) + tag("set ns.c = ns.c + 1");
      case 4: case 5:
        return tag("if " + choose({"true", "false", "v is defined", "ns.c > 1"})) + body(depth - 1) +
               (pick(2) ? tag("elif " + choose({"true", "false"})) + body(depth - 1) : "") +
               (pick(2) ? tag("else") + body(depth - 1) : "") + tag("endif");
      case 6: case 7:
        return tag("for w in " + choose({"[1, 2]", "[]", "['a', 'b', 'c']", "range(2)"})) + body(depth - 1) +
               (pick(3) == 0 ? tag("else") + body(depth - 1) : "") + tag("endfor");
      case 8:
        return tag("macro m(p, q='d')") + body(depth - 1) + "{{ p }}{{ q }}" + tag("endmacro") + "{{ m(" + choose({"1", "'z', q=2"}) + ") }}";
      default:
        return space() + "{%" + choose({"", "-"}) + " raw " + choose({"", "-"}) + "%}" + choose({" {{ keep }} ", "\n  {% x %}\n"}) +
               "{%" + choose({"", "-"}) + " endraw " + choose({"", "-"}) + "%}" + space();
    }
  }

  std::mt19937 rng_;
};

std::string unescape_newlines(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size() && (text[i + 1] == 'n' || text[i + 1] == 't')) {
      out += text[++i] == 'n' ? '\n' : '\t';
    } else {
      out += text[i];
    }
  }
  return out;
}

TEST(DifferentialFuzz, RandomTemplatesMatchJinja2) {
  if (!oracle_available()) GTEST_SKIP() << "python3 with jinja2 is not available";
  const char* seed_override = std::getenv("RB_FUZZ_SEED");
  TemplateGenerator generator(seed_override ? static_cast<unsigned>(std::strtoul(seed_override, nullptr, 10)) : 7u);
  Json cases = Json::array();
  for (int i = 0; i < 600; ++i) cases.push_back(Json{{"template", unescape_newlines(generator.document())}, {"context", Json::object()}});
  if (std::getenv("RB_FUZZ_SHOW")) std::cout << cases[0]["template"].dump() << "\n" << cases[1]["template"].dump() << "\n";
  std::vector<Rendered> expected = render_with_jinja2(cases, "fuzz_templates");
  ASSERT_EQ(expected.size(), cases.size()) << "the jinja2 oracle failed to run";
  std::size_t mismatches = 0, errors = 0;
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const std::string source = cases[i]["template"].get<std::string>();
    Rendered ours = render_with_ours(source, Json::object());
    errors += !expected[i].ok;
    bool same = ours.ok == expected[i].ok && (!ours.ok || ours.text == expected[i].text);
    if (!same && ++mismatches <= 10) {
      ADD_FAILURE() << Json(source).dump() << "\njinja2 " << describe(expected[i]) << "\nours   " << describe(ours);
    }
  }
  std::cout << "[ figure ] " << cases.size() << " random templates, " << errors << " raise in jinja2, " << mismatches
            << " mismatches\n";
  EXPECT_EQ(mismatches, 0u);
}

TEST(DifferentialFuzz, RandomExpressionsMatchJinja2) {
  if (!oracle_available()) GTEST_SKIP() << "python3 with jinja2 is not available";
  const Json context = Json::parse(R"({"s": "Hello World", "n": 5, "f": 2.5, "l": [3, "b", null, true],
      "d": {"k": "v", "z": 0}, "odd": "\u0085\u2028\ud83d\ude00\u0301e\u00ad\n'\"", "msgs": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": " yo "}]})");
  // RB_FUZZ_SEED explores other seeds by hand; the suite always runs the fixed one.
  const char* seed_override = std::getenv("RB_FUZZ_SEED");
  ExpressionGenerator generator(seed_override ? static_cast<unsigned>(std::strtoul(seed_override, nullptr, 10)) : 20261128u);
  Json cases = Json::array();
  for (int i = 0; i < 1500; ++i) {
    cases.push_back(Json{{"template", "{{ " + generator.expression(1 + i % 3) + " }}"}, {"context", context}});
  }
  std::vector<Rendered> expected = render_with_jinja2(cases, "fuzz");
  ASSERT_EQ(expected.size(), cases.size()) << "the jinja2 oracle failed to run";
  std::size_t mismatches = 0, errors = 0;
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const std::string source = cases[i]["template"].get<std::string>();
    Rendered ours = render_with_ours(source, context);
    errors += !expected[i].ok;
    bool same = ours.ok == expected[i].ok && (!ours.ok || ours.text == expected[i].text);
    if (!same && ++mismatches <= 25) {
      ADD_FAILURE() << source << "\njinja2 " << describe(expected[i]) << "\nours   " << describe(ours);
    }
  }
  std::cout << "[ figure ] " << cases.size() << " random expressions, " << errors << " raise in jinja2, " << mismatches
            << " mismatches\n";
  EXPECT_EQ(mismatches, 0u);
}

}  // namespace
}  // namespace rb::tmpl::testing
