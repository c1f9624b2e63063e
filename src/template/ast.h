#pragma once
// The syntax tree the parser builds and the evaluator walks. Expressions and statements are
// plain tagged structs: a chat template has a few hundred nodes, so clarity beats cleverness.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "template/value.h"

namespace rb::tmpl {

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

struct Expr {
  enum class Kind {
    Literal,      // literal
    Name,         // name
    List,         // items
    Tuple,        // items
    Dict,         // items (keys) and values
    Getattr,      // object . name
    Getitem,      // object [ index ]
    Slice,        // object [ start : stop : step ]  (missing parts are null)
    Call,         // object ( args, kwargs )
    Filter,       // object | name ( args, kwargs ); object is null inside {% filter %}
    Test,         // object is name ( args, kwargs )
    Not,          // object
    Negate,       // object
    Plus,         // object
    Binary,       // object <name> index   (+ - * / // % ** ~ and or)
    Compare,      // object then (ops[i], items[i])...
    Conditional,  // index if object else step (step may be null)
  };

  Kind kind = Kind::Literal;
  int line = 0;
  int column = 0;
  Value literal;
  std::string name;
  ExprPtr object, index, stop, step;
  std::vector<ExprPtr> items;
  std::vector<ExprPtr> values;
  std::vector<std::string> ops;
  std::vector<std::pair<std::string, ExprPtr>> kwargs;
  ExprPtr star_args, star_kwargs;
};

// Assignment targets: a name, a tuple of targets, or namespace attribute `ns.attr`.
struct Target {
  enum class Kind { Name, Tuple, Attribute };
  Kind kind = Kind::Name;
  std::string name;
  std::string attribute;
  std::vector<Target> items;
};

struct Stmt;
using StmtPtr = std::unique_ptr<Stmt>;
using Body = std::vector<StmtPtr>;

struct MacroParam {
  std::string name;
  ExprPtr default_value;  // null when required
};

struct Stmt {
  enum class Kind { Data, Print, If, For, Set, SetBlock, Macro, CallBlock, FilterBlock, With, Break, Continue, Scope };

  Kind kind = Kind::Data;
  int line = 0;
  int column = 0;
  std::string text;                                 // Data; Macro name
  ExprPtr expr;                                     // Print; Set value; For iterable; CallBlock call; With/Filter chain
  ExprPtr condition;                                // For filter (`if`)
  std::vector<std::pair<ExprPtr, Body>> branches;  // If / elif
  Target target;                                    // Set, SetBlock, For
  Body body;                                        // For, SetBlock, Macro, CallBlock, FilterBlock, With
  Body else_body;                                   // If, For
  bool recursive = false;                           // For
  std::vector<MacroParam> params;                   // Macro, CallBlock (caller params)
  std::vector<std::pair<Target, ExprPtr>> assignments;  // With
};

}  // namespace rb::tmpl
