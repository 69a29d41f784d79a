#include "liquibase/change_mapper.h"
#include "text/trim.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "engine/conventions.h"
#include "text/path_confinement.h"
#include "engine/suppression.h"
#include "sql/splitter.h"
#include "sql/statement_parser.h"
#include "text/line_index.h"

namespace zerolock::liquibase {
namespace fs = std::filesystem;
namespace {

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}
std::vector<std::string> split_list(std::string_view s) {
  std::vector<std::string> out;
  std::string cur;
  int depth = 0;
  for (char c : s) {
    if (c == '(') ++depth;
    if (c == ')') --depth;
    if (c == ',' && depth == 0) {
      if (!trim_copy(cur).empty()) out.push_back(trim_copy(cur));
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!trim_copy(cur).empty()) out.push_back(trim_copy(cur));
  return out;
}
bool truthy(const std::string& v) { return lower(trim_copy(v)) == "true"; }

Diagnostic frontend_info(std::string message, ByteRange range, Severity severity = Severity::Info) {
  Diagnostic d;
  d.rule = "frontend";
  d.severity = severity;
  d.message = std::move(message);
  d.range = range;
  return d;
}

const std::set<std::string_view>& understood_types() {
  static const std::set<std::string_view> s = {
      "createTable", "dropTable", "addColumn", "dropColumn", "renameColumn", "renameTable", "modifyDataType",
      "addNotNullConstraint", "dropNotNullConstraint", "addDefaultValue", "dropDefaultValue", "createIndex",
      "dropIndex", "addForeignKeyConstraint", "addUniqueConstraint", "addPrimaryKey", "dropForeignKeyConstraint",
      "dropUniqueConstraint", "dropPrimaryKey", "addCheckConstraint", "dropCheckConstraint", "sql", "sqlFile",
      "createView", "dropView", "createSequence", "dropSequence", "insert", "update", "delete", "loadData",
      "loadUpdateData", "tagDatabase", "output", "empty", "stop", "renameView", "renameSequence",
      "addAutoIncrement", "createProcedure", "dropProcedure", "setTableRemarks", "setColumnRemarks"};
  return s;
}
// Change types with an automatic rollback in Liquibase.
const std::set<std::string_view>& auto_rollback_types() {
  static const std::set<std::string_view> s = {
      "addColumn", "addDefaultValue", "addForeignKeyConstraint", "addLookupTable", "addNotNullConstraint",
      "addPrimaryKey", "addUniqueConstraint", "createIndex", "createSequence", "createTable", "createView",
      "dropNotNullConstraint", "renameColumn", "renameTable", "renameView", "renameSequence", "tagDatabase",
      "addAutoIncrement", "setTableRemarks", "setColumnRemarks", "output", "empty", "addCheckConstraint"};
  return s;
}
// Elements inside a changeSet that are not changes.
bool is_meta_element(std::string_view name) {
  return name == "comment" || name == "preConditions" || name == "validCheckSum" || name == "rollback" ||
         name == "modifySql" || name == "id" || name == "author";
}

}  // namespace

bool change_type_understood(std::string_view type) { return understood_types().count(type) > 0; }

bool change_type_auto_rollback(const Node& change) {
  if (change.name == "addNotNullConstraint" && change.attr("defaultNullValue")) return false;
  return auto_rollback_types().count(change.name) > 0;
}

bool dbms_applies(std::string_view dbms) {
  std::vector<std::string> items = split_list(lower(std::string(dbms)));
  if (items.empty()) return true;
  bool any_positive = false, positive_match = false;
  for (const std::string& d : items) {
    if (d == "none") return false;
    if (d == "all") return true;
    if (!d.empty() && d[0] == '!') {
      if (d.substr(1) == "postgresql") return false;
    } else {
      any_positive = true;
      if (d == "postgresql" || d == "postgres") positive_match = true;
    }
  }
  return !any_positive || positive_match;
}

Version target_version(const Config& config, std::string_view text) {
  Version v;
  std::string s;
  if (config.liquibase_version) {
    s = *config.liquibase_version;
  } else {
    size_t at = text.substr(0, 4096).find("dbchangelog-");
    if (at != std::string_view::npos) {
      size_t e = at + 12;
      while (e < text.size() && (std::isdigit(static_cast<unsigned char>(text[e])) || text[e] == '.')) ++e;
      s = std::string(text.substr(at + 12, e - at - 12));
      if (!s.empty() && s.back() == '.') s.pop_back();
    }
  }
  if (!s.empty() && std::isdigit(static_cast<unsigned char>(s[0]))) {
    v.major = std::atoi(s.c_str());
    size_t dot = s.find('.');
    v.minor = dot == std::string::npos ? 0 : std::atoi(s.c_str() + dot + 1);
  }
  return v;
}

// ---------------------------------------------------------------------------------------------
// Embedded SQL and suppressions

size_t append_mapped_sql(Migration& migration, const MappedText& sql, std::string_view doc, StatementCache& cache,
                         bool in_transaction, int32_t unit, const std::string& origin) {
  std::string text = replace_placeholders(sql.text);
  sql::SplitResult split = sql::split(text);
  size_t before = migration.statements.size();
  auto syntax = [&](const std::string& message, uint32_t at) {
    Diagnostic d;
    d.rule = "syntax-error";
    d.severity = Severity::Error;
    d.message = message;
    d.help = "Fix the syntax; the statements before and after this one are still checked.";
    uint32_t b = sql.doc(at);
    uint32_t e = b;
    while (e < doc.size() && !std::isspace(static_cast<unsigned char>(doc[e])) && e - b < 64) ++e;
    if (e == b && e < doc.size()) ++e;
    d.range = {b, e};
    d.statement = static_cast<int32_t>(migration.statements.size()) - 1;
    migration.frontend_diagnostics.push_back(std::move(d));
  };
  for (const ByteRange& r : split.statements) {
    Statement s;
    s.range = {sql.doc(r.begin), r.end > 0 ? sql.doc(r.end - 1) + 1 : sql.doc(r.end)};
    s.parsed = cache.get(std::string_view(text).substr(r.begin, r.size()), sql::parse_statement);
    s.in_transaction = in_transaction;
    s.unit = unit;
    s.origin = origin;
    migration.statements.push_back(std::move(s));
    if (migration.statements.back().parsed->error)
      syntax(migration.statements.back().parsed->error->message, r.begin + migration.statements.back().parsed->error->offset);
  }
  if (split.error) syntax(split.error->message, split.error->offset);
  return migration.statements.size() - before;
}

void collect_suppressions(Migration& migration, std::string_view text) {
  size_t at = 0;
  std::optional<LineIndex> lines;
  while ((at = text.find("zerolock-disable", at)) != std::string_view::npos) {
    size_t line_begin = text.rfind('\n', at);
    line_begin = line_begin == std::string_view::npos ? 0 : line_begin + 1;
    std::string_view before = text.substr(line_begin, at - line_begin);
    bool in_comment = before.find("<!--") != std::string_view::npos || before.find('#') != std::string_view::npos ||
                      before.find("--") != std::string_view::npos || before.find("/*") != std::string_view::npos ||
                      before.find("//") != std::string_view::npos;
    size_t eol = text.find('\n', at);
    if (eol == std::string_view::npos) eol = text.size();
    std::string_view body = text.substr(at, eol - at);
    for (std::string_view close : {"-->", "*/"}) {
      size_t c = body.find(close);
      if (c != std::string_view::npos) body = body.substr(0, c);
    }
    if (in_comment) {
      if (!lines) lines.emplace(text);
      uint32_t comment_at = static_cast<uint32_t>(at);
      if (auto s = parse_suppression(body, comment_at, lines->line_of(comment_at))) migration.suppressions.push_back(*s);
    }
    at += 16;
  }
}

namespace {

// ---------------------------------------------------------------------------------------------
// SQL synthesis

std::string ident(std::string name) {
  name = trim_copy(name);
  if (name.size() >= 2 && name.front() == '"' && name.back() == '"') return name;
  std::string out = "\"";
  for (char c : lower(name)) {
    if (c == '"') continue;
    out += c;
  }
  return out + "\"";
}

std::string literal(const std::string& v) {
  std::string out = "'";
  for (char c : v) {
    if (c == '\'') out += '\'';
    out += c;
  }
  return out + "'";
}

std::string pg_type(std::string type) {
  type = trim_copy(type);
  if (type.rfind("java.sql.Types.", 0) == 0) type = type.substr(15);
  std::string low = lower(type);
  std::string base = low, rest;
  size_t paren = low.find('(');
  if (paren != std::string::npos) {
    base = trim_copy(low.substr(0, paren));
    rest = low.substr(paren);
  }
  static const std::map<std::string, std::string> map = {
      {"datetime", "timestamp"}, {"clob", "text"}, {"nclob", "text"}, {"longtext", "text"}, {"mediumtext", "text"},
      {"tinytext", "text"}, {"blob", "bytea"}, {"longblob", "bytea"}, {"mediumblob", "bytea"}, {"tinyblob", "bytea"},
      {"binary", "bytea"}, {"varbinary", "bytea"}, {"image", "bytea"}, {"tinyint", "smallint"},
      {"mediumint", "integer"}, {"int", "integer"}, {"number", "numeric"}, {"currency", "decimal"},
      {"nvarchar", "varchar"}, {"varchar2", "varchar"}, {"nvarchar2", "varchar"}, {"nchar", "char"},
      {"double", "double precision"}, {"bit", "boolean"}, {"uniqueidentifier", "uuid"}, {"long", "bigint"},
      {"datetime2", "timestamp"}, {"smalldatetime", "timestamp"}};
  auto it = map.find(base);
  if (it != map.end()) {
    // bytea and text take no length
    if (it->second == "bytea" || it->second == "text" || it->second == "boolean" || it->second == "integer" ||
        it->second == "smallint" || it->second == "bigint" || it->second == "uuid" || it->second == "double precision")
      return it->second;
    return it->second + rest;
  }
  if (base.find("${") != std::string::npos || base.empty()) return "text";
  return type;
}

struct ColumnSql {
  std::string sql;  // name type [DEFAULT ...] [NOT NULL] ...
  bool ok = true;
};

std::string default_sql(const Node& n) {
  if (const Attr* a = n.attr("defaultValueComputed")) return a->value.text;
  if (const Attr* a = n.attr("defaultValueNumeric")) return a->value.text;
  if (const Attr* a = n.attr("defaultValueBoolean")) return a->value.text;
  if (const Attr* a = n.attr("defaultValueDate")) return literal(a->value.text);
  if (const Attr* a = n.attr("defaultValueSequenceNext")) return "nextval(" + literal(a->value.text) + ")";
  if (const Attr* a = n.attr("defaultValue")) return literal(a->value.text);
  return {};
}

std::string column_sql(const Node& column, bool with_constraints, const std::string& type_override = {}) {
  std::string sql = ident(column.value("name")) + " ";
  std::string type = type_override.empty() ? pg_type(column.value("type", "text")) : type_override;
  if (truthy(column.value("autoIncrement"))) {
    std::string l = lower(type);
    if (l.find("int") == std::string::npos && l.find("serial") == std::string::npos) type = "bigint";
    sql += type + " GENERATED BY DEFAULT AS IDENTITY";
  } else {
    sql += type;
  }
  std::string def = default_sql(column);
  if (!def.empty()) sql += " DEFAULT " + def;
  if (!with_constraints) return sql;
  if (const Node* c = column.child("constraints")) {
    if (c->attr("nullable") && !truthy(c->value("nullable"))) sql += " NOT NULL";
    if (truthy(c->value("primaryKey"))) sql += " PRIMARY KEY";
    if (truthy(c->value("unique"))) sql += " UNIQUE";
    std::string ref_table = c->value("referencedTableName");
    std::string ref_cols = c->value("referencedColumnNames");
    std::string references = c->value("references");
    if (!ref_table.empty()) {
      sql += " REFERENCES " + ident(ref_table);
      if (!ref_cols.empty()) sql += " (" + ident(ref_cols) + ")";
    } else if (!references.empty()) {
      size_t p = references.find('(');
      sql += " REFERENCES " + ident(references.substr(0, p));
      if (p != std::string::npos) sql += " (" + ident(references.substr(p + 1, references.find(')') - p - 1)) + ")";
    }
    if (!c->value("checkConstraint").empty()) sql += " CHECK (" + c->value("checkConstraint") + ")";
  }
  return sql;
}

std::string table_of(const Node& n, const char* attr = "tableName") {
  std::string t = ident(n.value(attr));
  std::string schema = n.value(std::string(attr) == "baseTableName" ? "baseTableSchemaName" : "schemaName");
  return schema.empty() ? t : ident(schema) + "." + t;
}

std::string ident_list(const std::string& csv) {
  std::string out;
  for (const std::string& c : split_list(csv)) out += (out.empty() ? "" : ", ") + ident(c);
  return out;
}

std::vector<const Node*> columns_of(const Node& change) {
  std::vector<const Node*> out;
  for (const Node& c : change.children)
    if (c.name == "column") out.push_back(&c);
  return out;
}

// ---------------------------------------------------------------------------------------------

struct Mapper {
  std::string_view text;
  std::string path;
  const Config& config;
  StatementCache& cache;
  Migration& migration;
  Version version;
  std::map<std::string, std::string> properties;

