// The Alembic renderer (see alembic_renderer.h for where phases go).
#include "fixes/alembic_renderer.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "alembic/python_parser.h"
#include "alembic/revision_graph.h"
#include "model/schema_delta.h"
#include "sql/splitter.h"

namespace zerolock::fixes {

std::pair<int, int> alembic_target(const Config& config) {
  if (config.alembic_version)
    if (auto v = parse_alembic_version(*config.alembic_version)) return *v;
  return {1, 13};
}

namespace {

using alembic::Expr;
using alembic::ExprKind;
using alembic::Stmt;
using alembic::StmtKind;

bool at_least(const Config& config, int major, int minor) {
  auto v = alembic_target(config);
  return v.first > major || (v.first == major && v.second >= minor);
}

uint32_t line_start(std::string_view text, uint32_t offset) {
  while (offset > 0 && text[offset - 1] != '\n' && text[offset - 1] != '\r') --offset;
  return offset;
}
// The whitespace before `offset` on its line, or nullopt when something else precedes it.
std::optional<std::string> indent_before(std::string_view text, uint32_t offset) {
  uint32_t b = line_start(text, offset);
  for (uint32_t k = b; k < offset; ++k)
    if (text[k] != ' ' && text[k] != '\t') return std::nullopt;
  return std::string(text.substr(b, offset - b));
}

// A call inside `with op.batch_alter_table("t") as batch_op:`. On PostgreSQL (recreate="auto" or
// "never") the block does not copy the table: each batch_op.X(...) is queued and runs as
// op.X("t", ...) when the block exits. A rewritten call therefore leaves the block: its code is
// written as op.* calls on the batch's table right after the calls before it, and the calls after
// it go into a second batch block with the same header, so every ALTER keeps its order.
struct Batch {
  const Stmt* with = nullptr;     // the with statement
  size_t index = 0;               // the call's position in its body
  std::string name;               // batch_op
  std::vector<TextEdit> to_op;    // batch_op.X(args) -> op.X(table, args, schema=...)
};

// One piece of generated code at a nesting level below the statement's indentation. Continuation
// lines ("\n") are relative to that level.
struct Chunk {
  int level = 0;
  std::string code;
};

struct Ctx {
  Ctx(const FixPlan& p, const Analysis& a, std::string_view t, const Config& cfg) : plan(p), analysis(a), text(t), config(cfg) {}
  const FixPlan& plan;
  const Analysis& analysis;
  std::string_view text;
  const Config& config;
  std::string eol = "\n";
  std::string quote = "\"";
  std::string unit = "    ";
  std::string indent;             // the statement's (in a batch block: the with statement's)
  std::string src_indent;         // the call's own, stripped from its continuation lines (empty: indent)
  const Statement* s = nullptr;   // the plan's statement
  const Stmt* st = nullptr;       // the Python statement holding it
  const Expr* call = nullptr;     // the op.* call (op.execute for embedded SQL)
  const Operation* orig = nullptr;
  bool embedded_sql = false;      // the statement is SQL inside op.execute("...")
  const Batch* batch = nullptr;   // the call is a batch_op call
};

std::string py_str(const Ctx& c, std::string_view s) {
  bool multiline = s.find('\n') != std::string_view::npos;
  std::string q = multiline ? "\"\"\"" : c.quote;
  // The other quote when the preferred one occurs in the text and the other does not.
  char other = c.quote[0] == '"' ? '\'' : '"';
  if (!multiline && s.find(c.quote[0]) != std::string_view::npos && s.find(other) == std::string_view::npos) q = std::string(1, other);
  char qc = q[0];
  std::string out = q;
  for (size_t i = 0; i < s.size(); ++i) {
    char ch = s[i];
    if (ch == '\r') continue;
    // In a triple-quoted string a lone quote needs no escape; one before another quote or the end does.
    bool escape = ch == '\\' || (ch == qc && (!multiline || i + 1 == s.size() || s[i + 1] == qc));
    if (escape) out += '\\';
    out += ch;
  }
  return out + q;
}

std::string name_args(const Ctx& c, const QualifiedName& table) { return py_str(c, table.name); }
std::string schema_kw(const Ctx& c, const QualifiedName& table) {
  return table.schema.empty() ? "" : ", schema=" + py_str(c, table.schema);
}

std::string src(const Ctx& c, ByteRange r) { return std::string(c.text.substr(r.begin, r.size())); }

// Text of [range] with `edits` (document coordinates) applied, continuation lines made relative
// to the statement's indentation.
std::string relative(const Ctx& c, ByteRange range, std::vector<TextEdit> edits) {
  for (auto& e : edits) e.range = e.range.shifted(-static_cast<int64_t>(range.begin));
  std::string t = apply_edits(c.text.substr(range.begin, range.size()), edits);
  std::string out;
  size_t at = 0;
  while (true) {
    size_t nl = t.find('\n', at);
    std::string line = t.substr(at, nl == std::string::npos ? std::string::npos : nl - at);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const std::string& strip = c.src_indent.empty() ? c.indent : c.src_indent;
    if (at > 0 && line.rfind(strip, 0) == 0) line = line.substr(strip.size());
    out += line;
    if (nl == std::string::npos) break;
    out += '\n';
    at = nl + 1;
  }
  return out;
}

// ---- keyword arguments of a call, edited in place
const alembic::Keyword* find_kw(const Expr& call, std::string_view name) {
  for (const auto& k : call.keywords)
    if (k.name == name) return &k;
  return nullptr;
}

std::vector<TextEdit> set_kwargs(const Ctx& c, const Expr& call, const std::vector<std::pair<std::string, std::string>>& kws) {
  std::vector<TextEdit> edits;
  std::vector<std::string> add;
  for (const auto& [name, value] : kws) {
    if (const alembic::Keyword* k = find_kw(call, name)) {
      if (k->value && src(c, k->value->range) != value) edits.push_back({k->value->range, value});
    } else {
      add.push_back(name + "=" + value);
    }
  }
  if (add.empty()) return edits;
  uint32_t last = 0, last_begin = 0;
  bool any = false;
  for (const auto& item : call.items) {
    if (item->range.end >= last) last = item->range.end, last_begin = item->range.begin;
    any = true;
  }
  for (const auto& k : call.keywords) {
    uint32_t e = k.value ? k.value->range.end : k.name_range.end;
    if (e >= last) last = e, last_begin = k.name_range.begin;
    any = true;
  }
  uint32_t close = call.range.end - 1;  // ')'
  if (!any) {
    std::string ins;
    for (const auto& a : add) ins += (ins.empty() ? "" : ", ") + a;
    edits.push_back({{close, close}, ins});
    return edits;
  }
  std::string_view between = c.text.substr(last, close - last);
  size_t comma = between.find(',');
  bool multiline = between.find('\n') != std::string_view::npos;
  std::string ins;
  uint32_t at = last;
  if (multiline) {
    uint32_t ls = line_start(c.text, last_begin);
    uint32_t k = ls;
    while (k < c.text.size() && (c.text[k] == ' ' || c.text[k] == '\t')) ++k;
    std::string arg_indent(c.text.substr(ls, k - ls));
    if (comma != std::string_view::npos) {
      at = last + static_cast<uint32_t>(comma) + 1;
      for (const auto& a : add) ins += c.eol + arg_indent + a + ",";
    } else {
      for (const auto& a : add) ins += "," + c.eol + arg_indent + a;
    }
  } else {
    for (const auto& a : add) ins += ", " + a;
  }
  edits.push_back({{at, at}, ins});
  return edits;
}

// Removes keyword `name` with the comma before it.
std::optional<TextEdit> remove_kw(const Expr& call, std::string_view name) {
  const alembic::Keyword* k = find_kw(call, name);
  if (!k || !k->value) return std::nullopt;
  uint32_t prev = call.range.begin;
  bool found = false;
  for (const auto& item : call.items)
    if (item->range.end <= k->name_range.begin && item->range.end >= prev) prev = item->range.end, found = true;
  for (const auto& o : call.keywords)
    if (&o != k && o.value && o.value->range.end <= k->name_range.begin && o.value->range.end >= prev) prev = o.value->range.end, found = true;
  if (!found) return std::nullopt;
  return TextEdit{{prev, k->value->range.end}, ""};
}

// add_column's column: op.add_column(table, column), batch_op.add_column(column).
const Expr* column_arg(const Ctx& c, const Expr& add_column) {
  if (const Expr* k = add_column.keyword("column")) return k;
  return add_column.arg(c.batch ? 0 : 1);
}

// The user's call with `edits`, as code of its own (a batch_op call turned into its op.* form).
std::string original_text(const Ctx& c, std::vector<TextEdit> edits) {
  if (c.batch) edits.insert(edits.end(), c.batch->to_op.begin(), c.batch->to_op.end());
  return relative(c, c.st->range, std::move(edits));
}

// ---- steps
std::vector<std::string> sql_calls(const Ctx& c, const std::string& sql, bool one_call) {
  std::vector<std::string> out;
  sql::SplitResult split = sql::split(sql);
  std::string joined;
  uint32_t prev = 0;
  for (const ByteRange& r : split.statements) {
    for (const ByteRange& cm : split.comments) {
      if (cm.begin < prev || cm.end > r.begin) continue;
      std::string_view body = std::string_view(sql).substr(cm.begin, cm.size());
      if (body.rfind("--", 0) == 0) body.remove_prefix(2);
      while (!body.empty() && body.front() == ' ') body.remove_prefix(1);
      out.push_back("# " + std::string(body));
    }
    std::string one = sql.substr(r.begin, r.size());
    while (!one.empty() && (one.back() == ';' || one.back() == ' ' || one.back() == '\n')) one.pop_back();
    prev = r.end;
    if (one_call) joined += (joined.empty() ? "" : ";\n") + one;
    else out.push_back("op.execute(" + py_str(c, one) + ")");
  }
  if (one_call && !joined.empty()) out.push_back("op.execute(" + py_str(c, joined) + ")");
  return out;
}

// Keyword edits that turn the original call into step.op.
std::optional<std::vector<TextEdit>> original_edits(const Ctx& c, const Step& step) {
  if (c.embedded_sql) return sql_original_edits(c.plan, c.analysis, c.text, c.config, step);
  const Operation& now = step.op;
  const Operation& was = *c.orig;
  std::vector<std::pair<std::string, std::string>> kws;
  if (now.kind == OpKind::CreateIndex || now.kind == OpKind::DropIndex) {
    if (now.concurrently && !was.concurrently) kws.push_back({"postgresql_concurrently", "True"});
    // if_not_exists / if_exists on create_index / drop_index: Alembic 1.12.
    if (at_least(c.config, 1, 12)) {
      if (now.kind == OpKind::CreateIndex && now.if_not_exists && !was.if_not_exists) kws.push_back({"if_not_exists", "True"});
      if (now.kind == OpKind::DropIndex && now.if_exists && !was.if_exists) kws.push_back({"if_exists", "True"});
    }
    return set_kwargs(c, *c.call, kws);
  }
  if (now.kind == OpKind::AddConstraint && now.constraint && was.constraint) {
    std::vector<TextEdit> edits;
    if (was.constraint->name.empty() && !now.constraint->name.empty()) {
      const Expr* name = c.call->keyword("constraint_name");
      if (!name) name = c.call->arg(0);
      if (!name || name->kind != ExprKind::Constant) return std::nullopt;
      edits.push_back({name->range, py_str(c, now.constraint->name)});
    }
    // A dialect option of SQLAlchemy's constraints (1.4.32+), passed through by create_foreign_key
    // and create_check_constraint.
    if (now.constraint->not_valid && !was.constraint->not_valid)
      for (auto& e : set_kwargs(c, *c.call, {{"postgresql_not_valid", "True"}})) edits.push_back(e);
    return edits;
  }
  if (now.kind == was.kind) return std::vector<TextEdit>{};
  return std::nullopt;
}

// Steps that are the original op itself (re-emitted by a recipe) or, for add_column, the
// original made nullable: written from the user's own call so its arguments survive.
bool from_original(const Ctx& c, const Step& step) {
  if (c.embedded_sql || step.kind != StepKind::Op || step.original_changed) return false;
  const Operation& o = step.op;
  return o.kind == c.orig->kind && o.table == c.orig->table && o.column == c.orig->column &&
         (o.kind == OpKind::SetNotNull || o.kind == OpKind::AddColumn);
}

std::optional<std::vector<std::string>> step_code(const Ctx& c, const Step& step, bool atomic) {
  const Operation& op = step.op;
  if (step.original_changed) {
    auto edits = original_edits(c, step);
    if (!edits) return std::nullopt;
    return std::vector<std::string>{original_text(c, *edits)};
  }
  if (from_original(c, step)) {
    std::vector<TextEdit> edits;
    if (op.kind == OpKind::AddColumn) {
      const Expr* col = column_arg(c, *c.call);
      if (!col || col->kind != ExprKind::Call) return std::nullopt;
      if (!op.column_spec->not_null) {
        const alembic::Keyword* n = find_kw(*col, "nullable");
        if (n && n->value) edits.push_back({n->value->range, "True"});
      }
      if (!op.column_spec->has_default)
        if (auto rm = remove_kw(*col, "server_default")) edits.push_back(*rm);
    }
    return std::vector<std::string>{original_text(c, edits)};
  }
  switch (step.kind) {
    case StepKind::Note: {
      std::vector<std::string> out;
      std::string line;
      for (char ch : step.text + "\n") {
        if (ch == '\n') out.push_back("# " + line), line.clear();
        else line += ch;
      }
      return out;
    }
    case StepKind::Op:
      if (!atomic) {
        switch (op.kind) {
          case OpKind::CreateIndex: {
            if (!op.index || op.index->expression || op.index->partial) break;
            std::string cols;
            for (const auto& col : op.index->columns) cols += (cols.empty() ? "" : ", ") + py_str(c, col);
            std::string call = "op.create_index(" + py_str(c, op.index->name) + ", " + name_args(c, op.table) + ", [" + cols + "]";
            if (op.index->unique) call += ", unique=True";
            if (op.index->concurrently) call += ", postgresql_concurrently=True";
            if (op.index->if_not_exists && at_least(c.config, 1, 12)) call += ", if_not_exists=True";
            return std::vector<std::string>{call + schema_kw(c, op.table) + ")"};
          }
          case OpKind::SetNotNull:
            return std::vector<std::string>{"op.alter_column(" + name_args(c, op.table) + ", " + py_str(c, op.column) +
                                            ", nullable=False" + schema_kw(c, op.table) + ")"};
          case OpKind::DropConstraint:
            return std::vector<std::string>{"op.drop_constraint(" + py_str(c, op.object.name) + ", " + name_args(c, op.table) +
                                            schema_kw(c, op.table) + ")"};
          case OpKind::SetDefault: {
            // The add_column's own server_default, as the user wrote it.
            if (c.embedded_sql || c.orig->kind != OpKind::AddColumn) break;
            const Expr* col = column_arg(c, *c.call);
            const Expr* d = col && col->kind == ExprKind::Call ? col->keyword("server_default") : nullptr;
            if (!d) break;
            return std::vector<std::string>{"op.alter_column(" + name_args(c, op.table) + ", " + py_str(c, op.column) +
                                            ", server_default=" + src(c, d->range) + schema_kw(c, op.table) + ")"};
          }
          case OpKind::DropColumn:
            return std::vector<std::string>{"op.drop_column(" + name_args(c, op.table) + ", " + py_str(c, op.column) +
                                            schema_kw(c, op.table) + ")"};
          case OpKind::RenameColumn:
            return std::vector<std::string>{"op.alter_column(" + name_args(c, op.table) + ", " + py_str(c, op.column) +
                                            ", new_column_name=" + py_str(c, op.new_name) + schema_kw(c, op.table) + ")"};
          default:
            break;
        }
      }
      [[fallthrough]];
    default: {
      Step plain = step;
      if (plain.op.kind == OpKind::SetSetting && plain.op.setting) plain.op.setting->is_local = false;
      auto sql = sql_for_step(c.plan, c.analysis, c.config, plain);
      if (!sql) return std::nullopt;
      return sql_calls(c, *sql, atomic);
    }
  }
}

// ---- where things are
bool locate(const std::vector<Stmt>& body, ByteRange r, std::vector<const Stmt*>& chain, const Stmt*& out) {
  for (const Stmt& st : body) {
    if (st.range.begin > r.begin || r.end > st.range.end) continue;
    if (st.body.empty() && st.orelse.empty()) {
      out = &st;
      return true;
    }
    chain.push_back(&st);
    return locate(st.body, r, chain, out) || locate(st.orelse, r, chain, out);
  }
  return false;
}

// The call `with X.method(...):` opens (one item), or null.
const Expr* with_method_call(const Stmt& st, std::string_view method) {
  if (st.kind != StmtKind::With || st.with_items.size() != 1 || !st.with_items[0].context) return nullptr;
  const Expr& e = *st.with_items[0].context;
  bool match = e.kind == ExprKind::Call && e.value && e.value->kind == ExprKind::Attribute && e.value->text == method;
  return match ? &e : nullptr;
}

bool is_autocommit_with(const Stmt& st) { return with_method_call(st, "autocommit_block") != nullptr; }

bool is_batch_with(const Stmt& st) {
  const Expr* e = with_method_call(st, "batch_alter_table");
  return e && e->value->value && (e->value->value->dotted() == "op" || e->value->value->dotted() == "alembic.op");
}

// Why a block around the call keeps it from being rewritten.
std::string enclosing_refusal(const Stmt& st) {
  switch (st.kind) {
    case StmtKind::For:
    case StmtKind::While: return "inside a loop (the call may run any number of times): not rewritten";
    case StmtKind::If: return "inside a conditional (the rewrite would have to hold on every branch): not rewritten";
    case StmtKind::Try: return "inside a try block (an exception handler may depend on where it fails): not rewritten";
    case StmtKind::With:
      return is_batch_with(st) ? "inside a batch_alter_table block nested in another block: not rewritten"
                               : "inside a with block other than autocommit_block: not rewritten";
    default: return "inside a compound statement: not rewritten";
  }
}

// Where op.X takes the table that batch_op.X gets from its block: the positional index, the
// keyword and the schema keyword of op.X (the batch form has the same arguments without them).
struct TableSlot {
  size_t position;
  const char* keyword;
  const char* schema;
};
std::optional<TableSlot> table_slot(std::string_view fn) {
  if (fn == "add_column" || fn == "drop_column" || fn == "alter_column") return TableSlot{0, "table_name", "schema"};
  if (fn == "create_foreign_key") return TableSlot{1, "source_table", "source_schema"};
  if (fn == "create_index" || fn == "drop_index" || fn == "create_check_constraint" || fn == "create_unique_constraint" ||
      fn == "create_primary_key" || fn == "drop_constraint")
    return TableSlot{1, "table_name", "schema"};
  return std::nullopt;
}

void batch_names(const Expr* e, const std::string& name, std::vector<TextEdit>& edits) {
  if (!e) return;
  if (e->kind == ExprKind::Name && e->text == name) edits.push_back({e->range, "op"});
  batch_names(e->value.get(), name, edits);
  for (const auto& i : e->items) batch_names(i.get(), name, edits);
  for (const auto& k : e->keywords) batch_names(k.value.get(), name, edits);
}

// Fills `b` for the call c.st inside the batch block `with`; the reason when it cannot be rewritten.
std::optional<std::string> batch_context(const Ctx& c, const Stmt& with, Batch& b) {
  const Expr& open = *with.with_items[0].context;
  b.with = &with;
  b.name = with.with_items[0].as_name;
  if (b.name.empty()) return "a batch_alter_table block without `as NAME`: not rewritten";
  if (const Expr* r = open.keyword("recreate"))
    if (r->kind != ExprKind::String || (r->str.value != "auto" && r->str.value != "never"))
      return "batch_alter_table with recreate=" + src(c, r->range) + " copies the table: not rewritten";
  bool found = false;
  for (size_t k = 0; k < with.body.size(); ++k) {
    const Stmt& st = with.body[k];
    if (&st == c.st) b.index = k, found = true;
    if (st.kind == StmtKind::Pass || alembic::is_docstring(st)) continue;
    const Expr* v = st.value.get();
    bool batch_call = st.kind == StmtKind::Expr && v && v->kind == ExprKind::Call && v->value &&
                      v->value->kind == ExprKind::Attribute && v->value->value && v->value->value->kind == ExprKind::Name &&
                      v->value->value->text == b.name;
    // Other code in the block runs at once, before the batch's ALTERs, which run at its end: moving
    // one ALTER out would change what runs before that code.
    if (!batch_call)
      return "the batch_alter_table block holds code other than " + b.name +
             " calls (it runs before the batch's ALTERs): not rewritten";
  }
  if (!found) return "the call is not a statement of the batch_alter_table block: not rewritten";
  const Expr& call = *c.call;
  const Expr& callee = *call.value;
  std::string fn = callee.text;
  auto slot = table_slot(fn);
  if (!slot) return b.name + "." + fn + "() has no op." + fn + "(table, ...) form zerolock writes: not rewritten";
  for (const auto& item : call.items)
    if (item->kind == ExprKind::Starred) return b.name + "." + fn + "(*args): not rewritten";
  for (const auto& k : call.keywords) {
    if (k.name.empty()) return b.name + "." + fn + "(**kwargs): not rewritten";
    if (k.name == "insert_before" || k.name == "insert_after")
      return b.name + "." + fn + "(" + k.name + "=...) only means something when the table is recreated: not rewritten";
  }
  const Expr* table = open.keyword("table_name") ? open.keyword("table_name") : open.arg(0);
  if (!table) return "batch_alter_table without a table: not rewritten";
  const Expr* schema = open.keyword("schema");
  if (schema && schema->kind == ExprKind::Constant && schema->text == "None") schema = nullptr;
  // batch_op.X(...) -> op.X(...), batch_op.f("name") -> op.f("name"): the block's name means
  // nothing after it (and a call on it after the block is queued and never runs).
  batch_names(&call, b.name, b.to_op);
  std::vector<std::pair<std::string, std::string>> kws;
  if (call.items.size() > slot->position) {
    // The table as the positional argument it is in op.X, on its own line when the arguments are.
    const Expr& at = *call.items[slot->position];
    uint32_t prev = slot->position > 0 ? call.items[slot->position - 1]->range.end : callee.range.end;
    std::string_view between = c.text.substr(prev, at.range.begin - prev);
    std::string sep = ", ";
    if (between.find('\n') != std::string_view::npos) {
      auto ind = indent_before(c.text, at.range.begin);
      sep = "," + c.eol + ind.value_or("");
    }
    b.to_op.push_back({{at.range.begin, at.range.begin}, src(c, table->range) + sep});
  } else {
    kws.push_back({slot->keyword, src(c, table->range)});
  }
  if (schema) kws.push_back({slot->schema, src(c, schema->range)});
  for (auto& e : set_kwargs(c, call, kws)) b.to_op.push_back(std::move(e));
  return std::nullopt;
}

std::string indent_unit(std::string_view text, const Stmt& def) {
  auto outer = indent_before(text, def.range.begin);
  if (!def.body.empty() && outer) {
    auto inner = indent_before(text, def.body.front().range.begin);
    if (inner && inner->size() > outer->size() && inner->rfind(*outer, 0) == 0) return inner->substr(outer->size());
  }
  return "    ";
}

std::string detect_quote(std::string_view text, const alembic::Module& m) {
  // The quote of the first string argument of an op.* call (or of `revision = ...`).
  size_t dq = 0, sq = 0;
  for (const Stmt& st : m.body) {
    if ((st.kind == StmtKind::Assign) && st.value && st.value->kind == ExprKind::String && st.value->range.size() > 0) {
      char q = text[st.value->range.begin];
      (q == '\'' ? sq : dq)++;
    }
  }
  return sq > dq ? "'" : "\"";
}

const Stmt* first_code(const Stmt& def) {
  for (const Stmt& st : def.body)
    if (!alembic::is_docstring(st)) return &st;
  return nullptr;
}

// The edit that writes `replacement` in place of `r`: the common prefix is left alone, the rest of
// the statement is replaced. Never zero-width: a second copy of the same fix in one fix_all pass
// (two rules offering one recipe) then conflicts instead of inserting twice.
TextEdit minimal(std::string_view text, ByteRange r, const std::string& replacement) {
  std::string_view old = text.substr(r.begin, r.size());
  size_t p = 0;
  while (p < old.size() && p < replacement.size() && old[p] == replacement[p]) ++p;
  if (p == old.size() && p > 0) --p;
  return TextEdit{{r.begin + static_cast<uint32_t>(p), r.end}, replacement.substr(p)};
}

std::string join_chunks(const Ctx& c, const std::vector<Chunk>& chunks) {
  std::string out;
  for (size_t i = 0; i < chunks.size(); ++i) {
    std::string base = c.indent;
    for (int l = 0; l < chunks[i].level; ++l) base += c.unit;
    if (i > 0) out += c.eol + base;
    const std::string& code = chunks[i].code;
    for (size_t k = 0; k < code.size(); ++k) {
      if (code[k] != '\n') {
        out += code[k];
        continue;
      }
      out += c.eol;
      if (k + 1 < code.size() && code[k + 1] != '\n') out += base;
    }
  }
  return out;
}

// The batch block with the rewritten call taken out: the calls before it stay in the block, the
// call's code follows at the block's level, and the calls after it go into a second block with the
// same header (batch ops run when their block exits, so this keeps every ALTER in its order). An
// empty block is not written. Comment lines just before the call move with it; its own trailing
// comment follows the code.
std::optional<TextEdit> batch_split(const Ctx& c, const std::vector<Chunk>& chunks) {
  const Stmt& w = *c.batch->with;
  const std::vector<Stmt>& body = w.body;
  size_t k = c.batch->index;
  std::string_view t = c.text;
  auto line_end = [&](uint32_t at) {
    while (at < t.size() && t[at] != '\n' && t[at] != '\r') ++at;
    return at;
  };
  uint32_t call_end = line_end(c.st->range.end);
  std::string trailing(t.substr(c.st->range.end, call_end - c.st->range.end));
  size_t nonblank = trailing.find_first_not_of(" \t");
  if (nonblank == std::string::npos) trailing.clear();
  else if (trailing[nonblank] != '#') return std::nullopt;
  std::string out;
  uint32_t from = line_end(w.header.end);
  if (k > 0) {
    from = line_end(body[k - 1].range.end);
    out += std::string(t.substr(w.range.begin, from - w.range.begin)) + c.eol + c.indent;
  }
  // Comment lines between the previous statement (or the header) and the call.
  uint32_t to = line_start(t, c.st->range.begin);
  for (uint32_t at = from; at < to;) {
    uint32_t e = line_end(at);
    std::string_view line = t.substr(at, e - at);
    size_t b = line.find_first_not_of(" \t\r\n");
    if (b != std::string_view::npos && line[b] == '#') out += std::string(line.substr(b)) + c.eol + c.indent;
    at = e;
    while (at < to && (t[at] == '\n' || t[at] == '\r')) ++at;
  }
  out += join_chunks(c, chunks) + trailing;
  uint32_t end = call_end;
  if (k + 1 < body.size()) {
    out += c.eol + c.indent + std::string(t.substr(w.header.begin, w.header.size())) +
           std::string(t.substr(call_end, w.range.end - call_end));
    end = w.range.end;
  }
  return minimal(t, {w.range.begin, end}, out);
}

// `from alembic import op` when the module does not bind `op` yet (the code the fixes write uses it),
// after the module's last top-level import.
std::optional<TextEdit> op_import(std::string_view text, const alembic::Module& m, const std::string& eol) {
  const Stmt* last = nullptr;
  for (const Stmt& st : m.body) {
    if (st.kind != StmtKind::Import && st.kind != StmtKind::ImportFrom) continue;
    last = &st;
    for (const auto& n : st.names) {
      std::string bound = n.alias.empty() ? n.name : n.alias;
      if (bound == "op" && (st.kind == StmtKind::ImportFrom ? st.module == "alembic" : false)) return std::nullopt;
    }
  }
  uint32_t at = 0;
  if (last) {
    at = last->range.end;
    while (at < text.size() && text[at] != '\n') ++at;
    if (at < text.size()) ++at;
    return TextEdit{{at, at}, "from alembic import op" + eol};
  }
  return TextEdit{{0, 0}, "from alembic import op" + eol};
}

RenderedFix fail(std::string why) {
  RenderedFix r;
  r.why_not = std::move(why);
  return r;
}

std::string sanitize(const std::string& s) {
  std::string out;
  for (char ch : s) {
    if (std::isalnum(static_cast<unsigned char>(ch))) out += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    else if (!out.empty() && out.back() != '_') out += '_';
    if (out.size() >= 24) break;
  }
  while (!out.empty() && out.back() == '_') out.pop_back();
  return out;
}

// The revision a later phase follows: this one, or, when the versions directory holds one line of
// descendants of it, the head at its end (a new revision off a middle revision would make two heads).
std::string later_parent(const Config& config, const std::string& path, const std::string& revision,
                         const std::string& own_id) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path file(path);
  fs::path dir = file.parent_path().empty() ? fs::path(".") : file.parent_path();
  // Outside the workspace folders the language server was given: the other revisions are not read.
  if (path.empty() || !fs::is_directory(dir, ec) || !config.may_read(dir)) return revision;
  std::map<std::string, std::vector<std::string>> children;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().extension() != ".py" || it->path().filename() == file.filename()) continue;
    std::ifstream in(it->path(), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    alembic::RevisionIds ids = alembic::revision_ids(ss.str());
    if (!ids.revision || *ids.revision == own_id) continue;
    for (const std::string& d : ids.down_revisions) children[d].push_back(*ids.revision);
  }
  std::string at = revision;
  std::set<std::string> seen;
  while (children[at].size() == 1 && seen.insert(at).second) at = children[at].front();
  return children[at].empty() ? at : revision;
}

