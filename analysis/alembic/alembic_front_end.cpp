#include "alembic/alembic_front_end.h"
#include "text/input_limits.h"

#include <pg_query.h>

#include <algorithm>
#include <cctype>
#include <functional>
#include <map>
#include <set>
#include <unordered_map>

#include "alembic/python_parser.h"
#include "alembic/revision_graph.h"
#include "alembic/sqlalchemy_types.h"
#include "engine/suppression.h"
#include "sql/parse_tree.h"
#include "sql/splitter.h"
#include "sql/statement_parser.h"
#include "text/line_index.h"

namespace zerolock::alembic {

Volatility sql_expression_volatility(std::string_view expr) {
  std::string query = "SELECT " + std::string(expr);
  PgQueryParseResult result = pg_query_parse(query.c_str());
  Volatility v = Volatility::Unknown;
  if (!result.error && result.parse_tree) {
    try {
      nlohmann::json tree = nlohmann::json::parse(result.parse_tree);
      const nlohmann::json& stmts = tree.at("stmts");
      if (stmts.size() == 1) {
        const nlohmann::json& select = stmts[0].at("stmt").at("SelectStmt");
        const nlohmann::json& targets = select.at("targetList");
        if (targets.size() == 1 && !select.contains("fromClause"))
          v = sql::tree::expression_volatility(targets[0].at("ResTarget").at("val"));
      }
    } catch (...) {
      v = Volatility::Unknown;
    }
  }
  pg_query_free_parse_result(result);
  return v;
}

namespace {

bool ident_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool ident_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

void normalize_placeholders(std::string& sql, bool pyformat) {
  auto replace = [&](size_t at, size_t len) {
    sql[at] = '$';
    sql[at + 1] = '1';
    for (size_t k = at + 2; k < at + len; ++k) sql[k] = ' ';
  };
  for (size_t i = 0; i + 1 < sql.size(); ++i) {
    if (sql[i] == ':' && ident_start(sql[i + 1]) && (i == 0 || (sql[i - 1] != ':' && !ident_char(sql[i - 1]) && sql[i - 1] != '\\'))) {
      size_t j = i + 1;
      while (j < sql.size() && ident_char(sql[j])) ++j;
      if (j - i >= 2) replace(i, j - i);
      i = j - 1;
    } else if (pyformat && sql[i] == '%') {
      if (sql[i + 1] == 's') {
        replace(i, 2);
      } else if (sql[i + 1] == '%') {
        sql[i + 1] = ' ';
        ++i;
      } else if (sql[i + 1] == '(') {
        size_t j = sql.find(")s", i);
        if (j != std::string::npos) {
          replace(i, j + 2 - i);
          i = j + 1;
        }
      }
    }
  }
}

// What a local name stands for.
struct Scope {
  std::map<std::string, std::string> aliases;          // local name -> qualified dotted name
  std::map<std::string, const Expr*> strings;          // name -> the string literal it was assigned
  std::map<std::string, std::string> tables;           // name -> table name (sa.table("t", ...), op.create_table result)
  std::set<std::string> binds;                         // names holding op.get_bind()
};

struct Context {
  Section section = Section::Upgrade;
  bool in_transaction = true;
  int32_t unit = 0;
  // Inside `with op.batch_alter_table(...) as batch_op:`.
  std::string batch_name;
  QualifiedName batch_table;
  bool batch_table_known = false;
  bool opaque = false;  // inside a loop / conditional: count op calls as opaque, do not map
  int depth = 0;        // helper-function inlining depth
};

class FrontEnd {
 public:
  void set_read_siblings(bool on) { read_siblings_ = on; }
  FrontEnd(std::string path, std::string_view text, StatementCache& cache) : text_(text), cache_(cache) {
    out_.migration.path = std::move(path);
    out_.migration.format = Format::Alembic;
    out_.migration.tool = MigrationTool::Alembic;
    out_.migration.tool_wraps_in_transaction = true;
    std::string p = out_.migration.path;
    out_.is_env_py = p.size() >= 6 && p.substr(p.size() - 6) == "env.py" &&
                     (p.size() == 6 || p[p.size() - 7] == '/' || p[p.size() - 7] == '\\');
  }

  AlembicParse run() {
    module_ = parse_module(text_);
    Migration& m = out_.migration;
    for (const ParseError& e : module_.errors) {
      Diagnostic d;
      d.rule = "syntax-error";
      d.severity = Severity::Error;
      d.message = "Python: " + e.message;
      d.help = "zerolock reads the revision with its own Python parser; the statements around the error are still checked.";
      uint32_t end = std::min<uint32_t>(e.offset + 1, static_cast<uint32_t>(text_.size()));
      d.range = {e.offset, std::max(e.offset, end)};
      m.frontend_diagnostics.push_back(std::move(d));
    }
    suppressions();
    // Module level: imports, revision identifiers, constants, helper functions.
    const Stmt* upgrade = nullptr;
    const Stmt* downgrade = nullptr;
    for (const Stmt& st : module_.body) {
      switch (st.kind) {
        case StmtKind::Import:
        case StmtKind::ImportFrom:
          imports(st, module_scope_);
          break;
        case StmtKind::Assign:
        case StmtKind::AnnAssign:
          module_assignment(st);
          break;
        case StmtKind::Def:
          functions_[st.name] = &st;
          if (st.name == "upgrade") upgrade = &st;
          if (st.name == "downgrade") downgrade = &st;
          break;
        default:
          break;
      }
    }
    if (out_.is_env_py) {
      check_env_py(text_, m.frontend_diagnostics);
      return std::move(out_);
    }
    if (read_siblings_) check_revision_graph(m.path, out_.ids, m.frontend_diagnostics);
    RollbackInfo rollback;
    if (upgrade) rollback.anchor = upgrade->name_range;
    if (downgrade) {
      rollback.present = true;
      rollback.rollback_anchor = downgrade->name_range;
      rollback.empty = body_is_empty(downgrade->body);
    }
    if (upgrade) {
      size_t before = not_analysed_;
      Context ctx;
      ctx.section = Section::Upgrade;
      ctx.unit = next_unit_++;
      Scope scope = module_scope_;
      walk(upgrade->body, ctx, scope);
      rollback.upgrade_complete = not_analysed_ == before;
    }
    if (downgrade) {
      size_t before = not_analysed_;
      Context ctx;
      ctx.section = Section::Downgrade;
      ctx.unit = next_unit_++;
      Scope scope = module_scope_;
      walk(downgrade->body, ctx, scope);
      rollback.rollback_complete = not_analysed_ == before;
    }
    if (upgrade || downgrade) m.rollback = rollback;
    out_.stats.not_analysed = not_analysed_;
    return std::move(out_);
  }

