#include "alembic/python_parser.h"

#include <algorithm>
#include <initializer_list>

namespace zerolock::alembic {

std::string Expr::dotted() const {
  if (kind == ExprKind::Name) return text;
  if (kind == ExprKind::Attribute && value) {
    std::string base = value->dotted();
    return base.empty() ? std::string() : base + "." + text;
  }
  return {};
}

const Expr* Expr::keyword(std::string_view name) const {
  for (const Keyword& k : keywords)
    if (k.name == name) return k.value.get();
  return nullptr;
}

bool is_docstring(const Stmt& stmt) {
  return stmt.kind == StmtKind::Expr && stmt.value && stmt.value->kind == ExprKind::String;
}

namespace {

struct SyntaxFailure {
  std::string message;
  uint32_t offset;
};

class Parser {
 public:
  Parser(std::string_view source, const std::vector<Token>& tokens, std::vector<ParseError>& errors)
      : s_(source), t_(tokens), errors_(errors) {}

  std::vector<Stmt> parse_file() {
    std::vector<Stmt> body;
    while (!at(TokKind::EndMarker)) {
      if (at(TokKind::Newline) || at(TokKind::Dedent)) {
        ++p_;
        continue;
      }
      parse_statement_into(body);
    }
    return body;
  }

 private:
  std::string_view s_;
  const std::vector<Token>& t_;
  std::vector<ParseError>& errors_;
  size_t p_ = 0;

  // ---- token helpers
  const Token& tok(size_t k = 0) const { return t_[std::min(p_ + k, t_.size() - 1)]; }
  std::string_view text(const Token& t) const { return s_.substr(t.begin, t.end - t.begin); }
  bool at(TokKind kind) const { return tok().kind == kind; }
  bool at_op(std::string_view op, size_t k = 0) const { return tok(k).kind == TokKind::Op && text(tok(k)) == op; }
  bool at_name(std::string_view name, size_t k = 0) const { return tok(k).kind == TokKind::Name && text(tok(k)) == name; }
  uint32_t prev_end() const { return p_ > 0 ? t_[p_ - 1].end : 0; }
  [[noreturn]] void fail(const std::string& message) const { throw SyntaxFailure{message, tok().begin}; }
  void expect_op(std::string_view op) {
    if (!at_op(op)) fail("expected '" + std::string(op) + "'");
    ++p_;
  }
  static bool is_keyword(std::string_view w) {
    static const std::initializer_list<std::string_view> kw = {
        "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del", "elif", "else",
        "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda", "nonlocal", "not",
        "or", "pass", "raise", "return", "try", "while", "with", "yield", "True", "False", "None"};
    return std::find(kw.begin(), kw.end(), w) != kw.end();
  }

  // Skips from an opening bracket to just past its match (brackets never cross a NEWLINE).
  void skip_bracketed() {
    int depth = 0;
    while (!at(TokKind::EndMarker)) {
      const Token& t = tok();
      if (t.kind == TokKind::Op) {
        std::string_view x = text(t);
        if (x == "(" || x == "[" || x == "{") ++depth;
        if (x == ")" || x == "]" || x == "}") {
          --depth;
          if (depth <= 0) {
            ++p_;
            return;
          }
        }
      }
      if (t.kind == TokKind::Newline && depth <= 0) return;
      ++p_;
    }
  }
  // Skips to the end of the innermost open bracket (not consuming the closing bracket).
  void skip_to_close() {
    int depth = 0;
    while (!at(TokKind::EndMarker) && !at(TokKind::Newline)) {
      const Token& t = tok();
      if (t.kind == TokKind::Op) {
        std::string_view x = text(t);
        if (x == "(" || x == "[" || x == "{") ++depth;
        if (x == ")" || x == "]" || x == "}") {
          if (depth == 0) return;
          --depth;
        }
      }
      ++p_;
    }
  }
  void skip_line() {
    while (!at(TokKind::EndMarker) && !at(TokKind::Newline)) ++p_;
    if (at(TokKind::Newline)) ++p_;
  }

  ExprPtr make(ExprKind kind, uint32_t begin) const {
    auto e = std::make_unique<Expr>();
    e->kind = kind;
    e->range = {begin, prev_end()};
    return e;
  }