// The phases of a revision of zerolock's own (a later phase, its rollback), in order: autocommit
// phases inside one autocommit block (opened at the first of them), the others at the top level.
bool phase_chunks(const Ctx& c, const std::vector<const Phase*>& phases, std::vector<Chunk>& chunks) {
  bool block_open = false;
  for (const Phase* phase : phases) {
    int level = 0;
    if (phase->run == PhaseRun::Autocommit) {
      if (!block_open) chunks.push_back({0, "with op.get_context().autocommit_block():"});
      block_open = true;
      level = 1;
    }
    for (const Step& st : phase->steps) {
      auto code = step_code(c, st, false);
      if (!code) return false;
      for (auto& line : *code) chunks.push_back({level, line});
    }
  }
  return true;
}

// later_deploy phases: a new revision revising this one (deterministic id, so fixing twice names
// the same file). Its downgrade cannot bring back what the contract phase drops: said, and suppressed.
std::optional<NewFile> later_revision(const Ctx& outer, const alembic::Module& module, const std::vector<const Phase*>& later) {
  std::optional<std::string> revision;
  for (const Stmt& st : module.body)
    if (st.kind == StmtKind::Assign && st.targets.size() == 1 && st.targets[0]->kind == ExprKind::Name &&
        st.targets[0]->text == "revision" && st.value && st.value->kind == ExprKind::String)
      revision = st.value->str.value;
  if (!revision) return std::nullopt;
  uint64_t h = 1469598103934665603ull;
  for (char ch : *revision + "|" + outer.plan.recipe + "|" + outer.s->parsed->summary) h = (h ^ static_cast<unsigned char>(ch)) * 1099511628211ull;
  static const char* hex = "0123456789abcdef";
  std::string id;
  for (int k = 0; k < 12; ++k) id += hex[(h >> (k * 4)) & 15];
  Ctx c = outer;
  c.indent = c.unit;
  const Chunk timeout{0, "op.execute(" + py_str(c, "SET lock_timeout = '" + c.config.lock_timeout + "'") + ")"};
  std::vector<Chunk> chunks{timeout};
  if (!phase_chunks(c, later, chunks)) return std::nullopt;
  // Its downgrade() brings back what the contract dropped, when the plan says how (later_undo).
  std::vector<Chunk> undo;
  if (!outer.plan.later_undo.empty()) {
    std::vector<const Phase*> phases;
    for (const Phase& ph : outer.plan.later_undo) phases.push_back(&ph);
    undo.push_back(timeout);
    if (!phase_chunks(c, phases, undo)) return std::nullopt;
  }
  std::string file = std::filesystem::path(outer.analysis.migration.path).filename().string();
  std::string parent = later_parent(outer.config, outer.analysis.migration.path, *revision, id);
  std::string q = c.quote;
  std::string e = c.eol;
  std::string text = "\"\"\"zerolock: later phase of " + file + " (" + outer.plan.title + ")" + e + e +
                     "Deploy it after every application instance runs code that no longer needs the old schema." + e + e +
                     "Revision ID: " + id + e + "Revises: " + parent + e + "\"\"\"" + e + "from alembic import op" + e + e +
                     "# revision identifiers, used by Alembic." + e + "revision = " + py_str(c, id) + e +
                     "down_revision = " + py_str(c, parent) + e + "branch_labels = None" + e + "depends_on = None" + e + e + e +
                     "def upgrade():" + e + c.unit + join_chunks(c, chunks) + e + e + e +
                     (undo.empty() ? "# zerolock-disable-next-line missing-downgrade -- the contract phase drops what the old schema "
                                     "had; restore it from a backup or by hand" + e + "def downgrade():" + e + c.unit + "pass" + e
                                   : "def downgrade():" + e + c.unit + join_chunks(c, undo) + e);
  return NewFile{id + "_zerolock_" + sanitize(later.front()->label) + ".py", text};
}

