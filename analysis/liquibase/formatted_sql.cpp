// Formatted SQL changelogs: `--liquibase formatted sql`, then `--changeset author:id attr:value`
// headers; the SQL up to the next header is the changeSet's body, parsed by the SQL front end
// with offsets kept (the body is a verbatim slice of the document). `--rollback ...` lines and
// `/* liquibase rollback */` blocks are SQL comments to the splitter and mark the changeSet as
// having a rollback (`--rollback empty` / `--rollback not required`: nothing to undo).
// `--preconditions`, `--precondition-*`, `--comment` lines are comments too.
#include <cctype>

#include "liquibase/change_mapper.h"

namespace zerolock::liquibase {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// "--  changeset a:b ..." -> the text after the keyword, when the line is that directive.
std::optional<std::string_view> directive(std::string_view line, std::string_view keyword) {
  size_t i = 0;
  while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
  if (line.substr(i, 2) != "--") return std::nullopt;
  i += 2;
  while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
  if (lower(line.substr(i, keyword.size())) != keyword) return std::nullopt;
  size_t after = i + keyword.size();
  if (after < line.size() && !std::isspace(static_cast<unsigned char>(line[after])) && line[after] != ':') return std::nullopt;
  return line.substr(std::min(after, line.size()));
}

struct Header {
  ByteRange line;  // the --changeset line
  std::string author, id;
  std::vector<std::pair<std::string, std::string>> attrs;
};

Header parse_header(std::string_view rest, ByteRange line) {
  Header h;
  h.line = line;
  std::vector<std::string> words;
  std::string cur;
  bool quoted = false;
  for (char c : rest) {
    if (c == '"') {
      quoted = !quoted;
      continue;
    }
    if (!quoted && std::isspace(static_cast<unsigned char>(c))) {
      if (!cur.empty()) words.push_back(cur), cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) words.push_back(cur);
  if (!words.empty()) {
    size_t colon = words[0].find(':');
    h.author = words[0].substr(0, colon);
    h.id = colon == std::string::npos ? std::string() : words[0].substr(colon + 1);
    for (size_t k = 1; k < words.size(); ++k) {
      size_t c = words[k].find(':');
      if (c == std::string::npos) continue;
      h.attrs.emplace_back(words[k].substr(0, c), words[k].substr(c + 1));
    }
  }
  return h;
}

}  // namespace

Migration parse_formatted_sql(std::string_view text, const std::string& path, const Config& config, StatementCache& cache) {
  (void)config;
  Migration migration;
  migration.path = path;
  migration.format = Format::LiquibaseSql;
  migration.tool = MigrationTool::Liquibase;
  migration.tool_wraps_in_transaction = true;

  // Split into lines, find the headers.
  std::vector<Header> headers;
  std::vector<std::pair<size_t, ByteRange>> rollbacks;  // header index, line
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t nl = text.find('\n', pos);
    size_t end = nl == std::string_view::npos ? text.size() : nl;
    std::string_view line = text.substr(pos, end - pos);
    ByteRange r{static_cast<uint32_t>(pos), static_cast<uint32_t>(end)};
    if (auto rest = directive(line, "changeset")) {
      headers.push_back(parse_header(*rest, r));
    } else if (!headers.empty() && (directive(line, "rollback") ||
                                    lower(line).find("/* liquibase rollback") != std::string::npos ||
                                    lower(line).find("/*liquibase rollback") != std::string::npos)) {
      rollbacks.emplace_back(headers.size() - 1, r);
    }
    if (nl == std::string_view::npos) break;
    pos = nl + 1;
  }

  for (size_t h = 0; h < headers.size(); ++h) {
    const Header& header = headers[h];
    uint32_t body_begin = std::min<uint32_t>(header.line.end + 1, static_cast<uint32_t>(text.size()));
    uint32_t body_end = h + 1 < headers.size() ? headers[h + 1].line.begin : static_cast<uint32_t>(text.size());
    MigrationUnit unit;
    unit.id = static_cast<int32_t>(h);
    unit.name = header.author + ":" + header.id;
    unit.header = header.line;
    unit.range = {header.line.begin, body_end};
    unit.in_transaction = true;
    std::string dbms;
    for (const auto& [k, v] : header.attrs) {
      unit.attributes.emplace_back(k, v);
      if (k == "runInTransaction") unit.in_transaction = lower(v) != "false";
      if (k == "dbms") dbms = v;
    }
    for (const auto& [owner, line] : rollbacks)
      if (owner == h) unit.has_rollback = true;
    if (!dbms.empty() && !dbms_applies(dbms)) {
      unit.skipped = true;
      Diagnostic d;
      d.rule = "frontend";
      d.severity = Severity::Info;
      d.message = "changeset " + unit.name + " is skipped: dbms:" + dbms + " does not include PostgreSQL";
      d.range = header.line;
      migration.frontend_diagnostics.push_back(std::move(d));
      migration.units.push_back(std::move(unit));
      continue;
    }
    MappedText body;
    body.append_raw(text.substr(body_begin, body_end - body_begin), body_begin);
    body.set_end(body_end);
    size_t first = migration.statements.size();
    append_mapped_sql(migration, body, text, cache, unit.in_transaction, unit.id, "sql");
    if (migration.statements.size() > first) unit.irreversible.emplace_back("sql", header.line);
    migration.units.push_back(std::move(unit));
  }
  collect_suppressions(migration, text);
  return migration;
}

}  // namespace zerolock::liquibase