  // ---- expressions
  ExprPtr parse_test() {
    if (at_name("lambda")) {
      uint32_t b = tok().begin;
      ++p_;
      while (!at_op(":") && !at(TokKind::Newline) && !at(TokKind::EndMarker)) {
        if (at_op("(") || at_op("[") || at_op("{")) skip_bracketed(); else ++p_;
      }
      expect_op(":");
      parse_test();
      return make(ExprKind::Other, b);
    }
    uint32_t b = tok().begin;
    ExprPtr e = parse_binary(0);
    if (at_name("if") ) {
      ++p_;
      parse_binary(0);
      if (!at_name("else")) fail("expected 'else' in conditional expression");
      ++p_;
      parse_test();
      return make(ExprKind::Other, b);
    }
    if (at_op(":=")) {
      ++p_;
      parse_test();
      return make(ExprKind::Other, b);
    }
    return e;
  }

  // Precedence levels from lowest: or, and, not, comparison, |, ^, &, shifts, + -, * / // % @.
  bool at_binary(int level) const {
    switch (level) {
      case 0: return at_name("or");
      case 1: return at_name("and");
      case 3:
        return at_op("<") || at_op(">") || at_op("==") || at_op(">=") || at_op("<=") || at_op("!=") ||
               at_name("in") || at_name("is") || (at_name("not") && at_name("in", 1));
      case 4: return at_op("|");
      case 5: return at_op("^");
      case 6: return at_op("&");
      case 7: return at_op("<<") || at_op(">>");
      case 8: return at_op("+") || at_op("-");
      case 9: return at_op("*") || at_op("/") || at_op("//") || at_op("%") || at_op("@");
      default: return false;
    }
  }
  ExprPtr parse_binary(int level) {
    if (level == 2) {
      if (at_name("not")) {
        uint32_t b = tok().begin;
        ++p_;
        parse_binary(2);
        return make(ExprKind::Other, b);
      }
      return parse_binary(3);
    }
    if (level >= 10) return parse_factor();
    uint32_t b = tok().begin;
    ExprPtr left = parse_binary(level + 1);
    bool any = false;
    while (at_binary(level)) {
      if (at_name("not") || (at_name("is") && at_name("not", 1))) ++p_;
      ++p_;
      parse_binary(level + 1);
      any = true;
    }
    return any ? make(ExprKind::Other, b) : std::move(left);
  }
  ExprPtr parse_factor() {
    if (at_op("-") || at_op("+") || at_op("~")) {
      uint32_t b = tok().begin;
      ++p_;
      ExprPtr inner = parse_factor();
      if (inner->kind == ExprKind::Number) {
        inner->range.begin = b;
        inner->text = std::string(s_.substr(b, inner->range.end - b));
        return inner;
      }
      return make(ExprKind::Other, b);
    }
    uint32_t b = tok().begin;
    if (at_name("await")) ++p_;
    ExprPtr e = parse_primary();
    if (at_op("**")) {
      ++p_;
      parse_factor();
      return make(ExprKind::Other, b);
    }
    return e;
  }
  ExprPtr parse_primary() {
    uint32_t b = tok().begin;
    ExprPtr e = parse_atom();
    for (;;) {
      if (at_op(".")) {
        ++p_;
        if (!at(TokKind::Name)) fail("expected a name after '.'");
        auto a = std::make_unique<Expr>();
        a->kind = ExprKind::Attribute;
        a->text = std::string(text(tok()));
        ++p_;
        a->value = std::move(e);
        a->range = {b, prev_end()};
        e = std::move(a);
      } else if (at_op("(")) {
        auto c = std::make_unique<Expr>();
        c->kind = ExprKind::Call;
        c->value = std::move(e);
        ++p_;
        parse_arguments(*c);
        expect_op(")");
        c->range = {b, prev_end()};
        e = std::move(c);
      } else if (at_op("[")) {
        auto sub = std::make_unique<Expr>();
        sub->kind = ExprKind::Subscript;
        sub->value = std::move(e);
        skip_bracketed();
        sub->range = {b, prev_end()};
        e = std::move(sub);
      } else {
        return e;
      }
    }
  }
  void parse_arguments(Expr& call) {
    while (!at_op(")")) {
      if (at(TokKind::Newline) || at(TokKind::EndMarker)) fail("unclosed call");
      if (at_op("**")) {
        ++p_;
        Keyword k;
        k.value = parse_test();
        call.keywords.push_back(std::move(k));
      } else if (at_op("*")) {
        uint32_t b = tok().begin;
        ++p_;
        ExprPtr inner = parse_test();
        ExprPtr star = make(ExprKind::Starred, b);
        star->value = std::move(inner);
        call.items.push_back(std::move(star));
      } else if (at(TokKind::Name) && at_op("=", 1)) {
        Keyword k;
        k.name = std::string(text(tok()));
        k.name_range = tok().range();
        p_ += 2;
        k.value = parse_test();
        call.keywords.push_back(std::move(k));
      } else {
        uint32_t b = tok().begin;
        ExprPtr arg = parse_test();
        if (at_name("for") || at_name("async")) {  // a generator argument
          skip_to_close();
          arg = make(ExprKind::Other, b);
        }
        call.items.push_back(std::move(arg));
      }
      if (at_op(",")) ++p_;
      else if (!at_op(")")) fail("expected ',' or ')' in call");
    }
  }
  ExprPtr parse_display_item() {
    if (at_op("*")) {
      uint32_t b = tok().begin;
      ++p_;
      ExprPtr inner = parse_binary(0);
      ExprPtr star = make(ExprKind::Starred, b);
      star->value = std::move(inner);
      return star;
    }
    return parse_test();
  }
  ExprPtr parse_atom() {
    const Token& t = tok();
    uint32_t b = t.begin;
    if (t.kind == TokKind::Name) {
      std::string_view w = text(t);
      if (w == "True" || w == "False" || w == "None") {
        ++p_;
        ExprPtr e = make(ExprKind::Constant, b);
        e->text = std::string(w);
        return e;
      }
      if (w == "yield") {
        ++p_;
        if (at_name("from")) ++p_;
        if (!at_op(")") && !at(TokKind::Newline) && !at_op("=")) parse_test();
        return make(ExprKind::Other, b);
      }
      if (is_keyword(w)) fail("unexpected keyword '" + std::string(w) + "'");
      ++p_;
      ExprPtr e = make(ExprKind::Name, b);
      e->text = std::string(w);
      return e;
    }
    if (t.kind == TokKind::Number) {
      ++p_;
      ExprPtr e = make(ExprKind::Number, b);
      e->text = std::string(text(t));
      return e;
    }
    if (t.kind == TokKind::String) {
      auto e = std::make_unique<Expr>();
      e->kind = ExprKind::String;
      while (at(TokKind::String)) {
        append_string_literal(s_, tok(), e->str);
        ++p_;
      }
      e->range = {b, prev_end()};
      return e;
    }
    if (t.kind == TokKind::Op) {
      std::string_view x = text(t);
      if (x == "...") {
        ++p_;
        ExprPtr e = make(ExprKind::Constant, b);
        e->text = "...";
        return e;
      }
      if (x == "(" || x == "[" || x == "{") {
        std::string_view close = x == "(" ? ")" : x == "[" ? "]" : "}";
        ExprKind kind = x == "(" ? ExprKind::Tuple : x == "[" ? ExprKind::List : ExprKind::Set;
        size_t open = p_;
        ++p_;
        std::vector<ExprPtr> items;
        bool saw_comma = false;
        bool is_dict = false;
        while (!at_op(close)) {
          if (at(TokKind::Newline) || at(TokKind::EndMarker)) fail("unclosed bracket");
          if (kind == ExprKind::Set && at_op("**")) {
            ++p_;
            parse_binary(0);
            is_dict = true;
          } else {
            ExprPtr item = parse_display_item();
            if (kind == ExprKind::Set && at_op(":")) {
              is_dict = true;
              ++p_;
              items.push_back(std::move(item));
              item = parse_test();
            }
            items.push_back(std::move(item));
          }
          if (at_name("for") || at_name("async")) {  // a comprehension: structure not kept
            p_ = open;
            skip_bracketed();
            return make(ExprKind::Other, b);
          }
          if (at_op(",")) {
            ++p_;
            saw_comma = true;
          } else if (!at_op(close)) {
            fail("expected ',' or '" + std::string(close) + "'");
          }
        }
        ++p_;
        if (kind == ExprKind::Tuple && items.size() == 1 && !saw_comma) {
          return std::move(items.front());  // a parenthesised expression
        }
        if (kind == ExprKind::Set && (is_dict || items.empty())) kind = ExprKind::Dict;
        ExprPtr e = make(kind, b);
        e->items = std::move(items);
        return e;
      }
    }
    fail("unexpected token");
  }