// The plan's undo_first steps in downgrade(), before the first top-level statement of it that
// touches the rewritten statement's tables (the user's own inverse: renaming back, dropping), so
// they run first in the reverse order; else at the start of its body. Nothing when downgrade() is
// absent or empty (missing-downgrade is about that). Returns why when a step cannot be written.
std::optional<std::string> undo_first_edit(const Ctx& outer, const alembic::Module& module, std::vector<TextEdit>& edits) {
  const Stmt* downgrade = nullptr;
  for (const Stmt& st : module.body)
    if (st.kind == StmtKind::Def && st.name == "downgrade") downgrade = &st;
  if (!downgrade) return std::nullopt;
  const Stmt* first = first_code(*downgrade);
  if (!first || (downgrade->body.size() == 1 && first->kind == StmtKind::Pass)) return std::nullopt;
  std::set<std::string> tables{SchemaDelta::fold(outer.orig->table)};
  if (!outer.orig->new_name.empty()) tables.insert(SchemaDelta::fold(QualifiedName{outer.orig->table.schema, outer.orig->new_name}));
  const Stmt* anchor = nullptr;
  for (const Stmt& st : downgrade->body) {
    if (alembic::is_docstring(st)) continue;
    for (const Statement& s : outer.analysis.migration.statements) {
      if (s.section != Section::Downgrade || !s.parsed || s.range.begin < st.range.begin || s.range.end > st.range.end) continue;
      for (const Operation& op : s.parsed->ops)
        if (tables.count(SchemaDelta::fold(op.table))) anchor = &st;
      if (anchor) break;
    }
    if (anchor) break;
  }
  if (!anchor) anchor = first;
  // The user's inverse that the rollback steps take the place of (renaming a column back onto the
  // old one, which the expand phase kept): a top-level call of exactly that operation. The same
  // column used any other way in downgrade() is beyond what this can rewrite.
  const Stmt* replaced = nullptr;
  if (const auto& r = outer.plan.undo_replaces) {
    // The names the table takes in downgrade() (renamed back before its column is): the rollback
    // steps would name the table wrongly, and the user's inverse is then not recognised.
    std::set<std::string> renamed;
    for (const Statement& s : outer.analysis.migration.statements) {
      if (s.section != Section::Downgrade || !s.parsed) continue;
      for (const Operation& op : s.parsed->ops) {
        std::string t = SchemaDelta::fold(op.table);
        if (op.kind == OpKind::RenameTable && (t == SchemaDelta::fold(r->table) || renamed.count(t))) {
          renamed.insert(SchemaDelta::fold(QualifiedName{op.table.schema, op.new_name}));
          continue;
        }
        if (renamed.count(t) && (op.column == r->column || op.new_name == r->column))
          return std::string("downgrade() renames the table back before it uses the column the rollback of the rewrite "
                             "drops: not rewritten");
        if (t != SchemaDelta::fold(r->table) || (op.column != r->column && op.new_name != r->column)) continue;
        bool same = op.kind == r->kind && op.column == r->column && op.new_name == r->new_name && s.parsed->ops.size() == 1;
        const Stmt* top = nullptr;
        for (const Stmt& st : downgrade->body)
          if (st.range.begin <= s.range.begin && s.range.end <= st.range.end) top = &st;
        // The inverse inside a batch block: dropping the new column there instead would have to leave
        // the block the way the upgrade's call did; not written.
        if (top && is_batch_with(*top))
          return std::string("the rollback of the rewrite would replace the user's ") +
                 (op.kind == OpKind::RenameColumn ? "rename back" : "use of the column") +
                 " in downgrade(), which is inside a batch_alter_table block: not rewritten";
        if (!same || replaced || !top || top->kind != StmtKind::Expr || !top->value || top->value->range != s.range)
          return std::string("the column is used in downgrade() in a way the rollback of the rewrite cannot take over: "
                             "not rewritten");
        replaced = top;
      }
    }
  }
  if (replaced) anchor = replaced;
  auto ind = indent_before(outer.text, anchor->range.begin);
  if (!ind) return std::string("cannot write the rollback of the rewrite in downgrade()");
  Ctx c = outer;
  c.indent = *ind;
  std::string ins;
  for (const Step& st : outer.plan.undo_first) {
    auto code = step_code(c, st, false);
    if (!code) return std::string("cannot write the rollback of the rewrite in downgrade()");
    for (const auto& line : *code) ins += (ins.empty() ? "" : c.eol + *ind) + line;
  }
  uint32_t ls = line_start(outer.text, anchor->range.begin);
  // Not zero-width (as the lock_timeout line): a second copy of this fix in one pass conflicts.
  if (replaced) edits.push_back({{ls, anchor->range.end}, *ind + ins});
  else edits.push_back({{ls, anchor->range.begin}, *ind + ins + c.eol + *ind});
  return std::nullopt;
}