  std::string subst(std::string s) const {
    size_t at = 0;
    while ((at = s.find("${", at)) != std::string::npos) {
      size_t end = s.find('}', at);
      if (end == std::string::npos) break;
      auto it = properties.find(s.substr(at + 2, end - at - 2));
      if (it == properties.end()) {
        at = end;
        continue;
      }
      s.replace(at, end - at + 1, it->second);
      at += it->second.size();
    }
    return s;
  }

  // Parses synthesised SQL and adds it as one statement at `range`, op k at op_ranges[k].
  bool add_synth(const std::string& raw_sql, ByteRange range, const std::vector<ByteRange>& op_ranges, int32_t unit,
                 bool in_tx, const std::string& origin, const std::vector<std::string>& defaults = {}) {
    std::string sql_text = replace_placeholders(subst(raw_sql));
    auto parsed = cache.get(sql_text, sql::parse_statement);
    if (parsed->error) return false;
    auto copy = std::make_shared<ParsedStatement>(*parsed);
    for (size_t k = 0; k < copy->ops.size(); ++k) {
      ByteRange r = k < op_ranges.size() ? op_ranges[k] : range;
      copy->ops[k].range = r.shifted(-static_cast<int64_t>(range.begin));
      // The SQL front end reads defaults from the document, which holds the element, not the SQL:
      // the default expression the element generated (fixes re-emit it).
      auto& spec = copy->ops[k].column_spec;
      if (k < defaults.size() && spec && spec->has_default && spec->default_sql.empty()) spec->default_sql = defaults[k];
      // The same for the value an element's UPDATE sets (addNotNullConstraint's defaultNullValue).
      if (k < defaults.size() && copy->ops[k].kind == OpKind::Update && !defaults[k].empty())
        copy->ops[k].detail = "set-value:" + defaults[k];
    }
    copy->summary = origin + ": " + copy->summary;
    Statement s;
    s.range = range;
    s.parsed = std::move(copy);
    s.in_transaction = in_tx;
    s.unit = unit;
    s.origin = origin;
    migration.statements.push_back(std::move(s));
    return true;
  }