 private:
  std::string_view text_;
  StatementCache& cache_;
  bool read_siblings_ = true;  // the revision graph check may read the other revisions of the directory
  AlembicParse out_;
  Module module_;
  Scope module_scope_;
  std::map<std::string, const Stmt*> functions_;
  std::set<std::string> inlining_;
  int32_t next_unit_ = 0;
  size_t not_analysed_ = 0;

  std::string src(ByteRange r) const { return std::string(text_.substr(r.begin, r.size())); }

  void suppressions() {
    std::optional<LineIndex> lines;
    for (const ByteRange& c : module_.comments) {
      std::string_view body = text_.substr(c.begin + 1, c.size() - 1);  // after '#'
      if (body.find("zerolock-disable") == std::string_view::npos) continue;
      if (!lines) lines.emplace(text_);
      if (auto s = parse_suppression(body, c.begin, lines->line_of(c.begin))) out_.migration.suppressions.push_back(*s);
    }
  }

  // ---- names
  static void imports(const Stmt& st, Scope& scope) {
    if (st.kind == StmtKind::Import) {
      for (const ImportName& n : st.names) {
        if (!n.alias.empty()) scope.aliases[n.alias] = n.name;
        else scope.aliases[n.name.substr(0, n.name.find('.'))] = n.name.substr(0, n.name.find('.'));
      }
    } else {
      for (const ImportName& n : st.names) {
        if (n.name == "*") continue;
        scope.aliases[n.alias.empty() ? n.name : n.alias] = (st.module.empty() ? "" : st.module + ".") + n.name;
      }
    }
  }

  // "sa.String" -> "sqlalchemy.String"; unknown first components stay as written.
  static std::string resolve(const Expr& e, const Scope& scope) {
    std::string d = e.dotted();
    if (d.empty()) return d;
    std::string first = d.substr(0, d.find('.'));
    auto it = scope.aliases.find(first);
    if (it == scope.aliases.end()) return d;
    return it->second + d.substr(first.size());
  }

  static bool is_op(const std::string& q) { return q == "alembic.op" || q == "op"; }

  void module_assignment(const Stmt& st) {
    if (st.targets.size() != 1 || st.targets[0]->kind != ExprKind::Name || !st.value) return;
    const std::string& name = st.targets[0]->text;
    const Expr& v = *st.value;
    if (name == "revision") {
      out_.ids.revision_range = v.range;
      if (v.kind == ExprKind::String) out_.ids.revision = v.str.value;
    } else if (name == "down_revision") {
      out_.ids.has_down_revision = true;
      out_.ids.down_revision_range = v.range;
      if (v.kind == ExprKind::String) {
        out_.ids.down_revisions.push_back(v.str.value);
      } else if (v.kind == ExprKind::Tuple || v.kind == ExprKind::List) {
        for (const ExprPtr& item : v.items) {
          if (item->kind == ExprKind::String) out_.ids.down_revisions.push_back(item->str.value);
          else out_.ids.down_revision_dynamic = true;
        }
      } else if (!(v.kind == ExprKind::Constant && v.text == "None")) {
        out_.ids.down_revision_dynamic = true;
      }
    }
    assignment(st, module_scope_);
  }

  // Records what a simple assignment binds (constants, tables, connections).
  void assignment(const Stmt& st, Scope& scope) {
    if (!st.value) return;
    for (const ExprPtr& target : st.targets) {
      if (target->kind != ExprKind::Name) continue;
      const std::string& name = target->text;
      scope.strings.erase(name);
      scope.tables.erase(name);
      scope.binds.erase(name);
      const Expr& v = *st.value;
      if (v.kind == ExprKind::String && !v.str.formatted) scope.strings[name] = &v;
      if (v.kind == ExprKind::Call) {
        std::string callee = resolve(*v.value, scope);
        std::string last = callee.substr(callee.rfind('.') == std::string::npos ? 0 : callee.rfind('.') + 1);
        if ((last == "table" || last == "Table" || last == "create_table") && v.arg(0)) {
          if (auto t = string_value(*v.arg(0), scope)) scope.tables[name] = *t;
        }
        if (last == "get_bind" || last == "connect" || callee == "op.get_bind") scope.binds.insert(name);
      }
    }
  }

  std::optional<std::string> string_value(const Expr& e, const Scope& scope) const {
    if (e.kind == ExprKind::String) {
      if (e.str.formatted || !e.str.ok) return std::nullopt;
      return e.str.value;
    }
    if (e.kind == ExprKind::Name) {
      auto it = scope.strings.find(e.text);
      if (it != scope.strings.end()) return it->second->str.value;
      return std::nullopt;
    }
    if (e.kind == ExprKind::Call && e.value) {
      // op.f("name"), conv("name"), quoted_name("name", quote)
      std::string callee = resolve(*e.value, scope);
      std::string last = callee.substr(callee.rfind('.') == std::string::npos ? 0 : callee.rfind('.') + 1);
      if ((last == "f" || last == "conv" || last == "quoted_name") && e.arg(0)) return string_value(*e.arg(0), scope);
    }
    return std::nullopt;
  }

  // ---- bodies
  static bool body_is_empty(const std::vector<Stmt>& body) {
    for (const Stmt& st : body) {
      if (st.kind == StmtKind::Pass || is_docstring(st)) continue;
      if (st.kind == StmtKind::Expr && st.value && st.value->kind == ExprKind::Constant && st.value->text == "...") continue;
      if (st.kind == StmtKind::Return && !st.value) continue;
      if (st.kind == StmtKind::Raise && st.value) {
        const Expr* v = st.value.get();
        if (v->kind == ExprKind::Call) v = v->value.get();
        if (v && v->dotted() == "NotImplementedError") continue;
      }
      return false;
    }
    return true;
  }

  void not_analysed(ByteRange range, const std::string& what, const Context& ctx) {
    (void)ctx;
    ++not_analysed_;
    Diagnostic d;
    d.rule = kNotAnalysedRule;
    d.severity = Severity::Info;
    d.message = what + ": not analysed; zerolock does not guess what it does to the database";
    d.help = "Check this part by hand, or rewrite it as plain op.* calls that zerolock can follow.";
    d.range = range;
    out_.migration.frontend_diagnostics.push_back(std::move(d));
  }