  // A comma-separated expression list (a tuple when there is a comma).
  ExprPtr parse_testlist() {
    uint32_t b = tok().begin;
    ExprPtr first = parse_display_item();
    if (!at_op(",")) return first;
    std::vector<ExprPtr> items;
    items.push_back(std::move(first));
    while (at_op(",")) {
      ++p_;
      if (at(TokKind::Newline) || at_op("=") || at_op(")") || at_op(":") || at_op(";") || at(TokKind::EndMarker)) break;
      items.push_back(parse_display_item());
    }
    ExprPtr e = make(ExprKind::Tuple, b);
    e->items = std::move(items);
    return e;
  }

  // ---- statements
  void parse_statement_into(std::vector<Stmt>& out) {
    size_t start = p_;
    try {
      if (at(TokKind::Indent)) {
        // An unexpected indent: parse the block and keep it as one opaque statement.
        uint32_t b = tok().begin;
        Stmt st;
        st.kind = StmtKind::Other;
        parse_indented_block(st.body);
        st.range = st.header = {b, prev_end()};
        errors_.push_back({"unexpected indent", b});
        out.push_back(std::move(st));
        return;
      }
      if (is_compound_start()) {
        out.push_back(parse_compound());
        return;
      }
      parse_simple_line(out);
    } catch (const SyntaxFailure& f) {
      errors_.push_back({f.message, f.offset});
      p_ = std::max(p_, start);
      skip_line();
      Stmt st;
      st.kind = StmtKind::Other;
      st.range = st.header = {t_[start].begin, prev_end()};
      out.push_back(std::move(st));
      // Recover the body of a compound statement whose header failed.
      if (at(TokKind::Indent)) {
        parse_indented_block(out.back().body);
        out.back().range.end = prev_end();
      }
    }
  }