  void not_analysed(const Node& change, const std::string& why) {
    migration.frontend_diagnostics.push_back(
        frontend_info("Liquibase change " + change.name + " is not analysed: " + why, change.head));
  }

  void synth_or_report(const std::string& sql_text, const Node& change, const std::vector<ByteRange>& op_ranges,
                       int32_t unit, bool in_tx) {
    if (!add_synth(sql_text, change.range, op_ranges, unit, in_tx, change.name))
      not_analysed(change, "the SQL it generates could not be derived (" + sql_text.substr(0, 80) + ")");
  }

  void map_sql_file(const Node& change, int32_t unit, bool in_tx) {
    std::string rel = change.value("path");
    fs::path base = fs::path(path).parent_path();
    std::error_code ec;
    fs::path root = fs::weakly_canonical(base.empty() ? fs::path(".") : base, ec);
    fs::path target = fs::weakly_canonical(root / rel, ec);
    auto inside = [&](const fs::path& p) {
      auto [a, b] = std::mismatch(root.begin(), root.end(), p.begin(), p.end());
      return a == root.end();
    };
    if (rel.empty() || ec || !inside(target)) {
      not_analysed(change, "sqlFile path \"" + rel + "\" is outside the changelog's directory tree; not read");
      return;
    }
    if (!config.may_read(target)) {
      not_analysed(change, "sqlFile \"" + rel + "\" is outside the workspace folders; not read");
      return;
    }
    if (!fs::is_regular_file(target, ec)) {
      not_analysed(change, "sqlFile \"" + rel + "\" was not found next to the changelog");
      return;
    }
    std::ifstream in(target, std::ios::binary);
    std::stringstream buf;
    buf << in.rdbuf();
    std::string content = replace_placeholders(buf.str());
    if (content.size() > 16 * 1024 * 1024) {
      not_analysed(change, "sqlFile is larger than 16 MiB");
      return;
    }
    sql::SplitResult split = sql::split(content);
    for (const ByteRange& r : split.statements) {
      auto parsed = cache.get(std::string_view(content).substr(r.begin, r.size()), sql::parse_statement);
      if (parsed->error) {
        migration.frontend_diagnostics.push_back(frontend_info(
            "syntax error in " + rel + ": " + parsed->error->message + " (that statement is not analysed)", change.head,
            Severity::Warning));
        continue;
      }
      auto copy = std::make_shared<ParsedStatement>(*parsed);
      for (Operation& op : copy->ops) op.range = {0, change.range.size()};
      copy->summary = "sqlFile " + rel + ": " + copy->summary;
      Statement s;
      s.range = change.range;
      s.parsed = std::move(copy);
      s.in_transaction = in_tx;
      s.unit = unit;
      s.origin = "sqlFile";
      migration.statements.push_back(std::move(s));
    }
  }