  // Counts op.* calls inside an opaque construct, so the corpus figures see them.
  void count_opaque_calls(const Expr* e, const Scope& scope, const Context& ctx) {
    if (!e) return;
    if (e->kind == ExprKind::Call && e->value && e->value->kind == ExprKind::Attribute && e->value->value) {
      std::string base = resolve(*e->value->value, scope);
      if (is_op(base) || (!ctx.batch_name.empty() && base == ctx.batch_name)) {
        if (!is_helper_op(e->value->text)) {
          ++out_.stats.op_calls;
          ++out_.stats.opaque;
        }
      }
    }
    count_opaque_calls(e->value.get(), scope, ctx);
    for (const ExprPtr& i : e->items) count_opaque_calls(i.get(), scope, ctx);
    for (const Keyword& k : e->keywords) count_opaque_calls(k.value.get(), scope, ctx);
  }
  void count_opaque_calls(const std::vector<Stmt>& body, const Scope& scope, const Context& ctx) {
    for (const Stmt& st : body) {
      count_opaque_calls(st.value.get(), scope, ctx);
      for (const WithItem& w : st.with_items) {
        count_opaque_calls(w.context.get(), scope, ctx);
      }
      Context inner = ctx;
      for (const WithItem& w : st.with_items) {
        if (!w.as_name.empty() && w.context && w.context->kind == ExprKind::Call && w.context->value &&
            w.context->value->kind == ExprKind::Attribute && w.context->value->text == "batch_alter_table")
          inner.batch_name = w.as_name;
      }
      count_opaque_calls(st.body, scope, inner);
      count_opaque_calls(st.orelse, scope, inner);
    }
  }

  static bool is_helper_op(const std::string& name) {
    return name == "get_bind" || name == "get_context" || name == "f" || name == "inline_literal" ||
           name == "batch_alter_table" || name == "implementation_for" || name == "invoke";
  }

  void walk(const std::vector<Stmt>& body, Context& ctx, Scope& scope) {
    for (const Stmt& st : body) statement(st, ctx, scope);
  }

  void statement(const Stmt& st, Context& ctx, Scope& scope) {
    switch (st.kind) {
      case StmtKind::Pass:
      case StmtKind::Global:
      case StmtKind::Break:
      case StmtKind::Continue:
      case StmtKind::Assert:
      case StmtKind::Del:
        return;
      case StmtKind::Import:
      case StmtKind::ImportFrom:
        imports(st, scope);
        return;
      case StmtKind::Return:
        if (st.value && st.value->kind == ExprKind::Call) call(*st.value, st, ctx, scope);
        return;
      case StmtKind::Raise:
        return;
      case StmtKind::Def:
        functions_.emplace(st.name, &st);  // a local helper
        return;
      case StmtKind::Expr:
        if (!st.value || is_docstring(st) || st.value->kind == ExprKind::Constant) return;
        if (st.value->kind == ExprKind::Call) {
          call(*st.value, st, ctx, scope);
        } else {
          not_analysed(st.range, "this expression", ctx);
        }
        return;
      case StmtKind::Assign:
      case StmtKind::AnnAssign:
      case StmtKind::AugAssign:
        if (st.value && st.value->kind == ExprKind::Call) call(*st.value, st, ctx, scope);
        if (st.kind != StmtKind::AugAssign) assignment(st, scope);
        return;
      case StmtKind::With:
        with(st, ctx, scope);
        return;
      case StmtKind::If:
      case StmtKind::For:
      case StmtKind::While:
      case StmtKind::Try:
      case StmtKind::Class:
      case StmtKind::Other: {
        static const char* names[] = {"", "", "", "", "", "", "", "a class", "", "a conditional", "a loop",
                                      "a loop", "a try block"};
        size_t k = static_cast<size_t>(st.kind);
        std::string what = k < std::size(names) && names[k][0] ? names[k] : "this statement";
        count_opaque_calls(st.body, scope, ctx);
        count_opaque_calls(st.orelse, scope, ctx);
        if (st.value) count_opaque_calls(st.value.get(), scope, ctx);
        not_analysed(st.header, what, ctx);
        return;
      }
    }
  }

  void with(const Stmt& st, Context& ctx, Scope& scope) {
    if (st.with_items.size() == 1 && st.with_items[0].context && st.with_items[0].context->kind == ExprKind::Call) {
      const Expr& c = *st.with_items[0].context;
      const Expr* callee = c.value.get();
      if (callee && callee->kind == ExprKind::Attribute) {
        std::string base = callee->value ? resolve(*callee->value, scope) : "";
        // with op.batch_alter_table("t", schema=...) as batch_op:
        if (callee->text == "batch_alter_table" && is_op(base)) {
          Context inner = ctx;
          inner.batch_name = st.with_items[0].as_name;
          const Expr* table = c.keyword("table_name") ? c.keyword("table_name") : c.arg(0);
          auto name = table ? string_value(*table, scope) : std::nullopt;
          inner.batch_table_known = name.has_value();
          if (name) inner.batch_table = qualified(*name, c.keyword("schema"), scope);
          walk(st.body, inner, scope);
          return;
        }
        // with op.get_context().autocommit_block():
        if (callee->text == "autocommit_block" && callee->value && callee->value->kind == ExprKind::Call &&
            callee->value->value && callee->value->value->kind == ExprKind::Attribute &&
            callee->value->value->text == "get_context" && callee->value->value->value &&
            is_op(resolve(*callee->value->value->value, scope))) {
          Context inner = ctx;
          inner.in_transaction = false;
          inner.unit = next_unit_++;
          walk(st.body, inner, scope);
          // Alembic begins a new transaction after the block.
          ctx.unit = next_unit_++;
          return;
        }
      }
    }
    count_opaque_calls(st.body, scope, ctx);
    not_analysed(st.header, "this with block", ctx);
  }

  QualifiedName qualified(const std::string& name, const Expr* schema, const Scope& scope) const {
    QualifiedName q;
    q.name = name;
    if (schema) {
      if (auto s = string_value(*schema, scope)) q.schema = *s;
    }
    return q;
  }

