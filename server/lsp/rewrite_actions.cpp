#include "server/lsp/rewrite_actions.h"

#include "analysis/fixes/fix.h"

namespace zerolock::lsp {
namespace {

const Config& config_of(const AnalyzedDocument& doc) {
  static const Config defaults;
  return doc.config ? *doc.config : defaults;
}

}  // namespace

void RewriteActions::propose(const AnalyzedDocument& doc, const Diagnostic& diagnostic, std::vector<ProposedAction>& out) const {
  if (!doc.text) return;
  const Config& config = config_of(doc);
  for (const fixes::FixPlan& plan : fixes::plans_for(doc.analysis, *doc.text, config, diagnostic)) {
    if (plan.applicability != FixApplicability::Safe && plan.applicability != FixApplicability::Unsafe) continue;
    fixes::RenderedFix rendered = fixes::render(plan, doc.analysis, *doc.text, config);
    if (!rendered.ok) continue;
    bool safe = plan.applicability == FixApplicability::Safe;
    ProposedAction action;
    action.title = safe ? plan.title : plan.title + " (needs review)";
    action.kind = safe ? "quickfix" : "refactor.rewrite";
    action.preferred = safe;
    action.creates_files = !rendered.new_files.empty();
    action.fix_all = safe && !action.creates_files;
    action.data = {{"rule", diagnostic.rule},
                   {"begin", diagnostic.range.begin},
                   {"end", diagnostic.range.end},
                   {"recipe", plan.recipe}};
    out.push_back(std::move(action));
  }
}

ProposedChange RewriteActions::edits(const AnalyzedDocument& doc, const nlohmann::json& data) const {
  ProposedChange out;
  if (!doc.text) return out;
  const Config& config = config_of(doc);
  std::string rule = data.value("rule", "");
  std::string recipe = data.value("recipe", "");
  ByteRange range{data.value("begin", 0u), data.value("end", 0u)};
  for (const Diagnostic& d : doc.analysis.diagnostics) {
    if (d.rule != rule || !(d.range == range)) continue;
    for (const fixes::FixPlan& plan : fixes::plans_for(doc.analysis, *doc.text, config, d)) {
      if (plan.recipe != recipe) continue;
      fixes::RenderedFix rendered = fixes::render(plan, doc.analysis, *doc.text, config);
      if (!rendered.ok) return out;
      for (const auto& e : rendered.edits) out.edits.push_back(ProposedEdit{e.range, e.new_text});
      for (auto& f : rendered.new_files) out.new_files.push_back(ProposedNewFile{std::move(f.path), std::move(f.text)});
      return out;
    }
  }
  return out;
}

const CodeActionProvider& rewrite_actions() {
  static const RewriteActions instance;
  return instance;
}

}  // namespace zerolock::lsp