  void map_change(const Node& change, int32_t unit, bool in_tx) {
    const std::string& type = change.name;
    if (const Attr* dbms = change.attr("dbms"); dbms && !dbms_applies(dbms->value.text)) return;
    auto cols = columns_of(change);
    if (type == "sql") {
      MappedText body = change.text;
      if (trim_copy(body.text).empty()) {
        if (const Attr* a = change.attr("sql")) body = a->value;
      }
      append_mapped_sql(migration, body, text, cache, in_tx, unit, "sql");
    } else if (type == "sqlFile") {
      map_sql_file(change, unit, in_tx);
    } else if (type == "createTable") {
      std::string sql_text = "CREATE TABLE " + table_of(change) + " (";
      bool first = true;
      for (const Node* c : cols) {
        sql_text += (first ? "" : ", ") + column_sql(*c, true);
        first = false;
      }
      sql_text += ")";
      if (!add_synth(sql_text, change.range, {}, unit, in_tx, type)) {
        // Retry with text columns: an unknown type name must not hide the table.
        sql_text = "CREATE TABLE " + table_of(change) + " (";
        first = true;
        for (const Node* c : cols) {
          sql_text += (first ? "" : ", ") + column_sql(*c, true, "text");
          first = false;
        }
        synth_or_report(sql_text + ")", change, {}, unit, in_tx);
      }
    } else if (type == "dropTable") {
      synth_or_report("DROP TABLE " + table_of(change) + (truthy(change.value("cascadeConstraints")) ? " CASCADE" : ""),
                      change, {}, unit, in_tx);
    } else if (type == "addColumn") {
      std::string a = "ALTER TABLE " + table_of(change) + " ", b = a;
      std::vector<ByteRange> ranges;
      std::vector<std::string> defaults;
      bool first = true;
      for (const Node* c : cols) {
        defaults.push_back(default_sql(*c));
        a += std::string(first ? "" : ", ") + "ADD COLUMN " + column_sql(*c, true);
        b += std::string(first ? "" : ", ") + "ADD COLUMN " + column_sql(*c, true, "text");
        ranges.push_back(c->range);
        first = false;
      }
      if (cols.empty()) return not_analysed(change, "no column");
      if (!add_synth(a, change.range, ranges, unit, in_tx, type, defaults)) synth_or_report(b, change, ranges, unit, in_tx);
    } else if (type == "dropColumn") {
      std::string s = "ALTER TABLE " + table_of(change) + " ";
      std::vector<ByteRange> ranges;
      if (!change.value("columnName").empty()) {
        s += "DROP COLUMN " + ident(change.value("columnName"));
      } else {
        bool first = true;
        for (const Node* c : cols) {
          s += std::string(first ? "" : ", ") + "DROP COLUMN " + ident(c->value("name"));
          ranges.push_back(c->range);
          first = false;
        }
        if (cols.empty()) return not_analysed(change, "no column");
      }
      synth_or_report(s, change, ranges, unit, in_tx);
    } else if (type == "renameColumn") {
      synth_or_report("ALTER TABLE " + table_of(change) + " RENAME COLUMN " + ident(change.value("oldColumnName")) +
                          " TO " + ident(change.value("newColumnName")),
                      change, {}, unit, in_tx);
    } else if (type == "renameTable") {
      std::string schema = change.value("schemaName");
      std::string t = (schema.empty() ? "" : ident(schema) + ".") + ident(change.value("oldTableName"));
      synth_or_report("ALTER TABLE " + t + " RENAME TO " + ident(change.value("newTableName")), change, {}, unit, in_tx);
    } else if (type == "renameView") {
      synth_or_report("ALTER VIEW " + ident(change.value("oldViewName")) + " RENAME TO " + ident(change.value("newViewName")),
                      change, {}, unit, in_tx);
    } else if (type == "modifyDataType") {
      std::string s = "ALTER TABLE " + table_of(change) + " ALTER COLUMN " + ident(change.value("columnName")) + " TYPE ";
      if (!add_synth(s + pg_type(change.value("newDataType")), change.range, {}, unit, in_tx, type))
        synth_or_report(s + "text", change, {}, unit, in_tx);
    } else if (type == "addNotNullConstraint") {
      std::string t = table_of(change), c = ident(change.value("columnName"));
      if (const Attr* d = change.attr("defaultNullValue")) {
        std::string v = d->value.text;
        bool numeric = !v.empty() && std::all_of(v.begin(), v.end(), [](char ch) { return std::isdigit(static_cast<unsigned char>(ch)) || ch == '.' || ch == '-'; });
        std::string value = numeric ? v : literal(v);
        std::string update = "UPDATE " + t + " SET " + c + " = " + value + " WHERE " + c + " IS NULL";
        if (!add_synth(update, change.range, {d->range()}, unit, in_tx, type, {value}))
          not_analysed(change, "the SQL it generates could not be derived (" + update.substr(0, 80) + ")");
      }
      if (const Attr* v = change.attr("validate"); v && !truthy(v->value.text))
        migration.frontend_diagnostics.push_back(frontend_info(
            "validate=\"false\" on addNotNullConstraint does nothing on PostgreSQL: SET NOT NULL always scans the table",
            v->range()));
      synth_or_report("ALTER TABLE " + t + " ALTER COLUMN " + c + " SET NOT NULL", change, {}, unit, in_tx);
    } else if (type == "dropNotNullConstraint") {
      synth_or_report("ALTER TABLE " + table_of(change) + " ALTER COLUMN " + ident(change.value("columnName")) +
                          " DROP NOT NULL",
                      change, {}, unit, in_tx);
    } else if (type == "addDefaultValue") {
      std::string def = default_sql(change);
      if (def.empty()) return not_analysed(change, "no default value");
      synth_or_report("ALTER TABLE " + table_of(change) + " ALTER COLUMN " + ident(change.value("columnName")) +
                          " SET DEFAULT " + def,
                      change, {}, unit, in_tx);
    } else if (type == "dropDefaultValue") {
      synth_or_report("ALTER TABLE " + table_of(change) + " ALTER COLUMN " + ident(change.value("columnName")) +
                          " DROP DEFAULT",
                      change, {}, unit, in_tx);
    } else if (type == "createIndex") {
      std::string list;
      for (const Node* c : cols) {
        std::string name = c->value("name");
        bool computed = truthy(c->value("computed"));
        list += (list.empty() ? "" : ", ") + (computed ? "(" + name + ")" : ident(name));
        if (lower(c->value("descending")) == "true") list += " DESC";
      }
      if (list.empty()) list = ident_list(change.value("columnNames"));
      if (list.empty()) return not_analysed(change, "no column");
      std::string name = change.value("indexName");
      std::string s = std::string("CREATE ") + (truthy(change.value("unique")) ? "UNIQUE " : "") + "INDEX " +
                      (name.empty() ? "" : ident(name) + " ") + "ON " + table_of(change) + " " +
                      (change.value("using").empty() ? "" : "USING " + change.value("using") + " ") + "(" + list + ")";
      synth_or_report(s, change, {}, unit, in_tx);
    } else if (type == "dropIndex") {
      std::string schema = change.value("schemaName");
      synth_or_report("DROP INDEX " + (schema.empty() ? "" : ident(schema) + ".") + ident(change.value("indexName")),
                      change, {}, unit, in_tx);
    } else if (type == "addForeignKeyConstraint") {
      std::string s = "ALTER TABLE " + table_of(change, "baseTableName") + " ADD CONSTRAINT " +
                      ident(change.value("constraintName")) + " FOREIGN KEY (" +
                      ident_list(change.value("baseColumnNames")) + ") REFERENCES " +
                      (change.value("referencedTableSchemaName").empty() ? "" : ident(change.value("referencedTableSchemaName")) + ".") +
                      ident(change.value("referencedTableName")) + " (" + ident_list(change.value("referencedColumnNames")) + ")";
      std::string on_delete = change.value("onDelete");
      if (!on_delete.empty()) s += " ON DELETE " + on_delete;
      if (truthy(change.value("deferrable"))) s += " DEFERRABLE";
      if (const Attr* v = change.attr("validate"); v && !truthy(v->value.text)) {
        if (version.at_least(4, 12)) {
          s += " NOT VALID";
        } else {
          migration.frontend_diagnostics.push_back(frontend_info(
              "validate=\"false\" is ignored before Liquibase 4.12 (target " + std::to_string(version.major) + "." +
                  std::to_string(version.minor) + "): the constraint is validated at once, scanning both tables; use a sql change with NOT VALID",
              v->range(), Severity::Warning));
        }
      }
      synth_or_report(s, change, {}, unit, in_tx);
    } else if (type == "addUniqueConstraint" || type == "addPrimaryKey") {
      bool pk = type == "addPrimaryKey";
      if (const Attr* v = change.attr("validate"); v && !truthy(v->value.text))
        migration.frontend_diagnostics.push_back(frontend_info(
            "validate=\"false\" on " + type + " does nothing on PostgreSQL: the index is built and checked at once", v->range()));
      std::string s = "ALTER TABLE " + table_of(change) + " ADD CONSTRAINT " +
                      ident(change.value("constraintName", change.value("tableName") + (pk ? "_pkey" : "_key"))) +
                      (pk ? " PRIMARY KEY (" : " UNIQUE (") + ident_list(change.value("columnNames")) + ")";
      if (!change.value("forIndexName").empty() && pk) {
        // PostgreSQL builds it on the existing index: ADD CONSTRAINT ... USING INDEX
        s = "ALTER TABLE " + table_of(change) + " ADD CONSTRAINT " + ident(change.value("constraintName", "pk")) +
            " PRIMARY KEY USING INDEX " + ident(change.value("forIndexName"));
      }
      synth_or_report(s, change, {}, unit, in_tx);
    } else if (type == "addCheckConstraint") {
      std::string body = trim_copy(change.text.text);
      if (body.empty()) body = change.value("constraintBody");
      std::string s = "ALTER TABLE " + table_of(change) + " ADD CONSTRAINT " + ident(change.value("constraintName")) +
                      " CHECK (" + body + ")";
      if (const Attr* v = change.attr("validate"); v && !truthy(v->value.text)) s += " NOT VALID";
      synth_or_report(s, change, {}, unit, in_tx);
    } else if (type == "dropForeignKeyConstraint" || type == "dropUniqueConstraint" || type == "dropPrimaryKey" ||
               type == "dropCheckConstraint") {
      std::string name = change.value("constraintName");
      if (name.empty() && type == "dropPrimaryKey") name = change.value("tableName") + "_pkey";
      synth_or_report("ALTER TABLE " + table_of(change, type == "dropForeignKeyConstraint" ? "baseTableName" : "tableName") +
                          " DROP CONSTRAINT " + ident(name),
                      change, {}, unit, in_tx);
    } else if (type == "createView") {
      std::string body = trim_copy(change.text.text);
      if (body.empty()) body = change.value("selectQuery");
      bool full = truthy(change.value("fullDefinition"));
      std::string s = full ? body
                           : std::string("CREATE ") + (truthy(change.value("replaceIfExists")) ? "OR REPLACE " : "") +
                                 "VIEW " + table_of(change, "viewName") + " AS " + body;
      if (!add_synth(s, change.range, {}, unit, in_tx, type))
        synth_or_report("CREATE VIEW " + table_of(change, "viewName") + " AS SELECT 1", change, {}, unit, in_tx);
    } else if (type == "dropView") {
      synth_or_report("DROP VIEW " + table_of(change, "viewName"), change, {}, unit, in_tx);
    } else if (type == "createSequence") {
      synth_or_report("CREATE SEQUENCE " + table_of(change, "sequenceName"), change, {}, unit, in_tx);
    } else if (type == "dropSequence") {
      synth_or_report("DROP SEQUENCE " + table_of(change, "sequenceName"), change, {}, unit, in_tx);
    } else if (type == "renameSequence") {
      synth_or_report("ALTER SEQUENCE " + ident(change.value("oldSequenceName")) + " RENAME TO " +
                          ident(change.value("newSequenceName")),
                      change, {}, unit, in_tx);
    } else if (type == "insert" || type == "loadData" || type == "loadUpdateData") {
      synth_or_report("INSERT INTO " + table_of(change) + " DEFAULT VALUES", change, {}, unit, in_tx);
    } else if (type == "update" || type == "delete") {
      std::string where;
      if (const Node* w = change.child("where")) where = trim_copy(w->text.text);
      if (where.empty()) where = change.value("where");
      std::string s = type == "update" ? "UPDATE " + table_of(change) + " SET x = x" : "DELETE FROM " + table_of(change);
      if (!where.empty()) s += " WHERE true";
      synth_or_report(s, change, {}, unit, in_tx);
    } else if (type == "addAutoIncrement") {
      synth_or_report("ALTER TABLE " + table_of(change) + " ALTER COLUMN " + ident(change.value("columnName")) +
                          " ADD GENERATED BY DEFAULT AS IDENTITY",
                      change, {}, unit, in_tx);
    } else if (type == "createProcedure") {
      MappedText body = change.text;
      append_mapped_sql(migration, body, text, cache, in_tx, unit, "createProcedure");
    } else if (type == "setTableRemarks" || type == "setColumnRemarks") {
      synth_or_report("COMMENT ON TABLE " + table_of(change) + " IS ''", change, {}, unit, in_tx);
    } else if (type == "tagDatabase" || type == "output" || type == "empty" || type == "stop") {
      // nothing to lock
    } else {
      not_analysed(change, "zerolock does not model this change type; its locks are not checked");
    }
  }

