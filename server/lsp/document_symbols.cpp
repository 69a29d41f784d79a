// Document symbols: one per statement, named by what it does ("CREATE INDEX ix ON users"),
// grouped under their migration step (upgrade/downgrade, Liquibase changeSet) when the format
// has steps.
#include <map>

#include "server/lsp/features.h"
#include "server/lsp/positions.h"

namespace zerolock::lsp {
namespace {

// LSP SymbolKind numbers.
constexpr int kNamespace = 3, kClass = 5, kField = 8, kFunction = 12, kKey = 20, kEvent = 24, kOperator = 25;

int symbol_kind(const Statement& statement) {
  if (!statement.parsed || statement.parsed->ops.empty()) return kOperator;
  switch (statement.parsed->ops.front().kind) {
    case OpKind::CreateTable: case OpKind::CreateTableAs: case OpKind::DropTable: case OpKind::RenameTable:
      return kClass;
    case OpKind::AddColumn: case OpKind::DropColumn: case OpKind::RenameColumn: case OpKind::AlterColumnType:
    case OpKind::SetNotNull: case OpKind::DropNotNull: case OpKind::SetDefault: case OpKind::DropDefault:
      return kField;
    case OpKind::CreateIndex: case OpKind::DropIndex: case OpKind::ReindexIndex: case OpKind::ReindexTable:
    case OpKind::AddConstraint: case OpKind::ValidateConstraint: case OpKind::DropConstraint:
      return kKey;
    case OpKind::CreateFunction: case OpKind::DropFunction: case OpKind::DoBlock:
      return kFunction;
    case OpKind::Begin: case OpKind::Commit: case OpKind::Rollback: case OpKind::SetSetting: case OpKind::ResetSetting:
      return kEvent;
    default:
      return kOperator;
  }
}

std::string symbol_name(const AnalyzedDocument& doc, const Statement& statement) {
  if (statement.parsed && !statement.parsed->summary.empty()) return statement.parsed->summary;
  // No summary (syntax error): the statement's first line, shortened.
  std::string_view text(*doc.text);
  text = text.substr(statement.range.begin, statement.range.size());
  text = text.substr(0, std::min(text.find('\n'), size_t{60}));
  return text.empty() ? std::string("statement") : std::string(text);
}

bool is_liquibase(Format format) {
  return format == Format::LiquibaseXml || format == Format::LiquibaseYaml || format == Format::LiquibaseJson ||
         format == Format::LiquibaseSql;
}

}  // namespace

json document_symbols(const AnalyzedDocument& doc, const json&, const FeatureContext& ctx) {
  const Migration& migration = doc.analysis.migration;
  bool by_section = false;
  for (const auto& s : migration.statements) by_section = by_section || s.section == Section::Downgrade;
  bool by_unit = is_liquibase(migration.format);

  json flat = json::array();
  std::map<std::string, std::pair<ByteRange, json>> groups;  // group name -> (range, children)
  std::vector<std::string> group_order;
  for (const auto& statement : migration.statements) {
    auto range = to_range(doc.lines, statement.range, ctx.encoding);
    json symbol{{"name", symbol_name(doc, statement)},
                {"kind", symbol_kind(statement)},
                {"range", range},
                {"selectionRange", range}};
    if (!by_section && !by_unit) {
      flat.push_back(std::move(symbol));
      continue;
    }
    std::string group = by_unit ? "changeSet " + std::to_string(statement.unit + 1)
                                : (statement.section == Section::Downgrade ? "downgrade" : "upgrade");
    auto [it, inserted] = groups.try_emplace(group, statement.range, json::array());
    if (inserted) group_order.push_back(group);
    it->second.first.begin = std::min(it->second.first.begin, statement.range.begin);
    it->second.first.end = std::max(it->second.first.end, statement.range.end);
    it->second.second.push_back(std::move(symbol));
  }
  if (!by_section && !by_unit) return flat;
  json out = json::array();
  for (const auto& name : group_order) {
    auto& [range, children] = groups[name];
    auto lsp_range = to_range(doc.lines, range, ctx.encoding);
    out.push_back({{"name", name}, {"kind", kNamespace}, {"range", lsp_range}, {"selectionRange", lsp_range},
                   {"children", std::move(children)}});
  }
  return out;
}

}  // namespace zerolock::lsp
