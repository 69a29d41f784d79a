#pragma once
// A parser for the subset of Python that Alembic revision files use. Expressions are parsed in
// full precedence, but only names, attributes, calls, literals and displays keep their
// structure; anything else becomes an Other node with its exact range. Statements: imports,
// assignments, expression statements, def, with, pass / return / raise, and compound
// statements (if, for, while, try, class, match ...) kept with their bodies and ranges so that
// callers can report them as not analysed.
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "alembic/python_tokenizer.h"

namespace zerolock::alembic {

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

struct Keyword {
  std::string name;  // empty for **kwargs
  ByteRange name_range;
  ExprPtr value;
};

enum class ExprKind : uint8_t {
  Name,       // text
  Attribute,  // value.text
  Call,       // value(args, keywords)
  Subscript,  // value[...]
  String,     // str (adjacent literals concatenated)
  Number,     // text
  Constant,   // True / False / None / ... (text)
  List,       // items
  Tuple,      // items
  Set,        // items
  Dict,       // items: key, value, key, value ...
  Starred,    // *value
  Other,      // operators, lambdas, comprehensions ...: only the range is kept
};

struct Expr {
  ExprKind kind = ExprKind::Other;
  ByteRange range;
  std::string text;
  ExprPtr value;
  std::vector<ExprPtr> items;     // call arguments (positional), display elements
  std::vector<Keyword> keywords;  // call keyword arguments
  DecodedString str;              // String

  // "a.b.c" for Name / Attribute chains, "" otherwise.
  [[nodiscard]] std::string dotted() const;
  [[nodiscard]] const Expr* keyword(std::string_view name) const;
  [[nodiscard]] const Expr* arg(size_t index) const { return index < items.size() ? items[index].get() : nullptr; }
};

enum class StmtKind : uint8_t {
  Expr, Assign, AugAssign, AnnAssign, Import, ImportFrom, Def, Class, With, If, For, While, Try, Pass,
  Return, Raise, Global, Del, Assert, Break, Continue, Other,
};

struct ImportName {
  std::string name;   // dotted
  std::string alias;  // empty when none
};

struct WithItem {
  ExprPtr context;
  std::string as_name;  // empty when no simple `as NAME`
};

struct Stmt {
  StmtKind kind = StmtKind::Other;
  ByteRange range;           // the whole statement, a compound one with all its clauses
  ByteRange header;          // the compound statement's first line up to its ':' (or the whole simple statement)
  ExprPtr value;             // Expr, Assign/AugAssign/AnnAssign value, Return/Raise value
  std::vector<ExprPtr> targets;  // Assign targets (a = b = value), AnnAssign target
  std::string name;          // Def/Class name
  ByteRange name_range;
  std::string module;        // ImportFrom
  int level = 0;             // ImportFrom relative level
  std::vector<ImportName> names;  // Import/ImportFrom
  std::vector<WithItem> with_items;
  std::vector<Stmt> body;    // Def/Class/With and the first clause of If/For/While/Try
  std::vector<Stmt> orelse;  // the other clauses (elif/else/except/finally), flattened
  bool is_async = false;
};

struct ParseError {
  std::string message;
  uint32_t offset = 0;
};

struct Module {
  std::vector<Stmt> body;
  std::vector<ByteRange> comments;
  std::vector<ParseError> errors;  // tokenizer and parser errors; statements around them still parse
};

Module parse_module(std::string_view source);

// The docstring-or-not test the checks use: a statement that is a lone string literal.
bool is_docstring(const Stmt& stmt);

}  // namespace zerolock::alembic