  void map_change_set(const Node& cs, int32_t unit_id) {
    MigrationUnit unit;
    unit.id = unit_id;
    unit.name = cs.value("author") + ":" + cs.value("id");
    unit.range = cs.range;
    unit.header = cs.head;
    for (const Attr& a : cs.attrs) {
      if (a.name == "context" || a.name == "contexts" || a.name == "labels" || a.name == "runAlways" ||
          a.name == "runOnChange" || a.name == "failOnError" || a.name == "dbms" || a.name == "runInTransaction")
        unit.attributes.emplace_back(a.name, a.value.text);
    }
    unit.in_transaction = !cs.attr("runInTransaction") || truthy(cs.value("runInTransaction"));
    if (const Attr* dbms = cs.attr("dbms"); dbms && !dbms_applies(dbms->value.text)) {
      unit.skipped = true;
      migration.frontend_diagnostics.push_back(frontend_info(
          "changeSet " + unit.name + " is skipped: dbms=\"" + dbms->value.text + "\" does not include PostgreSQL", cs.head));
      migration.units.push_back(std::move(unit));
      return;
    }
    const Node* rollback = cs.child("rollback");
    unit.has_rollback = rollback != nullptr;
    for (const Node& change : cs.children) {
      if (is_meta_element(change.name)) continue;
      if (!change_type_auto_rollback(change)) unit.irreversible.emplace_back(change.name, change.head);
      map_change(change, unit_id, unit.in_transaction);
    }
    migration.units.push_back(std::move(unit));
  }

