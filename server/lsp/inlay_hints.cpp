// Inlay hints after each statement: the strongest lock it takes and on what
// ("ACCESS EXCLUSIVE users"). Togglable with the inlayHints.enable setting.
#include "analysis/locks/lock_mode.h"
#include "server/lsp/features.h"
#include "server/lsp/positions.h"

namespace zerolock::lsp {

json inlay_hints(const AnalyzedDocument& doc, const json& params, const FeatureContext& ctx) {
  json out = json::array();
  if (!ctx.inlay_hints_enabled) return out;
  uint32_t begin = 0;
  uint32_t end = static_cast<uint32_t>(doc.text->size());
  if (params.contains("range")) {
    auto range = params["range"].get<protocol::Range>();
    begin = to_offset(doc.lines, range.start, ctx.encoding).value_or(0);
    end = to_offset(doc.lines, range.end, ctx.encoding).value_or(end);
  }
  const auto& statements = doc.analysis.migration.statements;
  for (size_t i = 0; i < statements.size() && i < doc.analysis.facts.size(); ++i) {
    const Statement& statement = statements[i];
    if (statement.range.end < begin || statement.range.begin > end) continue;
    const LockEffect& effect = doc.analysis.facts[i].effect;
    LockMode strongest = effect.strongest();
    if (!effect.known || strongest == LockMode::None) continue;
    std::string relations;
    for (const auto& lock : effect.locks) {
      if (lock.mode != strongest) continue;
      if (!relations.empty()) relations += ", ";
      relations += lock.relation;
    }
    std::string label = std::string(lock_mode_name(strongest)) + (relations.empty() ? "" : " " + relations);
    std::string tooltip = blocked_work_phrase(strongest);
    if (effect.rewrite) tooltip += "; rewrites the table";
    out.push_back({{"position", to_position(doc.lines, statement.range.end, ctx.encoding)},
                   {"label", label},
                   {"kind", 1},
                   {"paddingLeft", true},
                   {"tooltip", tooltip}});
  }
  return out;
}

}  // namespace zerolock::lsp