  bool is_compound_start() const {
    if (at_op("@")) return true;
    if (tok().kind != TokKind::Name) return false;
    std::string_view w = text(tok());
    if (w == "async") return at_name("def", 1) || at_name("with", 1) || at_name("for", 1);
    if (w == "match") {
      // Soft keyword: `match x:` at statement start, not `match = ...` / `match(...)` calls.
      return tok(1).kind == TokKind::Name || tok(1).kind == TokKind::String;
    }
    return w == "def" || w == "class" || w == "if" || w == "for" || w == "while" || w == "try" || w == "with";
  }

  void parse_indented_block(std::vector<Stmt>& body) {
    if (!at(TokKind::Indent)) fail("expected an indented block");
    ++p_;
    while (!at(TokKind::Dedent) && !at(TokKind::EndMarker)) {
      if (at(TokKind::Newline)) {
        ++p_;
        continue;
      }
      parse_statement_into(body);
    }
    if (at(TokKind::Dedent)) ++p_;
  }

  // After a header's ':' — an indented block or simple statements on the same line.
  void parse_suite(std::vector<Stmt>& body) {
    if (at(TokKind::Newline)) {
      ++p_;
      parse_indented_block(body);
    } else {
      parse_simple_line(body);
    }
  }

  // Skips a header up to its ':' at bracket depth 0.
  void skip_header() {
    while (!at_op(":")) {
      if (at(TokKind::Newline) || at(TokKind::EndMarker)) fail("expected ':'");
      if (at_op("(") || at_op("[") || at_op("{")) skip_bracketed();
      else if (at_name("lambda")) parse_test();
      else ++p_;
    }
    ++p_;
  }