  void collect_property(const Node& p) {
    if (const Attr* dbms = p.attr("dbms"); dbms && !dbms_applies(dbms->value.text)) return;
    std::string name = p.value("name");
    if (!name.empty() && !properties.count(name)) properties[name] = p.value("value");
  }
};

// ---------------------------------------------------------------------------------------------
// include / includeAll: followed to check that they resolve, and for cycles.

struct IncludeWalker {
  fs::path bound;  // nothing outside this directory is read
  Migration& migration;
  std::vector<fs::path> stack;
  std::set<fs::path> done;
  size_t files_read = 0;

  bool inside(const fs::path& p) const {
    auto [a, b] = std::mismatch(bound.begin(), bound.end(), p.begin(), p.end());
    return a == bound.end();
  }

  std::optional<fs::path> resolve(const fs::path& changelog, const std::string& file, bool relative) {
    std::error_code ec;
    std::vector<fs::path> candidates;
    if (fs::path(file).is_absolute()) return std::nullopt;
    candidates.push_back(changelog.parent_path() / file);
    if (!relative) {  // classpath-relative: try each ancestor up to the bound
      for (fs::path d = changelog.parent_path(); inside(d) && d.has_parent_path(); d = d.parent_path()) {
        candidates.push_back(d / file);
        if (d == bound) break;
      }
    }
    for (const fs::path& c : candidates) {
      fs::path canon = fs::weakly_canonical(c, ec);
      if (!ec && fs::exists(canon, ec) && inside(canon)) return canon;
    }
    return std::nullopt;
  }