  // ---- calls
  void call(const Expr& c, const Stmt& st, Context& ctx, Scope& scope) {
    const Expr* callee = c.value.get();
    if (!callee) return;
    std::string q = resolve(*callee, scope);
    // op.X(...) and batch_op.X(...)
    if (callee->kind == ExprKind::Attribute && callee->value) {
      std::string base = resolve(*callee->value, scope);
      bool batch = !ctx.batch_name.empty() && callee->value->kind == ExprKind::Name && callee->value->text == ctx.batch_name;
      if (is_op(base) || batch) {
        op_call(callee->text, c, ctx, scope, batch);
        return;
      }
      // conn.execute(...), op.get_bind().execute(...)
      if (callee->text == "execute" || callee->text == "exec_driver_sql") {
        bool bind = (callee->value->kind == ExprKind::Name && scope.binds.count(callee->value->text)) ||
                    (callee->value->kind == ExprKind::Call && callee->value->value &&
                     callee->value->value->kind == ExprKind::Attribute && callee->value->value->text == "get_bind");
        if (bind) {
          ++out_.stats.op_calls;
          if (ctx.opaque) {
            ++out_.stats.opaque;
            return;
          }
          execute(c, ctx, scope, "connection.execute");
          return;
        }
      }
    }
    // Harmless calls.
    static const std::set<std::string> harmless = {"print", "logging.info", "logging.debug", "logging.warning",
                                                    "warnings.warn", "op.get_bind", "alembic.op.get_bind"};
    if (harmless.count(q)) return;
    if (callee->kind == ExprKind::Attribute) {
      std::string first = callee->dotted().substr(0, callee->dotted().find('.'));
      if (first == "log" || first == "logger" || first == "LOG" || first == "logging") return;
      const std::string& method = callee->text;
      if (method == "get_context" || method == "get_bind") return;
    }
    std::string last = q.substr(q.rfind('.') == std::string::npos ? 0 : q.rfind('.') + 1);
    if (last == "table" || last == "Table" || last == "column" || last == "MetaData" || last == "text") return;
    // A module-level helper without arguments: follow it.
    if (callee->kind == ExprKind::Name && c.items.empty() && c.keywords.empty()) {
      auto it = functions_.find(callee->text);
      if (it != functions_.end() && !inlining_.count(callee->text) && ctx.depth < 4) {
        inlining_.insert(callee->text);
        Context inner = ctx;
        inner.depth++;
        Scope local = module_scope_;
        walk(it->second->body, inner, local);
        ctx.unit = inner.unit;
        inlining_.erase(callee->text);
        return;
      }
    }
    not_analysed(st.range, "call to " + (q.empty() ? std::string("an expression") : q + "()"), ctx);
  }

  Statement& add_statement(const Expr& c, const Context& ctx, const std::string& origin, std::vector<Operation> ops,
                           std::string summary) {
    auto parsed = std::make_shared<ParsedStatement>();
    for (Operation& op : ops) op.range = {0, c.range.size()};
    parsed->ops = std::move(ops);
    parsed->summary = std::move(summary);
    Statement s;
    s.range = c.range;
    s.parsed = std::move(parsed);
    s.section = ctx.section;
    s.in_transaction = ctx.in_transaction;
    s.unit = ctx.unit;
    s.origin = origin;
    out_.migration.statements.push_back(std::move(s));
    return out_.migration.statements.back();
  }

  // Positional argument `index`, or keyword `kw` (batch mode drops the table argument: pass index - 1).
  static const Expr* arg(const Expr& c, int index, const char* kw) {
    if (kw)
      if (const Expr* k = c.keyword(kw)) return k;
    if (index < 0) return nullptr;
    const Expr* a = c.arg(static_cast<size_t>(index));
    if (a && a->kind == ExprKind::Starred) return nullptr;
    return a;
  }

  static bool truthy(const Expr* e) { return e && e->kind == ExprKind::Constant && e->text == "True"; }
  static bool is_none(const Expr* e) { return e && e->kind == ExprKind::Constant && e->text == "None"; }

  std::optional<std::vector<std::string>> string_list(const Expr* e, const Scope& scope, bool* expression = nullptr) const {
    if (!e) return std::nullopt;
    std::vector<std::string> out;
    if (e->kind == ExprKind::String) {
      out.push_back(e->str.value);
      return out;
    }
    if (e->kind != ExprKind::List && e->kind != ExprKind::Tuple) return std::nullopt;
    for (const ExprPtr& item : e->items) {
      if (auto s = string_value(*item, scope)) {
        out.push_back(*s);
      } else if (expression) {
        *expression = true;
      } else {
        return std::nullopt;
      }
    }
    return out;
  }

  // The SQL text of a server_default / postgresql_where / CHECK condition, when static.
  struct SqlText {
    std::string sql;
    bool literal = false;  // a Python string used as a literal value (server_default="x")
  };
  std::optional<SqlText> sql_text(const Expr* e, const Scope& scope) const {
    if (!e) return std::nullopt;
    if (e->kind == ExprKind::String) {
      if (e->str.formatted) return std::nullopt;
      return SqlText{e->str.value, true};
    }
    if (e->kind == ExprKind::Number) return SqlText{e->text, false};
    if (e->kind == ExprKind::Name) {
      if (auto s = string_value(*e, scope)) return SqlText{*s, true};
      return std::nullopt;
    }
    if (e->kind != ExprKind::Call || !e->value) return std::nullopt;
    std::string q = resolve(*e->value, scope);
    std::string last = q.substr(q.rfind('.') == std::string::npos ? 0 : q.rfind('.') + 1);
    if ((last == "text" || last == "literal_column") && e->arg(0)) {
      if (auto s = string_value(*e->arg(0), scope)) return SqlText{*s, false};
      return std::nullopt;
    }
    if (last == "true" || last == "false" || last == "null") return SqlText{last, false};
    // sa.func.now(), func.gen_random_uuid(): zero-argument SQL functions
    size_t f = q.find("func.");
    if (f != std::string::npos && e->items.empty() && e->keywords.empty()) return SqlText{q.substr(f + 5) + "()", false};
    if (last == "bindparams" && e->value->kind == ExprKind::Attribute && e->value->value)
      return sql_text(e->value->value.get(), scope);
    return std::nullopt;
  }

  static std::string quote_literal(const std::string& s) {
    std::string out = "'";
    for (char ch : s) {
      if (ch == '\'') out += '\'';
      out += ch;
    }
    return out + "'";
  }

  void apply_server_default(ColumnSpec& spec, const Expr* d, const Scope& scope) {
    if (!d || is_none(d) || (d->kind == ExprKind::Constant && d->text == "False")) return;
    spec.has_default = true;
    auto t = sql_text(d, scope);
    if (!t) {
      spec.default_volatility = Volatility::Unknown;
      spec.default_sql = src(d->range);
      return;
    }
    if (t->literal) {
      spec.default_sql = quote_literal(t->sql);
      spec.default_volatility = Volatility::Immutable;
    } else {
      spec.default_sql = t->sql;
      spec.default_volatility = sql_expression_volatility(t->sql);
    }
  }