  Stmt parse_compound() {
    Stmt st;
    uint32_t b = tok().begin;
    while (at_op("@")) {  // decorators
      skip_line();
    }
    if (at_name("async")) {
      st.is_async = true;
      ++p_;
    }
    std::string_view w = text(tok());
    if (w == "def" || w == "class") {
      st.kind = w == "def" ? StmtKind::Def : StmtKind::Class;
      ++p_;
      if (!at(TokKind::Name)) fail("expected a name");
      st.name = std::string(text(tok()));
      st.name_range = tok().range();
      ++p_;
      if (at_op("(")) skip_bracketed();
      if (at_op("->")) {
        ++p_;
        parse_test();
      }
      expect_op(":");
      st.header = {b, prev_end()};
      parse_suite(st.body);
    } else if (w == "with") {
      st.kind = StmtKind::With;
      ++p_;
      bool parenthesised = false;
      if (at_op("(")) {
        // `with (a as b, c):` (3.10) or a parenthesised context expression: try the former.
        size_t save = p_;
        try {
          ++p_;
          parse_with_items(st, ")");
          expect_op(")");
          if (!at_op(":")) throw SyntaxFailure{"", 0};
          parenthesised = true;
        } catch (const SyntaxFailure&) {
          p_ = save;
          st.with_items.clear();
        }
      }
      if (!parenthesised) parse_with_items(st, ":");
      expect_op(":");
      st.header = {b, prev_end()};
      parse_suite(st.body);
    } else {
      st.kind = w == "if" ? StmtKind::If : w == "for" ? StmtKind::For : w == "while" ? StmtKind::While
              : w == "try" ? StmtKind::Try : StmtKind::Other;
      ++p_;
      skip_header();
      st.header = {b, prev_end()};
      parse_suite(st.body);
      // Further clauses.
      for (;;) {
        // Clauses follow the block's NEWLINE/DEDENT at the same level.
        if (at_name("elif") || at_name("else") || at_name("except") || at_name("finally")) {
          ++p_;
          if (at_op("*")) ++p_;  // except*
          skip_header();
          parse_suite(st.orelse);
        } else if (st.kind == StmtKind::Other && at_name("case")) {
          ++p_;
          skip_header();
          parse_suite(st.orelse);
        } else {
          break;
        }
      }
      if (w == "match" && at(TokKind::Indent)) parse_indented_block(st.orelse);
    }
    st.range = {b, prev_end()};
    trim_range_end(st.range);
    return st;
  }

  void parse_with_items(Stmt& st, std::string_view end) {
    for (;;) {
      WithItem item;
      item.context = parse_test();
      if (at_name("as")) {
        ++p_;
        ExprPtr target = parse_binary(3);
        if (target->kind == ExprKind::Name) item.as_name = target->text;
      }
      st.with_items.push_back(std::move(item));
      if (at_op(",")) {
        ++p_;
        if (at_op(end)) break;
        continue;
      }
      break;
    }
  }

  // A compound statement's range ends at its last token, not at the NEWLINE/DEDENT after it.
  void trim_range_end(ByteRange& r) const {
    for (size_t k = p_; k > 0; --k) {
      const Token& t = t_[k - 1];
      if (t.kind != TokKind::Newline && t.kind != TokKind::Indent && t.kind != TokKind::Dedent) {
        r.end = std::max(r.begin, t.end);
        return;
      }
    }
  }

  void parse_simple_line(std::vector<Stmt>& out) {
    for (;;) {
      out.push_back(parse_simple());
      if (at_op(";")) {
        ++p_;
        if (at(TokKind::Newline) || at(TokKind::EndMarker)) break;
        continue;
      }
      break;
    }
    if (at(TokKind::Newline)) ++p_;
    else if (!at(TokKind::EndMarker)) fail("expected end of line");
  }

  std::string dotted_name() {
    std::string name;
    if (!at(TokKind::Name)) fail("expected a module name");
    name = std::string(text(tok()));
    ++p_;
    while (at_op(".")) {
      ++p_;
      if (!at(TokKind::Name)) fail("expected a name");
      name += "." + std::string(text(tok()));
      ++p_;
    }
    return name;
  }