  // Include-type children of a changelog file (read from disk).
  static std::vector<Node> includes_of(const fs::path& file) {
    std::vector<Node> out;
    std::ifstream in(file, std::ios::binary);
    std::stringstream buf;
    buf << in.rdbuf();
    std::string text = buf.str();
    std::string ext = lower(file.extension().string());
    ReadResult r = ext == ".xml" ? read_xml(text) : ext == ".json" ? read_json(text)
                 : (ext == ".yaml" || ext == ".yml") ? read_yaml(text) : ReadResult{};
    if (!r.root) return out;
    for (Node& c : r.root->children)
      if (c.name == "include" || c.name == "includeAll") out.push_back(std::move(c));
    return out;
  }

  // Follows the includes of `file`; reports problems at `report_at` (a range of the document).
  void walk(const fs::path& file, const std::vector<Node>& includes, bool top, ByteRange report_at) {
    stack.push_back(file);
    for (const Node& inc : includes) {
      ByteRange at = top ? inc.head : report_at;
      bool relative = truthy(inc.value("relativeToChangelogFile"));
      if (inc.name == "include") {
        std::string f = inc.value("file");
        auto target = resolve(file, f, relative);
        if (!target) {
          if (top)
            migration.frontend_diagnostics.push_back(frontend_info(
                "included changelog \"" + f + "\" was not found inside " + bound.string() + "; not followed", at));
          continue;
        }
        follow(*target, at, top);
      } else {
        std::string p = inc.value("path");
        auto dir = resolve(file, p, relative);
        std::error_code ec;
        if (!dir || !fs::is_directory(*dir, ec)) {
          if (top)
            migration.frontend_diagnostics.push_back(frontend_info(
                "includeAll path \"" + p + "\" was not found inside " + bound.string() + "; not followed", at));
          continue;
        }
        std::vector<fs::path> files;
        for (const auto& e : fs::recursive_directory_iterator(*dir, fs::directory_options::skip_permission_denied, ec)) {
          std::string ext = lower(e.path().extension().string());
          if (e.is_regular_file(ec) && (ext == ".xml" || ext == ".yaml" || ext == ".yml" || ext == ".json" || ext == ".sql"))
            files.push_back(e.path());
          if (files.size() > 5000) break;
        }
        std::sort(files.begin(), files.end());
        for (const fs::path& f : files) {
          fs::path canon = fs::weakly_canonical(f, ec);
          if (!ec && inside(canon)) follow(canon, at, top);  // a symlink out of the bound is not read
        }
      }
    }
    stack.pop_back();
  }

