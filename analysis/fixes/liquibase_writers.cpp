// The text of new changeSets, `sql` changes and rollbacks in each changelog format, at the
// indentation the file already uses (Style, measured from the changeSet being rewritten).
//
// Every statement is its own `sql` change: Liquibase splits a sql change at ';' without knowing
// dollar quotes, so a statement holding $zerolock$ bodies gets splitStatements="false", and in a
// runInTransaction="false" changeSet each statement must reach the server alone (PgJDBC sends
// several statements of one call as one implicit transaction). Rollbacks are nested `sql` changes
// for the same reason. Formatted SQL is written by the renderer itself (its changesets are text).
#include "fixes/liquibase_renderer.h"

#include <algorithm>

namespace zerolock::fixes::lbfix {
namespace {

bool needs_no_split(const std::string& s) { return s.find('$') != std::string::npos; }

std::string xml_escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '&') out += "&amp;";
    else if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else if (c == '"') out += "&quot;";
    else out += c;
  }
  return out;
}
std::string xml_text(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '&') out += "&amp;";
    else if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else out += c;
  }
  return out;
}
// Lines of `s`, each prefixed with `indent`, joined by eol (blank lines stay empty).
std::string indented(std::string_view s, const std::string& indent, const std::string& eol) {
  std::string out;
  size_t at = 0;
  while (true) {
    size_t nl = s.find('\n', at);
    std::string_view line = s.substr(at, nl == std::string_view::npos ? std::string_view::npos : nl - at);
    if (!line.empty()) out += indent;
    out += line;
    if (nl == std::string_view::npos) break;
    out += eol;
    at = nl + 1;
  }
  return out;
}

// One sql change at the column `at` (XML element / YAML key / JSON member).
std::string one_sql(const std::string& stmt, const Style& st, const std::string& at) {
  bool raw = needs_no_split(stmt);
  bool multiline = stmt.find('\n') != std::string::npos;
  switch (st.format) {
    case Format::LiquibaseXml:
      if (!multiline && !raw) return "<sql>" + xml_text(stmt) + "</sql>";
      return std::string("<sql") + (raw ? " splitStatements=\"false\"" : "") + ">" + st.eol +
             indented(xml_text(stmt), at + st.unit, st.eol) + st.eol + at + "</sql>";
    case Format::LiquibaseYaml: {
      std::string inner = at + st.unit;
      std::string out = "sql:" + st.eol;
      if (raw) out += inner + "splitStatements: false" + st.eol;
      if (!multiline) return out + inner + "sql: " + yaml_quoted(stmt);
      return out + inner + "sql: |-" + st.eol + indented(stmt, inner + st.unit, st.eol);
    }
    case Format::LiquibaseJson:
      return std::string("\"sql\": { ") + (raw ? "\"splitStatements\": false, " : "") + "\"sql\": " + json_string(stmt) + " }";
    default: return stmt;
  }
}

// A list of sql changes as list items starting at `item` (the column of "<", "- " or "{").
std::string sql_items(const std::vector<std::string>& stmts, const Style& st, const std::string& item) {
  std::string out;
  for (size_t i = 0; i < stmts.size(); ++i) {
    if (i) out += st.eol + item;
    switch (st.format) {
      case Format::LiquibaseXml: out += one_sql(stmts[i], st, item); break;
      case Format::LiquibaseYaml: out += "- " + one_sql(stmts[i], st, item + "  "); break;
      case Format::LiquibaseJson: out += "{ " + one_sql(stmts[i], st, item) + " }" + (i + 1 < stmts.size() ? "," : ""); break;
      default: break;
    }
  }
  return out;
}

}  // namespace

std::string json_string(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += "\\\"";
    else if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else if (c == '\t') out += "\\t";
    else if (c == '\r') out += "\\r";
    else out += c;
  }
  return out + "\"";
}
std::string yaml_quoted(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += "\\\"";
    else if (c == '\\') out += "\\\\";
    else out += c;
  }
  return out + "\"";
}

std::string sql_change_text(const std::vector<std::string>& statements, const Style& style) {
  // Several: the caller separates them (see Renderer::separator); here exactly one.
  return statements.empty() ? std::string() : one_sql(statements.front(), style, style.child_indent);
}