  // sa.Column(...) -> ColumnSpec.
  // The enum type a column's type creates with its table (sa.Enum(..., name="x") / postgresql.ENUM
  // without create_type=False): SQLAlchemy emits CREATE TYPE before CREATE TABLE.
  std::string created_enum(const Expr& type, const Scope& scope) const {
    if (type.kind != ExprKind::Call || !type.value) return {};
    std::string q = resolve(*type.value, scope);
    std::string last = q.substr(q.rfind('.') == std::string::npos ? 0 : q.rfind('.') + 1);
    if (last != "Enum" && last != "ENUM") return {};
    const Expr* create = type.keyword("create_type");
    if (create && create->kind == ExprKind::Constant && create->text == "False") return {};
    const Expr* name = type.keyword("name");
    if (!name) return {};
    return string_value(*name, scope).value_or("");
  }

  std::optional<ColumnSpec> column(const Expr& e, const Scope& scope, bool* index_flag = nullptr,
                                   std::string* enum_type = nullptr) {
    if (e.kind != ExprKind::Call || !e.value) return std::nullopt;
    std::string q = resolve(*e.value, scope);
    std::string last = q.substr(q.rfind('.') == std::string::npos ? 0 : q.rfind('.') + 1);
    if (last != "Column" && last != "mapped_column") return std::nullopt;
    ColumnSpec spec;
    bool have_name = false, have_type = false;
    bool nullable = true;
    for (const ExprPtr& a : e.items) {
      if (!have_name) {
        if (auto s = string_value(*a, scope)) {
          spec.name = *s;
          have_name = true;
          continue;
        }
      }
      if (a->kind == ExprKind::Call && a->value) {
        std::string aq = resolve(*a->value, scope);
        std::string al = aq.substr(aq.rfind('.') == std::string::npos ? 0 : aq.rfind('.') + 1);
        if (al == "ForeignKey") {
          spec.references = true;
          if (a->arg(0)) {
            if (auto target = string_value(*a->arg(0), scope)) {
              std::string t = *target;
              size_t dot = t.rfind('.');
              std::string table = dot == std::string::npos ? t : t.substr(0, dot);
              size_t sdot = table.find('.');
              if (sdot != std::string::npos) spec.referenced_table = {table.substr(0, sdot), table.substr(sdot + 1)};
              else spec.referenced_table = {"", table};
            }
          }
          continue;
        }
        if (al == "Identity") {
          spec.identity = true;
          continue;
        }
        if (al == "Computed") {
          spec.generated_stored = true;
          continue;
        }
        if (al == "Sequence") continue;
        if (al == "CheckConstraint") {
          spec.has_check = true;
          continue;
        }
      }
      if (!have_type) {
        spec.type = sqlalchemy_type(*a, text_, [&](const Expr& x) { return resolve(x, scope); });
        if (enum_type) *enum_type = created_enum(*a, scope);
        have_type = true;
      }
    }
    if (const Expr* t = e.keyword("type_")) {
      spec.type = sqlalchemy_type(*t, text_, [&](const Expr& x) { return resolve(x, scope); });
      if (enum_type) *enum_type = created_enum(*t, scope);
    }
    if (const Expr* n = e.keyword("name")) {
      if (auto s = string_value(*n, scope)) spec.name = *s, have_name = true;
    }
    if (!have_name) return std::nullopt;
    if (const Expr* n = e.keyword("nullable")) nullable = !(n->kind == ExprKind::Constant && n->text == "False");
    spec.primary_key = truthy(e.keyword("primary_key"));
    spec.unique = truthy(e.keyword("unique"));
    if (spec.primary_key && !e.keyword("nullable")) nullable = false;
    spec.not_null = !nullable;
    apply_server_default(spec, e.keyword("server_default"), scope);
    if (index_flag) *index_flag = truthy(e.keyword("index"));
    // Integer primary keys render as SERIAL / BIGSERIAL unless autoincrement=False.
    if (spec.primary_key && (spec.type.name == "int4" || spec.type.name == "int8" || spec.type.name == "int2") &&
        !spec.identity && !spec.has_default) {
      const Expr* ai = e.keyword("autoincrement");
      if (!ai || truthy(ai)) spec.serial = true;
    }
    return spec;
  }

  // Table-level constraint objects inside create_table.
  std::optional<ConstraintSpec> table_constraint(const Expr& e, const Scope& scope) {
    if (e.kind != ExprKind::Call || !e.value) return std::nullopt;
    std::string q = resolve(*e.value, scope);
    std::string last = q.substr(q.rfind('.') == std::string::npos ? 0 : q.rfind('.') + 1);
    ConstraintSpec c;
    if (last == "PrimaryKeyConstraint") c.kind = ConstraintKind::PrimaryKey;
    else if (last == "UniqueConstraint") c.kind = ConstraintKind::Unique;
    else if (last == "ForeignKeyConstraint") c.kind = ConstraintKind::ForeignKey;
    else if (last == "CheckConstraint") c.kind = ConstraintKind::Check;
    else if (last == "ExcludeConstraint") c.kind = ConstraintKind::Exclusion;
    else return std::nullopt;
    if (const Expr* n = e.keyword("name")) {
      if (auto s = string_value(*n, scope)) c.name = *s;
    }
    if (c.kind == ConstraintKind::ForeignKey) {
      if (auto cols = string_list(e.arg(0), scope)) c.columns = *cols;
      if (auto refs = string_list(e.arg(1), scope); refs && !refs->empty()) {
        std::string t = refs->front();
        size_t dot = t.rfind('.');
        if (dot != std::string::npos) c.referenced_table = {"", t.substr(0, dot)};
        for (const std::string& r : *refs) c.referenced_columns.push_back(r.substr(r.rfind('.') + 1));
      }
    } else if (c.kind == ConstraintKind::Check) {
      if (auto t = sql_text(e.arg(0), scope)) c.expression_sql = t->sql;
    } else {
      for (const ExprPtr& a : e.items)
        if (auto s = string_value(*a, scope)) c.columns.push_back(*s);
    }
    return c;
  }

  void opaque_call(const Expr& c, const std::string& name, const std::string& why, const Context& ctx) {
    ++out_.stats.opaque;
    not_analysed(c.range, name + " " + why, ctx);
  }