  void follow(const fs::path& target, ByteRange at, bool top) {
    (void)top;
    if (std::find(stack.begin(), stack.end(), target) != stack.end()) {
      std::string chain;
      for (const fs::path& p : stack) chain += p.filename().string() + " -> ";
      migration.frontend_diagnostics.push_back(frontend_info(
          "include cycle: " + chain + target.filename().string() + "; Liquibase fails or runs changeSets twice",
          at, Severity::Warning));
      return;
    }
    if (done.count(target) || files_read > 2000 || stack.size() > 32) return;
    done.insert(target);
    ++files_read;
    walk(target, includes_of(target), false, at);
  }
};

fs::path include_bound(const fs::path& changelog_dir) {
  // Classpath roots: the nearest ancestor named "resources" (Maven/Gradle layout), else the
  // changelog's own directory.
  for (fs::path d = changelog_dir; !d.empty() && d.has_relative_path(); d = d.parent_path()) {
    if (d.filename() == "resources") return d;
    if (d == d.parent_path()) break;
  }
  return changelog_dir;
}

// The include bound inside the workspace folders (language server): a "resources" ancestor above
// the folder the changelog is in is cut back to that folder. nullopt: the changelog itself is
// outside every folder, so no include is followed.
std::optional<fs::path> include_bound(const fs::path& changelog_dir, const Config& config) {
  fs::path bound = include_bound(changelog_dir);
  if (config.read_roots.empty() || config.may_read(bound)) return bound;
  for (const fs::path& root : config.read_roots)
    if (resolves_inside(root, changelog_dir)) return fs::weakly_canonical(root);
  return std::nullopt;
}

}  // namespace

Migration map_changelog(const Node& root, std::string_view text, const std::string& path, Format format,
                        const Config& config, StatementCache& cache) {
  Migration migration;
  migration.path = path;
  migration.format = format;
  migration.tool = MigrationTool::Liquibase;
  migration.tool_wraps_in_transaction = true;
  Mapper mapper{text, path, config, cache, migration, target_version(config, text), {}};
  for (const Node& c : root.children)
    if (c.name == "property") mapper.collect_property(c);
  int32_t unit = 0;
  std::vector<Node> includes;
  for (const Node& c : root.children) {
    if (c.name == "changeSet") mapper.map_change_set(c, unit++);
    else if (c.name == "include" || c.name == "includeAll") includes.push_back(c);
  }
  if (!includes.empty() && !path.empty()) {
    std::error_code ec;
    fs::path self = fs::weakly_canonical(fs::absolute(path, ec), ec);
    if (auto bound = include_bound(self.parent_path(), config)) {
      IncludeWalker walker{*bound, migration, {}, {self}};
      walker.walk(self, includes, true, {});
    } else {
      migration.frontend_diagnostics.push_back(frontend_info(
          "the changelog is outside the workspace folders: its includes are not followed", includes.front().head));
    }
  }
  collect_suppressions(migration, text);
  return migration;
}

}  // namespace zerolock::liquibase