  Stmt parse_simple() {
    Stmt st;
    uint32_t b = tok().begin;
    auto finish = [&]() {
      st.range = st.header = {b, prev_end()};
      return std::move(st);
    };
    if (tok().kind == TokKind::Name) {
      std::string_view w = text(tok());
      if (w == "pass" || w == "break" || w == "continue") {
        st.kind = w == "pass" ? StmtKind::Pass : w == "break" ? StmtKind::Break : StmtKind::Continue;
        ++p_;
        return finish();
      }
      if (w == "return" || w == "raise" || w == "del" || w == "assert") {
        st.kind = w == "return" ? StmtKind::Return : w == "raise" ? StmtKind::Raise
                : w == "del" ? StmtKind::Del : StmtKind::Assert;
        ++p_;
        if (!at(TokKind::Newline) && !at_op(";") && !at(TokKind::EndMarker)) st.value = parse_testlist();
        if (at_name("from")) {  // raise X from Y
          ++p_;
          parse_test();
        }
        if (at_op(",")) {  // assert x, msg
          ++p_;
          parse_test();
        }
        return finish();
      }
      if (w == "global" || w == "nonlocal") {
        st.kind = StmtKind::Global;
        while (!at(TokKind::Newline) && !at_op(";") && !at(TokKind::EndMarker)) ++p_;
        return finish();
      }
      if (w == "import") {
        st.kind = StmtKind::Import;
        ++p_;
        for (;;) {
          ImportName n;
          n.name = dotted_name();
          if (at_name("as")) {
            ++p_;
            if (!at(TokKind::Name)) fail("expected a name after 'as'");
            n.alias = std::string(text(tok()));
            ++p_;
          }
          st.names.push_back(std::move(n));
          if (!at_op(",")) break;
          ++p_;
        }
        return finish();
      }
      if (w == "from" ) {
        st.kind = StmtKind::ImportFrom;
        ++p_;
        while (at_op(".") || at_op("...")) {
          st.level += at_op(".") ? 1 : 3;
          ++p_;
        }
        if (!at_name("import")) st.module = dotted_name();
        if (!at_name("import")) fail("expected 'import'");
        ++p_;
        bool paren = at_op("(");
        if (paren) ++p_;
        if (at_op("*")) {
          ++p_;
          st.names.push_back({"*", ""});
        } else {
          for (;;) {
            if (paren && at_op(")")) break;
            ImportName n;
            if (!at(TokKind::Name)) fail("expected a name to import");
            n.name = std::string(text(tok()));
            ++p_;
            if (at_name("as")) {
              ++p_;
              if (!at(TokKind::Name)) fail("expected a name after 'as'");
              n.alias = std::string(text(tok()));
              ++p_;
            }
            st.names.push_back(std::move(n));
            if (!at_op(",")) break;
            ++p_;
          }
        }
        if (paren) expect_op(")");
        return finish();
      }
    }
    // Expression statements and assignments.
    ExprPtr first = parse_testlist();
    if (at_op("=")) {
      st.kind = StmtKind::Assign;
      st.targets.push_back(std::move(first));
      while (at_op("=")) {
        ++p_;
        ExprPtr next = at_name("yield") ? parse_test() : parse_testlist();
        if (at_op("=")) st.targets.push_back(std::move(next));
        else st.value = std::move(next);
      }
      return finish();
    }
    if (at_op(":")) {
      st.kind = StmtKind::AnnAssign;
      st.targets.push_back(std::move(first));
      ++p_;
      parse_test();
      if (at_op("=")) {
        ++p_;
        st.value = parse_testlist();
      }
      return finish();
    }
    if (tok().kind == TokKind::Op && text(tok()).size() >= 2 && text(tok()).back() == '=' && text(tok()) != "==" &&
        text(tok()) != "<=" && text(tok()) != ">=" && text(tok()) != "!=") {
      st.kind = StmtKind::AugAssign;
      st.targets.push_back(std::move(first));
      ++p_;
      st.value = parse_testlist();
      return finish();
    }
    st.kind = StmtKind::Expr;
    st.value = std::move(first);
    return finish();
  }
};

}  // namespace

Module parse_module(std::string_view source) {
  Module m;
  TokenizeResult tokens = tokenize(source);
  m.comments = std::move(tokens.comments);
  if (tokens.error) m.errors.push_back({tokens.error->message, tokens.error->offset});
  Parser parser(source, tokens.tokens, m.errors);
  m.body = parser.parse_file();
  std::sort(m.errors.begin(), m.errors.end(), [](const ParseError& a, const ParseError& b) { return a.offset < b.offset; });
  return m;
}

}  // namespace zerolock::alembic