// The generate-downgrade plan: downgrade()'s body replaced (it only held pass / ... / raise), or a
// new downgrade() after the last function.
RenderedFix render_downgrade(const FixPlan& plan, std::string_view text, const alembic::Module& module, const Config& config,
                             const Analysis& analysis) {
  Ctx c(plan, analysis, text, config);
  if (text.find("\r\n") != std::string_view::npos) c.eol = "\r\n";
  c.quote = detect_quote(text, module);
  const Stmt* upgrade = nullptr;
  const Stmt* downgrade = nullptr;
  for (const Stmt& st : module.body) {
    if (st.kind != StmtKind::Def) continue;
    if (st.name == "upgrade") upgrade = &st;
    if (st.name == "downgrade") downgrade = &st;
  }
  if (!upgrade) return fail("no upgrade()");
  c.unit = indent_unit(text, *upgrade);
  std::vector<std::string> lines;
  for (const Phase& phase : plan.phases) {
    for (const Step& st : phase.steps) {
      const Operation& op = st.op;
      std::string t = py_str(c, op.table.name), sk = schema_kw(c, op.table);
      switch (op.kind) {
        case OpKind::DropTable: lines.push_back("op.drop_table(" + t + sk + ")"); break;
        case OpKind::DropColumn: lines.push_back("op.drop_column(" + t + ", " + py_str(c, op.column) + sk + ")"); break;
        case OpKind::DropIndex:
          lines.push_back("op.drop_index(" + py_str(c, op.object.name) + ", table_name=" + t + sk + ")");
          break;
        case OpKind::DropConstraint: lines.push_back("op.drop_constraint(" + py_str(c, op.object.name) + ", " + t + sk + ")"); break;
        case OpKind::DropNotNull:
          lines.push_back("op.alter_column(" + t + ", " + py_str(c, op.column) + ", nullable=True" + sk + ")");
          break;
        default: return fail("cannot write a downgrade step");
      }
    }
  }
  if (lines.empty()) return fail("nothing to undo");
  RenderedFix out;
  if (downgrade) {
    const Stmt* first = first_code(*downgrade);
    if (!first) return fail("downgrade() has only a docstring");
    auto ind = indent_before(text, first->range.begin);
    if (!ind) return fail("downgrade()'s body shares its line with the def");
    std::string body;
    for (size_t i = 0; i < lines.size(); ++i) body += (i ? c.eol + *ind : "") + lines[i];
    out.edits.push_back({{first->range.begin, downgrade->body.back().range.end}, body});
  } else {
    // `def downgrade() -> None:` when upgrade() is annotated that way.
    std::string header(text.substr(upgrade->range.begin, upgrade->header.size()));
    bool annotated = header.find("->") != std::string::npos && header.find("None") != std::string::npos;
    // After the last code line; the file's trailing newlines stay after the new function.
    uint32_t at = static_cast<uint32_t>(text.size());
    while (at > 0 && (text[at - 1] == '\n' || text[at - 1] == '\r' || text[at - 1] == ' ' || text[at - 1] == '\t')) --at;
    std::string ins = c.eol + c.eol + c.eol + (upgrade->is_async ? "async " : "") + "def downgrade()" + (annotated ? " -> None" : "") + ":";
    for (const auto& line : lines) ins += c.eol + c.unit + line;
    if (at == text.size()) ins += c.eol;
    out.edits.push_back({{at, at}, ins});
  }
  if (auto imp = op_import(text, module, c.eol)) out.edits.insert(out.edits.begin(), *imp);
  out.ok = true;
  return out;
}

}  // namespace

