// Hover on a statement: the locks it takes, what each blocks, how long it is held, rewrite and
// scan, version notes, and the explanations of the rules that fired there. Markdown.
#include <set>

#include "analysis/locks/lock_mode.h"
#include "analysis/rules/rule.h"
#include "server/lsp/features.h"
#include "server/lsp/positions.h"

namespace zerolock::lsp {
namespace {

const char* role_name(RelationRole role) {
  switch (role) {
    case RelationRole::Table: return "table";
    case RelationRole::Index: return "index";
    case RelationRole::ReferencedTable: return "referenced table";
    case RelationRole::PartitionParent: return "partition parent";
    case RelationRole::Partition: return "partition";
    case RelationRole::Sequence: return "sequence";
    case RelationRole::View: return "view";
    case RelationRole::Other: break;
  }
  return "relation";
}

const char* mark(bool blocked) { return blocked ? "blocked" : "ok"; }

std::string lock_section(const AnalyzedDocument& doc, size_t index, ColumnEncoding) {
  const Statement& statement = doc.analysis.migration.statements[index];
  const StatementFacts& facts = doc.analysis.facts.at(index);
  const LockEffect& effect = facts.effect;
  std::string md;
  if (!effect.known) {
    md += "zerolock does not model the locks of this statement.\n\n";
  } else if (effect.locks.empty()) {
    md += "Takes no table-level lock.\n\n";
  } else {
    // The small conflict table: what other sessions can still do on each relation.
    md += "| relation | lock | SELECT | INSERT/UPDATE/DELETE | DDL, VACUUM, CREATE INDEX |\n|---|---|---|---|---|\n";
    for (const auto& lock : effect.locks) {
      BlockedWork blocked = blocked_work(lock.mode);
      md += "| `" + lock.relation + "` (" + role_name(lock.role) + ") | **" + std::string(lock_mode_name(lock.mode)) +
            "** | " + mark(blocked.reads) + " | " + mark(blocked.writes) + " | " + mark(blocked.ddl) + " |\n";
    }
    md += "\n";
    if (statement.in_transaction) {
      md += "Held until the transaction ends";
      if (facts.transaction_ends_at >= 0 &&
          static_cast<size_t>(facts.transaction_ends_at) < doc.analysis.migration.statements.size()) {
        uint32_t end = doc.analysis.migration.statements[facts.transaction_ends_at].range.begin;
        md += " (line " + std::to_string(doc.lines.line_of(end) + 1) + ")";
      } else {
        md += statement.transaction_opened_by < 0 ? " (the migration tool's transaction)" : " (end of file)";
      }
      md += ", not just for this statement.\n\n";
    } else {
      md += "Held for the duration of this statement.\n\n";
    }
  }
  if (effect.rewrite) md += "- **Rewrites** the table: time and disk proportional to its size.\n";
  if (effect.scan) md += "- **Scans** the table while holding the lock.\n";
  if (!effect.transactional) md += "- Cannot run inside a transaction block.\n";
  if (!effect.note.empty()) md += "- " + effect.note + "\n";
  return md;
}

}  // namespace

json hover(const AnalyzedDocument& doc, const json& params, const FeatureContext& ctx) {
  auto offset = to_offset(doc.lines, params.at("position").get<protocol::Position>(), ctx.encoding);
  if (!offset) return nullptr;
  int32_t index = doc.statement_at(*offset);
  if (index < 0) return nullptr;
  const Statement& statement = doc.analysis.migration.statements[index];

  std::string md;
  std::string summary = statement.parsed && !statement.parsed->summary.empty() ? statement.parsed->summary : "statement";
  md += "### " + summary + "\n\n";
  if (statement.parsed && statement.parsed->error) {
    md += "Syntax error: " + statement.parsed->error->message + "\n";
  } else if (static_cast<size_t>(index) < doc.analysis.facts.size()) {
    md += lock_section(doc, static_cast<size_t>(index), ctx.encoding);
  }

  std::set<std::string> explained;
  for (const auto& d : doc.analysis.diagnostics) {
    if (d.statement != index || !explained.insert(d.rule).second) continue;
    md += "\n---\n\n**" + d.rule + "**: " + d.message + "\n\n";
    if (const Rule* rule = RuleRegistry::find(d.rule)) {
      md += std::string(rule->meta().explanation) + "\n\n[" + d.rule + " documentation](" + rule_doc_url(d.rule) + ")\n";
    } else if (!d.help.empty()) {
      md += d.help + "\n";
    }
  }
  return {{"contents", protocol::markdown(std::move(md))},
          {"range", to_range(doc.lines, statement.range, ctx.encoding)}};
}

}  // namespace zerolock::lsp