  void op_call(const std::string& fn, const Expr& c, Context& ctx, Scope& scope, bool batch) {
    if (is_helper_op(fn)) return;
    ++out_.stats.op_calls;
    const std::string origin = (batch ? "batch_op." : "op.") + fn;
    if (ctx.opaque) {
      ++out_.stats.opaque;
      return;
    }
    // In batch mode the table comes from the with statement and positional arguments shift by one.
    const int shift = batch ? -1 : 0;
    auto table_arg = [&](int index, const char* kw, const char* schema_kw = "schema") -> std::optional<QualifiedName> {
      if (batch) {
        if (!ctx.batch_table_known) return std::nullopt;
        return ctx.batch_table;
      }
      const Expr* t = arg(c, index, kw);
      if (!t) return std::nullopt;
      auto name = string_value(*t, scope);
      if (!name) return std::nullopt;
      return qualified(*name, c.keyword(schema_kw), scope);
    };
    auto fail = [&](const std::string& why) { opaque_call(c, origin + "()", why, ctx); };
    auto understood = [&](std::vector<Operation> ops, const std::string& summary) {
      ++out_.stats.understood;
      add_statement(c, ctx, origin, std::move(ops), summary);
    };

    if (fn == "execute") {
      execute(c, ctx, scope, origin);
      return;
    }
    if (fn == "add_column") {
      auto table = table_arg(0, "table_name");
      const Expr* col = arg(c, 1 + shift, "column");
      if (!table || !col) return fail("with a table name zerolock cannot read");
      auto spec = column(*col, scope);
      if (!spec) return fail("with a column zerolock cannot read");
      Operation op;
      op.kind = OpKind::AddColumn;
      op.table = *table;
      op.column = spec->name;
      if (truthy(c.keyword("if_not_exists"))) op.if_not_exists = true;
      op.column_spec = *spec;
      return understood({op}, "ADD COLUMN " + table->display() + "." + spec->name);
    }
    if (fn == "drop_column") {
      auto table = table_arg(0, "table_name");
      const Expr* col = arg(c, 1 + shift, "column_name");
      auto name = col ? string_value(*col, scope) : std::nullopt;
      if (!table || !name) return fail("with names zerolock cannot read");
      Operation op;
      op.kind = OpKind::DropColumn;
      op.table = *table;
      op.column = *name;
      op.if_exists = truthy(c.keyword("if_exists"));
      return understood({op}, "DROP COLUMN " + table->display() + "." + *name);
    }
    if (fn == "alter_column") {
      auto table = table_arg(0, "table_name");
      const Expr* col = arg(c, 1 + shift, "column_name");
      auto name = col ? string_value(*col, scope) : std::nullopt;
      if (!table || !name) return fail("with names zerolock cannot read");
      std::vector<Operation> ops;
      auto base = [&](OpKind kind) {
        Operation op;
        op.kind = kind;
        op.table = *table;
        op.column = *name;
        return op;
      };
      auto resolver = [&](const Expr& x) { return resolve(x, scope); };
      if (const Expr* t = c.keyword("type_")) {
        Operation op = base(OpKind::AlterColumnType);
        op.new_type = sqlalchemy_type(*t, text_, resolver);
        op.using_expression = c.keyword("postgresql_using") != nullptr;
        if (const Expr* old = c.keyword("existing_type")) op.detail = sqlalchemy_type(*old, text_, resolver).sql;
        ops.push_back(op);
      }
      if (const Expr* n = c.keyword("nullable")) {
        if (n->kind != ExprKind::Constant || (n->text != "True" && n->text != "False")) return fail("with a nullable= zerolock cannot read");
        ops.push_back(base(n->text == "False" ? OpKind::SetNotNull : OpKind::DropNotNull));
      }
      if (const Expr* d = c.keyword("server_default")) {
        if (is_none(d)) {
          ops.push_back(base(OpKind::DropDefault));
        } else if (!(d->kind == ExprKind::Constant && d->text == "False")) {
          Operation op = base(OpKind::SetDefault);
          ColumnSpec spec;
          spec.name = *name;
          apply_server_default(spec, d, scope);
          op.column_spec = spec;
          ops.push_back(op);
        }
      }
      if (const Expr* n = c.keyword("new_column_name")) {
        auto nn = string_value(*n, scope);
        if (!nn) return fail("with a new_column_name zerolock cannot read");
        Operation op = base(OpKind::RenameColumn);
        op.new_name = *nn;
        ops.push_back(op);
      }
      if (c.keyword("comment")) {
        Operation op = base(OpKind::Comment);
        ops.push_back(op);
      }
      if (ops.empty()) {
        // Only existing_* arguments: Alembic emits nothing.
        ++out_.stats.understood;
        return;
      }
      return understood(std::move(ops), "ALTER COLUMN " + table->display() + "." + *name);
    }
    if (fn == "create_index") {
      const Expr* name_e = arg(c, 0, "index_name");
      auto table = table_arg(1, "table_name");
      const Expr* cols = arg(c, 2 + shift, "columns");
      std::optional<std::string> name = name_e && !is_none(name_e) ? string_value(*name_e, scope) : std::string();
      if (!table || !name) return fail("with names zerolock cannot read");
      IndexSpec index;
      index.name = *name;
      index.unique = truthy(c.keyword("unique"));
      index.concurrently = truthy(c.keyword("postgresql_concurrently"));
      index.if_not_exists = truthy(c.keyword("if_not_exists"));
      bool expression = false;
      if (auto list = string_list(cols, scope, &expression)) index.columns = *list;
      else expression = true;
      index.expression = expression;
      if (const Expr* where = c.keyword("postgresql_where")) {
        index.partial = true;
        if (auto w = sql_text(where, scope)) index.where_sql = w->sql;
      }
      if (const Expr* using_ = c.keyword("postgresql_using")) {
        if (auto u = string_value(*using_, scope)) index.method = *u;
      }
      Operation op;
      op.kind = OpKind::CreateIndex;
      op.table = *table;
      op.object = {table->schema, index.name};
      op.concurrently = index.concurrently;
      op.if_not_exists = index.if_not_exists;
      op.index = index;
      return understood({op}, std::string("CREATE ") + (index.unique ? "UNIQUE " : "") + "INDEX " + index.name + " ON " +
                                  table->display());
    }
    if (fn == "drop_index") {
      const Expr* name_e = arg(c, 0, "index_name");
      auto name = name_e ? string_value(*name_e, scope) : std::nullopt;
      if (!name) return fail("with an index name zerolock cannot read");
      Operation op;
      op.kind = OpKind::DropIndex;
      std::optional<QualifiedName> table;
      if (batch) table = ctx.batch_table_known ? std::optional<QualifiedName>(ctx.batch_table) : std::nullopt;
      else if (const Expr* t = arg(c, 1, "table_name")) {
        if (auto tn = string_value(*t, scope)) table = qualified(*tn, c.keyword("schema"), scope);
      }
      QualifiedName schema_only = qualified("", c.keyword("schema"), scope);
      op.object = {table ? table->schema : schema_only.schema, *name};
      if (table) op.table = *table;
      op.concurrently = truthy(c.keyword("postgresql_concurrently"));
      op.if_exists = truthy(c.keyword("if_exists"));
      return understood({op}, std::string("DROP INDEX ") + (op.concurrently ? "CONCURRENTLY " : "") + *name);
    }
    if (fn == "create_unique_constraint" || fn == "create_primary_key" || fn == "create_check_constraint" ||
        fn == "create_foreign_key" || fn == "create_exclude_constraint") {
      const Expr* name_e = arg(c, 0, "constraint_name");
      std::optional<std::string> name = name_e && !is_none(name_e) ? string_value(*name_e, scope) : std::string();
      const char* table_kw = fn == "create_foreign_key" ? "source_table" : "table_name";
      auto table = table_arg(1, table_kw, fn == "create_foreign_key" ? "source_schema" : "schema");
      if (!table || !name) return fail("with names zerolock cannot read");
      ConstraintSpec spec;
      spec.name = *name;
      spec.not_valid = truthy(c.keyword("postgresql_not_valid"));
      spec.deferrable = truthy(c.keyword("deferrable"));
      if (fn == "create_unique_constraint" || fn == "create_primary_key") {
        spec.kind = fn == "create_primary_key" ? ConstraintKind::PrimaryKey : ConstraintKind::Unique;
        auto cols = string_list(arg(c, 2 + shift, "columns"), scope);
        if (!cols) return fail("with columns zerolock cannot read");
        spec.columns = *cols;
      } else if (fn == "create_check_constraint") {
        spec.kind = ConstraintKind::Check;
        const Expr* cond = arg(c, 2 + shift, "condition");
        auto t = sql_text(cond, scope);
        if (!t && cond) spec.expression_sql = src(cond->range);
        else if (t) spec.expression_sql = t->sql;
      } else if (fn == "create_exclude_constraint") {
        spec.kind = ConstraintKind::Exclusion;
      } else {
        spec.kind = ConstraintKind::ForeignKey;
        const Expr* ref = arg(c, 2 + shift, "referent_table");
        auto ref_name = ref ? string_value(*ref, scope) : std::nullopt;
        if (!ref_name) return fail("with a referenced table zerolock cannot read");
        spec.referenced_table = qualified(*ref_name, c.keyword("referent_schema"), scope);
        auto local = string_list(arg(c, 3 + shift, "local_cols"), scope);
        auto remote = string_list(arg(c, 4 + shift, "remote_cols"), scope);
        if (local) spec.columns = *local;
        if (remote) spec.referenced_columns = *remote;
      }
      Operation op;
      op.kind = OpKind::AddConstraint;
      op.table = *table;
      op.object = {table->schema, spec.name};
      op.constraint = spec;
      return understood({op}, "ADD CONSTRAINT " + (spec.name.empty() ? std::string("(unnamed)") : spec.name) + " ON " +
                                  table->display());
    }
    if (fn == "drop_constraint") {
      const Expr* name_e = arg(c, 0, "constraint_name");
      auto name = name_e ? string_value(*name_e, scope) : std::nullopt;
      auto table = table_arg(1, "table_name");
      if (!table || !name) return fail("with names zerolock cannot read");
      Operation op;
      op.kind = OpKind::DropConstraint;
      op.table = *table;
      op.object = {table->schema, *name};
      if (const Expr* t = c.keyword("type_")) {
        if (auto tn = string_value(*t, scope)) op.detail = *tn;
      }
      op.if_exists = truthy(c.keyword("if_exists"));
      return understood({op}, "DROP CONSTRAINT " + *name + " ON " + table->display());
    }
    if (fn == "rename_table") {
      const Expr* old_e = arg(c, 0, "old_table_name");
      const Expr* new_e = arg(c, 1, "new_table_name");
      auto old_name = old_e ? string_value(*old_e, scope) : std::nullopt;
      auto new_name = new_e ? string_value(*new_e, scope) : std::nullopt;
      if (!old_name || !new_name) return fail("with names zerolock cannot read");
      Operation op;
      op.kind = OpKind::RenameTable;
      op.table = qualified(*old_name, c.keyword("schema"), scope);
      op.new_name = *new_name;
      return understood({op}, "RENAME " + op.table.display() + " TO " + *new_name);
    }
    if (fn == "create_table") {
      auto table = table_arg(0, "table_name");
      if (!table) return fail("with a table name zerolock cannot read");
      Operation op;
      op.kind = OpKind::CreateTable;
      op.table = *table;
      op.if_not_exists = truthy(c.keyword("if_not_exists"));
      std::vector<Operation> extra;
      std::vector<Operation> enum_types;
      for (size_t k = 1; k < c.items.size(); ++k) {
        const Expr& item = *c.items[k];
        bool index_flag = false;
        std::string enum_type;
        if (auto col = column(item, scope, &index_flag, &enum_type)) {
          op.columns.push_back(*col);
          if (!enum_type.empty()) {
            Operation type;
            type.kind = OpKind::CreateType;
            type.object = {"", enum_type};
            type.detail = "enum";
            enum_types.push_back(type);
          }
          if (index_flag) {
            // Column(index=True) adds CREATE INDEX ix_<table>_<column> after the table.
            Operation ix;
            ix.kind = OpKind::CreateIndex;
            ix.table = *table;
            IndexSpec spec;
            spec.name = "ix_" + table->name + "_" + col->name;
            spec.columns = {col->name};
            spec.unique = col->unique;
            ix.object = {table->schema, spec.name};
            ix.index = spec;
            extra.push_back(ix);
          }
        } else if (auto con = table_constraint(item, scope)) {
          op.table_constraints.push_back(*con);
        } else if (item.kind == ExprKind::Starred) {
          return fail("with columns built at run time");
        } else if (item.kind == ExprKind::Call) {
          std::string q = resolve(*item.value, scope);
          if (q.find("Index") == std::string::npos) return fail("with a column zerolock cannot read");
        } else {
          return fail("with a column zerolock cannot read");
        }
      }
      std::vector<Operation> ops;
      for (Operation& x : enum_types) ops.push_back(std::move(x));
      ops.push_back(op);
      for (Operation& x : extra) ops.push_back(std::move(x));
      return understood(std::move(ops), "CREATE TABLE " + table->display());
    }
    if (fn == "drop_table") {
      auto table = table_arg(0, "table_name");
      if (!table) return fail("with a table name zerolock cannot read");
      Operation op;
      op.kind = OpKind::DropTable;
      op.table = *table;
      op.if_exists = truthy(c.keyword("if_exists"));
      return understood({op}, "DROP TABLE " + table->display());
    }
    if (fn == "bulk_insert") {
      const Expr* t = arg(c, 0, "table");
      Operation op;
      op.kind = OpKind::Insert;
      if (t && t->kind == ExprKind::Name) {
        auto it = scope.tables.find(t->text);
        if (it != scope.tables.end()) op.table = {"", it->second};
      } else if (t && t->kind == ExprKind::Call && t->arg(0)) {
        if (auto n = string_value(*t->arg(0), scope)) op.table = {"", *n};
      }
      if (op.table.empty()) return fail("into a table zerolock cannot identify");
      return understood({op}, "INSERT INTO " + op.table.display());
    }
    if (fn == "create_table_comment" || fn == "drop_table_comment") {
      auto table = table_arg(0, "table_name");
      if (!table) return fail("with a table name zerolock cannot read");
      Operation op;
      op.kind = OpKind::Comment;
      op.table = *table;
      return understood({op}, "COMMENT ON TABLE " + table->display());
    }
    if (fn == "create_sequence" || fn == "drop_sequence") {
      Operation op;
      op.kind = fn == "create_sequence" ? OpKind::CreateSequence : OpKind::DropSequence;
      return understood({op}, fn == "create_sequence" ? "CREATE SEQUENCE" : "DROP SEQUENCE");
    }
    fail("is not an operation zerolock models");
  }