RenderedFix render_alembic(const FixPlan& plan, const Analysis& analysis, std::string_view text, const Config& config) {
  const auto& statements = analysis.migration.statements;
  alembic::Module module = alembic::parse_module(text);
  if (!module.errors.empty()) return fail("the revision has Python syntax errors");
  if (plan.recipe == "generate-downgrade") return render_downgrade(plan, text, module, config, analysis);
  if (plan.statement < 0 || static_cast<size_t>(plan.statement) >= statements.size())
    return fail("no Alembic rendering for this file-level fix");
  const Statement& s = statements[static_cast<size_t>(plan.statement)];
  if (!s.parsed || s.parsed->error) return fail("the statement did not parse");

  Ctx c(plan, analysis, text, config);
  if (text.find("\r\n") != std::string_view::npos) c.eol = "\r\n";
  c.quote = detect_quote(text, module);
  c.s = &s;
  std::vector<const Stmt*> chain;
  if (!locate(module.body, s.range, chain, c.st) || chain.empty() || chain.front()->kind != StmtKind::Def)
    return fail("the op call is not inside a function");
  const Stmt* batch_with = nullptr;
  for (size_t k = 1; k < chain.size(); ++k) {
    if (is_autocommit_with(*chain[k])) continue;
    if (k + 1 == chain.size() && is_batch_with(*chain[k])) batch_with = chain[k];
    else return fail(enclosing_refusal(*chain[k]));
  }
  const Stmt& def = *chain.front();
  c.unit = indent_unit(text, def);
  auto ind = indent_before(text, c.st->range.begin);
  if (!ind) return fail("the call shares its line with other code");
  c.indent = *ind;
  if (c.st->kind != StmtKind::Expr || !c.st->value || c.st->value->kind != ExprKind::Call) return fail("not a plain call statement");
  c.call = c.st->value.get();
  Batch batch;
  if (batch_with) {
    if (auto why = batch_context(c, *batch_with, batch)) return fail(*why);
    auto with_ind = indent_before(text, batch_with->range.begin);
    if (!with_ind) return fail("the batch_alter_table block shares its line with other code");
    // The rewritten code is written at the with statement's level, out of the block.
    c.src_indent = c.indent;
    c.indent = *with_ind;
    c.batch = &batch;
  }
  c.embedded_sql = c.call->range != s.range;
  if (c.plan.op_index >= 0) c.orig = &s.parsed->ops[static_cast<size_t>(plan.op_index)];
  else if (s.parsed->ops.size() == 1) c.orig = &s.parsed->ops.front();
  if (!c.orig) return fail("no single operation to rewrite");
  // An op.execute holding several statements: the call stays as it is, so only keyword edits of
  // this statement in place, followed by phases that run after the whole call, can be written.
  size_t shared_call = 0;
  if (c.embedded_sql) {
    for (const Statement& o : statements) shared_call += o.range.begin >= c.call->range.begin && o.range.end <= c.call->range.end;
    shared_call = shared_call > 1;
  }

  RenderedFix out;
  std::vector<Chunk> chunks;
  std::vector<std::string> before;
  bool moved = false, block_open = false, replaces = false;
  std::vector<const Phase*> later;
  const Step* shared_original = nullptr;
  for (const Phase& phase : plan.phases) {
    if (phase.later_deploy) {
      // A later revision belongs to the way forward, never to a downgrade.
      if (s.section == Section::Downgrade) return fail("a phased rewrite inside downgrade()");
      later.push_back(&phase);
      continue;
    }
    std::vector<const Step*> rest;
    for (const Step& st : phase.steps) {
      if (st.before_original) {
        auto code = step_code(c, st, false);
        if (!code) return fail("cannot write a step for Alembic");
        for (auto& line : *code) before.push_back(line);
      } else {
        rest.push_back(&st);
      }
    }
    if (rest.empty()) continue;
    replaces = true;
    bool here = !moved && (!s.in_transaction || phase.run == PhaseRun::SameTransaction);
    if (!here) moved = true;
    int level = 0;
    if (!here && s.in_transaction) {
      if (!block_open) chunks.push_back({0, "with op.get_context().autocommit_block():"});
      block_open = true;
      level = 1;
    }
    bool one_call = phase.atomic && !here && rest.size() > 1;
    if (shared_call && one_call) return fail("op.execute() with several statements: split it into one call per statement first");
    if (one_call) {
      // One op.execute with every statement: PostgreSQL runs it as one implicit transaction.
      std::string sql;
      for (const Step* st : rest) {
        if (st->original_changed || from_original(c, *st)) return fail("an atomic phase mixes the original call with SQL");
        auto one = sql_for_step(plan, analysis, config, *st);
        if (!one) return fail("cannot write a step in SQL");
        sql += *one + ";\n";
      }
      for (auto& line : sql_calls(c, sql, true)) chunks.push_back({level, line});
      continue;
    }
    for (const Step* st : rest) {
      if (shared_call && here && !st->original_changed)
        return fail("op.execute() with several statements: split it into one call per statement first");
      if (shared_call && !here && st->original_changed)
        return fail("op.execute() with several statements: split it into one call per statement first");
      if (st->original_changed) shared_original = st;
      auto code = step_code(c, *st, false);
      if (!code) return fail("cannot write a step for Alembic");
      for (auto& line : *code) chunks.push_back({level, line});
    }
  }

  std::vector<TextEdit> edits;
  if (!before.empty()) {
    const Stmt* first = first_code(def);
    if (!first) return fail("the function has no statement to insert before");
    auto first_indent = indent_before(text, first->range.begin);
    if (!first_indent) return fail("the function's first statement shares its line");
    uint32_t ls = line_start(text, first->range.begin);
    std::string ins;
    for (const auto& line : before) ins += *first_indent + line + c.eol;
    // Not a zero-width insertion: a second copy of this fix in the same pass conflicts instead of
    // inserting the line twice.
    edits.push_back({{ls, first->range.begin}, ins + *first_indent});
  }
  if (replaces && shared_call) {
    // The call stays: this statement's keyword edits (each widened over the character before it,
    // so a duplicate of this fix conflicts instead of inserting twice), then what runs after.
    if (!shared_original) return fail("op.execute() with several statements: split it into one call per statement first");
    for (TextEdit e : sql_original_edits(plan, analysis, text, config, *shared_original)) {
      if (e.range.size() == 0 && e.range.begin > c.call->range.begin)
        e = {{e.range.begin - 1, e.range.end}, std::string(1, text[e.range.begin - 1]) + e.new_text};
      edits.push_back(std::move(e));
    }
    std::vector<Chunk> tail(chunks.begin() + 1, chunks.end());
    if (!tail.empty()) edits.push_back({{c.st->range.end, c.st->range.end}, c.eol + c.indent + join_chunks(c, tail)});
  } else if (replaces && c.batch) {
    if (chunks.empty()) return fail("nothing to write");
    auto e = batch_split(c, chunks);
    if (!e) return fail("the batch_op call shares its line with other code");
    edits.push_back(std::move(*e));
  } else if (replaces) {
    if (chunks.empty()) return fail("nothing to write");
    std::string replacement = join_chunks(c, chunks);
    TextEdit e = minimal(text, c.st->range, replacement);
    if (e.range.size() > 0 || !e.new_text.empty()) edits.push_back(std::move(e));
  }
  if (!edits.empty() && !plan.undo_first.empty() && s.section == Section::Upgrade)
    if (auto why = undo_first_edit(c, module, edits)) return fail(*why);
  if (!edits.empty())
    if (auto imp = op_import(text, module, c.eol)) edits.push_back(*imp);
  std::stable_sort(edits.begin(), edits.end(), [](const TextEdit& a, const TextEdit& b) { return a.range.begin < b.range.begin; });
  for (size_t i = 1; i < edits.size(); ++i)
    if (edits[i].range.begin < edits[i - 1].range.end) return fail("overlapping edits");
  if (edits.empty()) return fail("nothing to change");
  if (!later.empty()) {
    auto file = later_revision(c, module, later);
    if (!file) return fail("later phases need a revision file and this one has no literal revision id");
    out.new_files.push_back(std::move(*file));
  }
  out.edits = std::move(edits);
  out.ok = true;
  return out;
}

}  // namespace zerolock::fixes
