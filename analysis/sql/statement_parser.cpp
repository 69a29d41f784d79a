#include "sql/statement_parser.h"

#include <pg_query.h>

#include <unordered_map>

#include "sql/alter_table_ops.h"
#include "sql/parse_tree.h"
#include "sql/scanner.h"

namespace zerolock::sql {
namespace {

using tree::child;
using tree::flag;
using tree::json;
using tree::str;

ByteRange whole(std::string_view text) { return {0, static_cast<uint32_t>(text.size())}; }

Operation make(OpKind kind, std::string_view text) {
  Operation op;
  op.kind = kind;
  op.range = whole(text);
  return op;
}

bool has_def_option(const json& stmt, const char* list_key, const char* name) {
  const json* options = child(stmt, list_key);
  if (!options || !options->is_array()) return false;
  for (const json& o : *options) {
    if (const json* d = child(o, "DefElem"); d && str(*d, "defname") == name) {
      // VACUUM (FULL false) is not FULL.
      const json* arg = child(*d, "arg");
      if (arg && tree::constant_text(*arg) == "false") return false;
      return true;
    }
  }
  return false;
}

OpKind drop_kind(const std::string& remove_type) {
  static const std::unordered_map<std::string, OpKind> kinds = {
      {"OBJECT_TABLE", OpKind::DropTable},       {"OBJECT_INDEX", OpKind::DropIndex},
      {"OBJECT_VIEW", OpKind::DropView},         {"OBJECT_MATVIEW", OpKind::DropMaterializedView},
      {"OBJECT_TYPE", OpKind::DropType},         {"OBJECT_SEQUENCE", OpKind::DropSequence},
      {"OBJECT_TRIGGER", OpKind::DropTrigger},   {"OBJECT_EXTENSION", OpKind::DropExtension},
      {"OBJECT_SCHEMA", OpKind::DropSchema},     {"OBJECT_FUNCTION", OpKind::DropFunction},
      {"OBJECT_PROCEDURE", OpKind::DropFunction}, {"OBJECT_POLICY", OpKind::DropPolicy},
      {"OBJECT_DOMAIN", OpKind::DropType},
  };
  auto it = kinds.find(remove_type);
  return it == kinds.end() ? OpKind::Other : it->second;
}

void drop_ops(const json& s, std::string_view text, std::vector<Operation>& ops) {
  std::string remove_type = str(s, "removeType");
  OpKind kind = drop_kind(remove_type);
  const json* objects = child(s, "objects");
  Operation op = make(kind, text);
  op.concurrently = flag(s, "concurrent");
  op.if_exists = flag(s, "missing_ok");
  op.cascade = str(s, "behavior") == "DROP_CASCADE";
  op.detail = remove_type;
  std::vector<QualifiedName> names;
  if (objects && objects->is_array()) {
    for (const json& o : *objects) {
      std::vector<std::string> parts = tree::name_list(o);
      if (parts.empty()) {
        if (const json* tn = child(o, "TypeName")) parts = tree::string_list(child(*tn, "names"));
      }
      names.push_back(tree::qualified(parts));
    }
  }
  if (kind == OpKind::DropTrigger || kind == OpKind::DropPolicy) {
    // DROP TRIGGER trg ON tbl: names are [schema.]table.trigger
    if (objects && !objects->empty()) {
      std::vector<std::string> parts = tree::name_list((*objects)[0]);
      if (!parts.empty()) {
        op.object.name = parts.back();
        parts.pop_back();
        op.table = tree::qualified(parts);
      }
    }
    ops.push_back(std::move(op));
    return;
  }
  for (size_t i = 0; i < names.size(); ++i) {
    if (kind == OpKind::DropTable || kind == OpKind::DropView || kind == OpKind::DropMaterializedView) {
      if (i == 0) op.table = names[i]; else op.extra_tables.push_back(names[i]);
    } else {
      if (i == 0) op.object = names[i]; else op.extra_tables.push_back(names[i]);
    }
  }
  ops.push_back(std::move(op));
}

void rename_op(const json& s, std::string_view text, std::vector<Operation>& ops) {
  std::string type = str(s, "renameType");
  Operation op = make(OpKind::Other, text);
  op.table = tree::range_var(child(s, "relation"));
  op.new_name = str(s, "newname");
  op.if_exists = flag(s, "missing_ok");
  op.detail = type;
  if (type == "OBJECT_COLUMN") {
    op.kind = OpKind::RenameColumn;
    op.column = str(s, "subname");
  } else if (type == "OBJECT_TABLE") {
    op.kind = OpKind::RenameTable;
  } else if (type == "OBJECT_INDEX") {
    op.kind = OpKind::RenameIndex;
    op.object = op.table;
    op.table = {};
  } else if (type == "OBJECT_TABCONSTRAINT") {
    op.kind = OpKind::RenameConstraint;
    op.object.name = str(s, "subname");
  } else if (type == "OBJECT_VIEW" || type == "OBJECT_MATVIEW" || type == "OBJECT_SEQUENCE") {
    op.kind = OpKind::RenameTable;  // same lock: ACCESS EXCLUSIVE on the relation
  } else if (type == "OBJECT_TYPE") {
    op.kind = OpKind::AlterType;
  } else if (type == "OBJECT_TRIGGER") {
    op.kind = OpKind::Other;
    op.object.name = str(s, "subname");
  }
  ops.push_back(std::move(op));
}

void set_op(const json& s, std::string_view text, std::vector<Operation>& ops) {
  std::string kind = str(s, "kind");
  Operation op = make(OpKind::SetSetting, text);
  SettingSpec setting;
  setting.name = str(s, "name");
  setting.is_local = flag(s, "is_local");
  if (kind == "VAR_SET_VALUE") {
    if (const json* args = child(s, "args"); args && args->is_array() && !args->empty()) {
      const json* value = &(*args)[0];
      // SET TIME ZONE INTERVAL '+00:00' HOUR TO MINUTE: the constant inside the cast.
      if (const json* cast = child(*value, "TypeCast")) {
        if (const json* arg = child(*cast, "arg")) value = arg;
      }
      setting.value = tree::constant_text(*value);
    }
  } else if (kind == "VAR_SET_DEFAULT" || kind == "VAR_RESET") {
    setting.is_default = true;
    if (kind == "VAR_RESET") op.kind = OpKind::ResetSetting;
  } else if (kind == "VAR_RESET_ALL") {
    op.kind = OpKind::ResetSetting;
    setting.is_default = true;
    setting.name = "all";
  } else {
    op.kind = OpKind::Other;  // SET TRANSACTION ..., SET SESSION CHARACTERISTICS
    op.detail = kind;
  }
  op.setting = setting;
  ops.push_back(std::move(op));
}

void transaction_op(const json& s, std::string_view text, std::vector<Operation>& ops) {
  static const std::unordered_map<std::string, OpKind> kinds = {
      {"TRANS_STMT_BEGIN", OpKind::Begin},       {"TRANS_STMT_START", OpKind::Begin},
      {"TRANS_STMT_COMMIT", OpKind::Commit},     {"TRANS_STMT_ROLLBACK", OpKind::Rollback},
      {"TRANS_STMT_SAVEPOINT", OpKind::Savepoint}, {"TRANS_STMT_RELEASE", OpKind::ReleaseSavepoint},
      {"TRANS_STMT_ROLLBACK_TO", OpKind::RollbackToSavepoint},
      {"TRANS_STMT_PREPARE", OpKind::PrepareTransaction}, {"TRANS_STMT_COMMIT_PREPARED", OpKind::Commit},
      {"TRANS_STMT_ROLLBACK_PREPARED", OpKind::Rollback}};
  auto it = kinds.find(str(s, "kind"));
  ops.push_back(make(it == kinds.end() ? OpKind::Other : it->second, text));
}

void index_op(const json& s, std::string_view text, std::vector<Operation>& ops) {
  Operation op = make(OpKind::CreateIndex, text);
  op.table = tree::range_var(child(s, "relation"));
  IndexSpec index;
  index.name = str(s, "idxname");
  index.unique = flag(s, "unique") || flag(s, "primary");
  index.concurrently = flag(s, "concurrent");
  index.if_not_exists = flag(s, "if_not_exists");
  index.partial = child(s, "whereClause") != nullptr;
  index.method = str(s, "accessMethod");
  if (const json* params = child(s, "indexParams"); params && params->is_array()) {
    for (const json& p : *params) {
      const json* e = child(p, "IndexElem");
      if (!e) continue;
      std::string name = str(*e, "name");
      if (name.empty()) index.expression = true; else index.columns.push_back(name);
    }
  }
  op.concurrently = index.concurrently;
  op.if_not_exists = index.if_not_exists;
  op.object.name = index.name;
  op.object.schema = op.table.schema;
  op.index = index;
  ops.push_back(std::move(op));
}

void create_table_op(const json& s, std::string_view text, std::vector<Operation>& ops) {
  Operation op = make(OpKind::CreateTable, text);
  op.table = tree::range_var(child(s, "relation"));
  op.if_not_exists = flag(s, "if_not_exists");
  if (const json* elts = child(s, "tableElts"); elts && elts->is_array()) {
    for (const json& e : *elts) {
      if (child(e, "ColumnDef")) op.columns.push_back(column_spec(e, text));
      else if (child(e, "Constraint")) op.table_constraints.push_back(constraint_spec(e));
      else if (const json* like = child(e, "TableLikeClause")) op.read_tables.push_back(tree::range_var(child(*like, "relation")));
    }
  }
  if (const json* parents = child(s, "inhRelations"); parents && parents->is_array()) {
    for (const json& p : *parents) op.extra_tables.push_back(tree::range_var(&p));
  }
  if (child(s, "partbound")) op.detail = "partition";
  ops.push_back(std::move(op));
}

void vacuum_op(const json& s, std::string_view text, std::vector<Operation>& ops) {
  bool is_vacuum = flag(s, "is_vacuumcmd");
  bool full = is_vacuum && has_def_option(s, "options", "full");
  Operation op = make(!is_vacuum ? OpKind::Analyze : full ? OpKind::VacuumFull : OpKind::Vacuum, text);
  if (const json* rels = child(s, "rels"); rels && rels->is_array()) {
    for (size_t i = 0; i < rels->size(); ++i) {
      const json* vr = child((*rels)[i], "VacuumRelation");
      QualifiedName name = vr ? tree::range_var(child(*vr, "relation")) : QualifiedName{};
      if (i == 0) op.table = name; else op.extra_tables.push_back(name);
    }
  }
  ops.push_back(std::move(op));
}

// DO blocks: the PL/pgSQL body is parsed with pg_query_parse_plpgsql (as the body of a function)
// and each SQL statement in it becomes a body op, marked when it runs inside a loop.
thread_local int do_block_depth = 0;

bool is_loop_statement(const std::string& key) {
  return key == "PLpgSQL_stmt_loop" || key == "PLpgSQL_stmt_while" || key == "PLpgSQL_stmt_fori" ||
         key == "PLpgSQL_stmt_fors" || key == "PLpgSQL_stmt_forc" || key == "PLpgSQL_stmt_foreach_a" ||
         key == "PLpgSQL_stmt_dynfors";
}

void add_body_sql(const std::string& query, bool in_loop, Operation& block) {
  ParsedStatement inner = parse_statement(query);
  if (inner.error) return;
  for (Operation& op : inner.ops) {
    op.range = block.range;
    op.in_loop = in_loop;
    block.body_ops.push_back(std::move(op));
  }
}

void walk_plpgsql(const json& node, bool in_loop, Operation& block) {
  if (block.body_ops.size() > 256) return;
  if (node.is_array()) {
    for (const json& item : node) walk_plpgsql(item, in_loop, block);
    return;
  }
  if (!node.is_object()) return;
  for (auto it = node.begin(); it != node.end(); ++it) {
    const std::string& key = it.key();
    const json& value = it.value();
    if (key == "PLpgSQL_stmt_execsql") {
      if (const json* sql = child(value, "sqlstmt")) {
        if (const json* e = child(*sql, "PLpgSQL_expr")) add_body_sql(str(*e, "query"), in_loop, block);
      }
      continue;
    }
    if (key == "PLpgSQL_stmt_dynexecute") {
      // EXECUTE 'constant SQL': parse the constant; dynamic strings are not analysed.
      if (const json* q = child(value, "query")) {
        if (const json* e = child(*q, "PLpgSQL_expr")) {
          std::string text = str(*e, "query");
          if (text.size() >= 2 && text.front() == '\'' && text.back() == '\'') {
            std::string unquoted;
            bool simple = true;
            for (size_t i = 1; i + 1 < text.size(); ++i) {
              if (text[i] == '\'') {
                if (i + 2 < text.size() && text[i + 1] == '\'') { unquoted += '\''; ++i; continue; }
                simple = false;  // 'a' || b: not one constant
                break;
              }
              unquoted += text[i];
            }
            if (simple) add_body_sql(unquoted, in_loop, block);
          }
        }
      }
      continue;
    }
    if (key == "PLpgSQL_stmt_commit" || key == "PLpgSQL_stmt_rollback") block.body_commits = true;
    walk_plpgsql(value, in_loop || is_loop_statement(key), block);
  }
}

void do_block_op(const json& s, Operation& op) {
  std::string body, language = "plpgsql";
  if (const json* args = child(s, "args"); args && args->is_array()) {
    for (const json& a : *args) {
      const json* d = child(a, "DefElem");
      if (!d) continue;
      const json* arg = child(*d, "arg");
      if (!arg) continue;
      if (str(*d, "defname") == "as") body = tree::constant_text(*arg);
      if (str(*d, "defname") == "language") language = tree::constant_text(*arg);
    }
  }
  for (char& c : language) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (language != "plpgsql" || body.empty() || do_block_depth >= 3) return;
  // A dollar-quote tag that does not occur in the body.
  std::string tag = "$zl$";
  for (int n = 0; body.find(tag) != std::string::npos; ++n) tag = "$zl" + std::to_string(n) + "$";
  std::string function = "CREATE FUNCTION zerolock_do_block() RETURNS void LANGUAGE plpgsql AS " + tag + body + tag;
  PgQueryPlpgsqlParseResult result = pg_query_parse_plpgsql(function.c_str());
  if (result.error || !result.plpgsql_funcs) {
    pg_query_free_plpgsql_parse_result(result);
    return;
  }
  json funcs = json::parse(result.plpgsql_funcs, nullptr, /*allow_exceptions=*/false);
  pg_query_free_plpgsql_parse_result(result);
  if (funcs.is_discarded()) return;
  ++do_block_depth;
  op.body_parsed = true;
  walk_plpgsql(funcs, false, op);
  --do_block_depth;
}

// Every relation named in FROM/JOIN/USING clauses below `node` (CTE names excluded): PostgreSQL
// takes ACCESS SHARE on each relation a query reads.
void collect_read_tables(const json& node, std::vector<QualifiedName>& out, bool& for_update) {
  if (node.is_array()) {
    for (const json& item : node) collect_read_tables(item, out, for_update);
    return;
  }
  if (!node.is_object()) return;
  for (auto it = node.begin(); it != node.end(); ++it) {
    if (it.key() == "RangeVar") {
      QualifiedName name = tree::range_var(&it.value());
      if (!name.empty() && std::find(out.begin(), out.end(), name) == out.end()) out.push_back(name);
      continue;
    }
    if (it.key() == "lockingClause") for_update = true;
    collect_read_tables(it.value(), out, for_update);
  }
}

void add_reads(Operation& op, const json* subtree) {
  if (!subtree) return;
  collect_read_tables(*subtree, op.read_tables, op.read_for_update);
}

// The first keyword-ish words of the statement, for summaries of statements zerolock does not model.
std::string leading_words(std::string_view text, const std::vector<Token>& tokens, size_t count) {
  std::string out;
  size_t taken = 0;
  for (const Token& t : tokens) {
    if (t.is_comment()) continue;
    if (t.cls != TokenClass::Keyword || taken == count) break;
    if (!out.empty()) out += ' ';
    for (uint32_t i = t.begin; i < t.end; ++i) out += static_cast<char>(std::toupper(static_cast<unsigned char>(text[i])));
    ++taken;
  }
  return out;
}

std::string summarize(const std::vector<Operation>& ops, std::string_view text, const std::vector<Token>& tokens) {
  if (ops.empty()) return leading_words(text, tokens, 3);
  const Operation& op = ops.front();
  auto name_or = [](const QualifiedName& q) { return q.display(); };
  switch (op.kind) {
    case OpKind::CreateIndex:
      return std::string("CREATE ") + (op.index && op.index->unique ? "UNIQUE " : "") + "INDEX " +
             (op.concurrently ? "CONCURRENTLY " : "") + (op.object.name.empty() ? "" : op.object.name + " ") + "ON " +
             name_or(op.table);
    case OpKind::DropIndex: return std::string("DROP INDEX ") + (op.concurrently ? "CONCURRENTLY " : "") + name_or(op.object);
    case OpKind::CreateTable: return "CREATE TABLE " + name_or(op.table);
    case OpKind::DropTable: return "DROP TABLE " + name_or(op.table);
    case OpKind::RenameTable: return "RENAME " + name_or(op.table) + " TO " + op.new_name;
    case OpKind::RenameColumn: return "RENAME COLUMN " + name_or(op.table) + "." + op.column + " TO " + op.new_name;
    case OpKind::Update: return "UPDATE " + name_or(op.table);
    case OpKind::Delete: return "DELETE FROM " + name_or(op.table);
    case OpKind::SetSetting: return op.setting ? "SET " + op.setting->name : "SET";
    default: break;
  }
  if (!op.table.empty() && ops.size() >= 1 && leading_words(text, tokens, 2) == "ALTER TABLE")
    return "ALTER TABLE " + name_or(op.table) + " (" + op_kind_name(op.kind) + (ops.size() > 1 ? ", ..." : "") + ")";
  std::string words = leading_words(text, tokens, 3);
  if (!op.table.empty()) words += " " + name_or(op.table);
  return words;
}

void statement_ops(const json& node, std::string_view text, const std::vector<Token>& tokens, std::vector<Operation>& ops) {
  if (!node.is_object() || node.empty()) return;
  const std::string& type = node.begin().key();
  const json& s = node.begin().value();

  if (type == "AlterTableStmt") return alter_table_ops(s, text, tokens, ops);
  if (type == "IndexStmt") return index_op(s, text, ops);
  if (type == "DropStmt") return drop_ops(s, text, ops);
  if (type == "RenameStmt") return rename_op(s, text, ops);
  if (type == "VariableSetStmt") return set_op(s, text, ops);
  if (type == "TransactionStmt") return transaction_op(s, text, ops);
  if (type == "CreateStmt") return create_table_op(s, text, ops);
  if (type == "VacuumStmt") return vacuum_op(s, text, ops);

  Operation op = make(OpKind::Other, text);
  op.detail = type;
  if (type == "UpdateStmt" || type == "DeleteStmt" || type == "InsertStmt") {
    op.kind = type == "UpdateStmt" ? OpKind::Update : type == "DeleteStmt" ? OpKind::Delete : OpKind::Insert;
    op.table = tree::range_var(child(s, "relation"));
    op.has_where = child(s, "whereClause") != nullptr;
    add_reads(op, child(s, "selectStmt"));   // INSERT ... SELECT
    add_reads(op, child(s, "fromClause"));   // UPDATE ... FROM
    add_reads(op, child(s, "usingClause"));  // DELETE ... USING
    tree::string_constants(s, op.string_literals);
    if (type == "UpdateStmt" || type == "DeleteStmt") {
      // A FROM/USING join restricts the rows as a WHERE does.
      op.has_where = op.has_where && true;
    }
  } else if (type == "SelectStmt") {
    op.kind = OpKind::Select;
    add_reads(op, &s);
  } else if (type == "CopyStmt") {
    op.kind = OpKind::Copy;
    op.table = tree::range_var(child(s, "relation"));
    op.detail = flag(s, "is_from") ? "from" : "to";
  } else if (type == "TruncateStmt") {
    op.kind = OpKind::TruncateTable;
    op.cascade = str(s, "behavior") == "DROP_CASCADE";
    if (const json* rels = child(s, "relations"); rels && rels->is_array()) {
      for (size_t i = 0; i < rels->size(); ++i) {
        QualifiedName name = tree::range_var(&(*rels)[i]);
        if (i == 0) op.table = name; else op.extra_tables.push_back(name);
      }
    }
  } else if (type == "LockStmt") {
    op.kind = OpKind::LockTable;
    op.nowait = flag(s, "nowait");
    op.lock_mode_sql = std::to_string(tree::integer(s, "mode", 8));  // PostgreSQL's LOCKMODE number 1..8
    if (const json* rels = child(s, "relations"); rels && rels->is_array()) {
      for (size_t i = 0; i < rels->size(); ++i) {
        QualifiedName name = tree::range_var(&(*rels)[i]);
        if (i == 0) op.table = name; else op.extra_tables.push_back(name);
      }
    }
  } else if (type == "ClusterStmt") {
    op.kind = OpKind::Cluster;
    op.table = tree::range_var(child(s, "relation"));
    op.object.name = str(s, "indexname");
  } else if (type == "ReindexStmt") {
    std::string kind = str(s, "kind");
    op.kind = kind == "REINDEX_OBJECT_INDEX" ? OpKind::ReindexIndex : OpKind::ReindexTable;
    QualifiedName name = tree::range_var(child(s, "relation"));
    if (op.kind == OpKind::ReindexIndex) op.object = name; else op.table = name;
    if (kind == "REINDEX_OBJECT_SCHEMA" || kind == "REINDEX_OBJECT_DATABASE" || kind == "REINDEX_OBJECT_SYSTEM")
      op.object.name = str(s, "name"), op.detail = kind;
    op.concurrently = has_def_option(s, "params", "concurrently");
  } else if (type == "RefreshMatViewStmt") {
    op.kind = OpKind::RefreshMaterializedView;
    op.table = tree::range_var(child(s, "relation"));
    op.concurrently = flag(s, "concurrent");
    if (flag(s, "skipData")) op.detail = "no data";
  } else if (type == "ViewStmt") {
    op.kind = OpKind::CreateView;
    op.table = tree::range_var(child(s, "view"));
    op.detail = flag(s, "replace") ? "replace" : "";
    add_reads(op, child(s, "query"));
  } else if (type == "CreateTableAsStmt") {
    op.kind = str(s, "objtype") == "OBJECT_MATVIEW" ? OpKind::CreateMaterializedView : OpKind::CreateTableAs;
    if (const json* into = child(s, "into")) op.table = tree::range_var(child(*into, "rel"));
    add_reads(op, child(s, "query"));
    op.if_not_exists = flag(s, "if_not_exists");
  } else if (type == "AlterEnumStmt") {
    op.kind = str(s, "oldVal").empty() ? OpKind::AddEnumValue : OpKind::RenameEnumValue;
    op.object = tree::qualified(tree::string_list(child(s, "typeName")));
    op.detail = str(s, "newVal");
    op.if_not_exists = flag(s, "skipIfNewValExists");
  } else if (type == "CreateEnumStmt" || type == "CompositeTypeStmt" || type == "CreateDomainStmt" ||
             type == "CreateRangeStmt") {
    op.kind = OpKind::CreateType;
  } else if (type == "CreateTrigStmt") {
    op.kind = OpKind::CreateTrigger;
    op.table = tree::range_var(child(s, "relation"));
    op.object.name = str(s, "trigname");
    op.detail = flag(s, "replace") ? "replace" : "";
  } else if (type == "RuleStmt") {
    op.kind = OpKind::CreateRule;
    op.table = tree::range_var(child(s, "relation"));
  } else if (type == "CreateSeqStmt") {
    op.kind = OpKind::CreateSequence;
    op.object = tree::range_var(child(s, "sequence"));
  } else if (type == "AlterSeqStmt") {
    op.kind = OpKind::AlterSequence;
    op.object = tree::range_var(child(s, "sequence"));
    // OWNED BY table.column reads the table's definition (ACCESS SHARE).
    if (const json* options = child(s, "options"); options && options->is_array()) {
      for (const json& o : *options) {
        const json* d = child(o, "DefElem");
        if (!d || str(*d, "defname") != "owned_by" || !child(*d, "arg")) continue;
        std::vector<std::string> parts = tree::name_list(*child(*d, "arg"));
        if (parts.size() >= 2) {
          parts.pop_back();
          op.read_tables.push_back(tree::qualified(parts));
        }
      }
    }
  } else if (type == "CreateExtensionStmt") {
    op.kind = OpKind::CreateExtension;
    op.object.name = str(s, "extname");
    op.if_not_exists = flag(s, "if_not_exists");
  } else if (type == "CreateSchemaStmt") {
    op.kind = OpKind::CreateSchema;
    op.object.name = str(s, "schemaname");
    op.if_not_exists = flag(s, "if_not_exists");
  } else if (type == "DropdbStmt") {
    op.kind = OpKind::DropDatabase;
    op.object.name = str(s, "dbname");
    op.if_exists = flag(s, "missing_ok");
  } else if (type == "CreatedbStmt") {
    op.kind = OpKind::CreateDatabase;
    op.object.name = str(s, "dbname");
  } else if (type == "CreateFunctionStmt") {
    op.kind = OpKind::CreateFunction;
    op.object = tree::qualified(tree::string_list(child(s, "funcname")));
    op.detail = flag(s, "replace") ? "replace" : "";
  } else if (type == "DoStmt") {
    op.kind = OpKind::DoBlock;
    do_block_op(s, op);
  } else if (type == "CommentStmt") {
    op.kind = OpKind::Comment;
    op.detail = str(s, "objtype");
    if (const json* obj = child(s, "object")) {
      std::vector<std::string> parts = tree::name_list(*obj);
      if (op.detail == "OBJECT_COLUMN" && parts.size() >= 2) {
        op.column = parts.back();
        parts.pop_back();
      }
      if (op.detail == "OBJECT_TABLE" || op.detail == "OBJECT_COLUMN") op.table = tree::qualified(parts);
      else op.object = tree::qualified(parts);
    }
  } else if (type == "GrantStmt") {
    op.kind = flag(s, "is_grant") ? OpKind::Grant : OpKind::Revoke;
    op.detail = str(s, "objtype");
    if (const json* objs = child(s, "objects"); objs && objs->is_array() && str(s, "targtype") == "ACL_TARGET_OBJECT") {
      for (size_t i = 0; i < objs->size(); ++i) {
        QualifiedName name = child((*objs)[i], "RangeVar") ? tree::range_var(&(*objs)[i]) : QualifiedName{};
        if (name.empty()) continue;
        if (op.table.empty()) op.table = name; else op.extra_tables.push_back(name);
      }
    }
  } else if (type == "CreatePolicyStmt") {
    op.kind = OpKind::CreatePolicy;
    op.table = tree::range_var(child(s, "table"));
  } else if (type == "AlterPolicyStmt") {
    op.kind = OpKind::AlterPolicy;
    op.table = tree::range_var(child(s, "table"));
  } else if (type == "AlterOwnerStmt" || type == "AlterObjectSchemaStmt") {
    if (str(s, "objectType") == "OBJECT_TABLE" && type == "AlterObjectSchemaStmt") {
      op.kind = OpKind::SetTableSchema;
      op.table = tree::range_var(child(s, "relation"));
      op.new_name = str(s, "newschema");
    }
  } else if (type == "AlterTypeStmt" || type == "AlterDomainStmt") {
    op.kind = OpKind::AlterType;
  }
  ops.push_back(std::move(op));
}

}  // namespace

ParsedStatement parse_statement(std::string_view text) {
  ParsedStatement parsed;
  std::string input(text);
  if (input.find('\0') != std::string::npos) {
    parsed.error = SyntaxError{"NUL byte in SQL text", static_cast<uint32_t>(input.find('\0'))};
    return parsed;
  }
  PgQueryParseResult result = pg_query_parse(input.c_str());
  if (result.error) {
    parsed.error = SyntaxError{result.error->message ? result.error->message : "syntax error",
                               char_position_to_byte(input, result.error->cursorpos)};
    pg_query_free_parse_result(result);
    ScanResult tokens = scan(text);
    parsed.summary = leading_words(text, tokens.tokens, 3);
    return parsed;
  }
  json tree_json = json::parse(result.parse_tree, nullptr, /*allow_exceptions=*/false);
  pg_query_free_parse_result(result);
  ScanResult tokens = scan(text);
  if (const json* stmts = child(tree_json, "stmts"); stmts && stmts->is_array()) {
    for (const json& raw : *stmts) {
      if (const json* stmt = child(raw, "stmt")) statement_ops(*stmt, text, tokens.tokens, parsed.ops);
    }
  }
  parsed.summary = summarize(parsed.ops, text, tokens.tokens);
  return parsed;
}

}  // namespace zerolock::sql