std::string rollback_text(const std::vector<std::string>& statements, const Style& st) {
  const std::string& k = st.key_indent;
  switch (st.format) {
    case Format::LiquibaseXml:
      if (statements.empty()) return "<rollback/>";
      return "<rollback>" + st.eol + k + st.unit + sql_items(statements, st, k + st.unit) + st.eol + k + "</rollback>";
    case Format::LiquibaseYaml:
      if (statements.empty()) return "rollback: []";
      return "rollback:" + st.eol + k + st.unit + sql_items(statements, st, k + st.unit);
    case Format::LiquibaseJson:
      if (statements.empty()) return "\"rollback\": []";
      return "\"rollback\": [" + st.eol + k + st.unit + sql_items(statements, st, k + st.unit) + st.eol + k + "]";
    default: return {};
  }
}

std::string changeset_text(const NewChangeSet& cs, const Style& st) {
  std::string out;
  const std::string& eol = st.eol;
  if (st.format == Format::LiquibaseXml) {
    // XML: key_indent is the changes' column.
    Style inner = st;
    out = "<changeSet id=\"" + xml_escape(cs.id) + "\" author=\"" + xml_escape(cs.author) + "\"";
    if (!cs.run_in_transaction) out += " runInTransaction=\"false\"";
    for (const auto& [k, v] : cs.attrs) out += " " + k + "=\"" + xml_escape(v) + "\"";
    out += ">" + eol;
    if (!cs.comment.empty()) out += st.key_indent + "<!-- " + cs.comment + " -->" + eol;
    out += st.key_indent + sql_items(cs.statements, st, st.key_indent) + eol;
    out += st.key_indent + rollback_text(cs.rollback, inner) + eol;
    return out + st.item_indent + "</changeSet>";
  }
  if (st.format == Format::LiquibaseYaml) {
    const std::string& k = st.key_indent;
    out = "- changeSet:" + eol;
    if (!cs.comment.empty()) out += k + "# " + cs.comment + eol;
    out += k + "id: " + yaml_quoted(cs.id) + eol + k + "author: " + yaml_quoted(cs.author) + eol;
    if (!cs.run_in_transaction) out += k + "runInTransaction: false" + eol;
    for (const auto& [key, v] : cs.attrs) out += k + key + ": " + yaml_quoted(v) + eol;
    out += k + "changes:" + eol + k + st.unit + sql_items(cs.statements, st, k + st.unit) + eol;
    return out + k + rollback_text(cs.rollback, st);
  }
  // JSON
  const std::string& k = st.key_indent;
  std::string m = k + st.unit;
  Style members = st;
  members.key_indent = m;
  out = "{" + eol + k + "\"changeSet\": {" + eol;
  out += m + "\"id\": " + json_string(cs.id) + "," + eol + m + "\"author\": " + json_string(cs.author) + "," + eol;
  if (!cs.run_in_transaction) out += m + "\"runInTransaction\": false," + eol;
  for (const auto& [key, v] : cs.attrs) out += m + json_string(key) + ": " + json_string(v) + "," + eol;
  out += m + "\"changes\": [" + eol + m + st.unit + sql_items(cs.statements, st, m + st.unit) + eol + m + "]," + eol;
  out += m + rollback_text(cs.rollback, members) + eol;
  return out + k + "}" + eol + st.item_indent + "}";
}

// ---- text helpers ----
std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}
bool truthy(const std::string& v) { return lower(v) == "true"; }
std::string slug(const std::string& label) {
  std::string out;
  for (char c : label) {
    if (std::isalnum(static_cast<unsigned char>(c))) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    else if (!out.empty() && out.back() != '-') out += '-';
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out.empty() ? "phase" : out;
}

uint32_t line_start(std::string_view t, uint32_t at) {
  while (at > 0 && t[at - 1] != '\n') --at;
  return at;
}
uint32_t line_end(std::string_view t, uint32_t at) {
  while (at < t.size() && t[at] != '\n' && t[at] != '\r') ++at;
  return at;
}
std::string line_indent(std::string_view t, uint32_t at) {
  uint32_t b = line_start(t, at), e = b;
  while (e < t.size() && (t[e] == ' ' || t[e] == '\t')) ++e;
  return std::string(t.substr(b, e - b));
}
bool only_space(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c == ' ' || c == '\t'; });
}
std::string unique_id(std::set<std::string>& ids, const std::string& base) {
  std::string id = base;
  for (int n = 2; ids.count(id); ++n) id = base + "-" + std::to_string(n);
  ids.insert(id);
  return id;
}

}  // namespace zerolock::fixes::lbfix