  // op.execute("SQL" | sa.text("SQL")): parse with the SQL front end, map positions back.
  void execute(const Expr& c, Context& ctx, Scope& scope, const std::string& origin) {
    const Expr* a = arg(c, 0, "sqltext");
    if (!a) a = arg(c, 0, "statement");
    // Unwrap sa.text(...), text(...), sa.text(...).bindparams(...), .execution_options(...)
    while (a && a->kind == ExprKind::Call && a->value) {
      const Expr* callee = a->value.get();
      if (callee->kind == ExprKind::Attribute &&
          (callee->text == "bindparams" || callee->text == "execution_options" || callee->text == "columns") &&
          callee->value) {
        a = callee->value.get();
        continue;
      }
      std::string q = resolve(*callee, scope);
      std::string last = q.substr(q.rfind('.') == std::string::npos ? 0 : q.rfind('.') + 1);
      if ((last == "text" || last == "DDL") && a->arg(0)) {
        a = a->arg(0);
        continue;
      }
      break;
    }
    const Expr* literal = nullptr;
    if (a && a->kind == ExprKind::String) literal = a;
    else if (a && a->kind == ExprKind::Name) {
      auto it = scope.strings.find(a->text);
      if (it != scope.strings.end()) literal = it->second;
    }
    if (!literal || literal->str.formatted || !literal->str.ok || literal->str.bytes) {
      ++out_.stats.opaque;
      not_analysed(c.range, origin + "() with SQL built at run time", ctx);
      return;
    }
    ++out_.stats.understood;
    const DecodedString& ds = literal->str;
    // Bind parameters (:name from text(), %s / %(name)s with DB-API parameters) become $1 padded to
    // the same length, so positions still map one to one.
    std::string sql_text = ds.value;
    bool pyformat = c.items.size() > 1 || !c.keywords.empty();
    normalize_placeholders(sql_text, pyformat);
    sql::SplitResult split = sql::split(sql_text);
    Migration& m = out_.migration;
    for (const ByteRange& r : split.statements) {
      std::string_view stmt_text = std::string_view(sql_text).substr(r.begin, r.size());
      std::shared_ptr<const ParsedStatement> parsed = cache_.get(stmt_text, sql::parse_statement);
      ByteRange doc = ds.source_range(r.begin, r.end);
      // Remap op ranges when the source is not a plain copy of the value (escapes, concatenation).
      bool linear = doc.size() == r.size();
      auto map_range = [&](ByteRange rel) -> ByteRange {
        ByteRange abs = ds.source_range(r.begin + rel.begin, r.begin + rel.end);
        return {abs.begin - doc.begin, abs.end - doc.begin};
      };
      if (!linear) {
        auto copy = std::make_shared<ParsedStatement>(*parsed);
        for (Operation& op : copy->ops) op.range = map_range(op.range);
        if (copy->error) copy->error->offset = map_range({copy->error->offset, copy->error->offset}).begin;
        parsed = std::move(copy);
      }
      Statement s;
      s.range = doc;
      s.parsed = parsed;
      s.section = ctx.section;
      s.in_transaction = ctx.in_transaction;
      s.unit = ctx.unit;
      s.origin = origin;
      if (parsed->error) {
        Diagnostic d;
        d.rule = "syntax-error";
        d.severity = Severity::Error;
        d.message = parsed->error->message;
        d.help = "Fix the SQL; the other statements are still checked.";
        uint32_t at = doc.begin + parsed->error->offset;
        d.range = {at, std::min(at + 1, doc.end)};
        d.statement = static_cast<int32_t>(m.statements.size());
        m.frontend_diagnostics.push_back(std::move(d));
      }
      m.statements.push_back(std::move(s));
    }
    if (split.error) {
      Diagnostic d;
      d.rule = "syntax-error";
      d.severity = Severity::Error;
      d.message = split.error->message;
      ByteRange at = ds.source_range(split.error->offset, split.error->offset + 1);
      d.range = at;
      m.frontend_diagnostics.push_back(std::move(d));
    }
  }
};

}  // namespace

AlembicParse parse_alembic(std::string path, std::string_view text, StatementCache& cache, bool read_siblings) {
  // The Python parser recurses per nesting level: pathologically nested input is reported instead.
  if (auto too_deep = limits::python_too_deep(text)) {
    AlembicParse out;
    out.migration.path = std::move(path);
    out.migration.format = Format::Alembic;
    out.migration.tool = MigrationTool::Alembic;
    Diagnostic d;
    d.rule = "syntax-error";
    d.severity = Severity::Error;
    d.message = "Alembic revision: " + limits::too_deep_message(*too_deep);
    uint32_t at = std::min<uint32_t>(too_deep->offset, static_cast<uint32_t>(text.size()));
    d.range = {at, std::min<uint32_t>(at + 1, static_cast<uint32_t>(text.size()))};
    out.migration.frontend_diagnostics.push_back(std::move(d));
    return out;
  }
  FrontEnd fe(std::move(path), text, cache);
  fe.set_read_siblings(read_siblings);
  return fe.run();
}

}  // namespace zerolock::alembic
