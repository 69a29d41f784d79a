#pragma once
// Code actions for the safe rewrites (analysis/fixes/): one action per FixPlan a diagnostic offers.
// Safe plans are kind "quickfix", preferred and part of source.fixAll.zerolock; unsafe plans are
// "refactor.rewrite". Edits are computed in edits() (codeAction/resolve), from the plan's recipe id.
// Plans whose rendering needs a new file (later phases, Flyway follow-up migrations) create it in
// the WorkspaceEdit; they are offered only to clients that can create files, never in fix-all.
#include "server/lsp/code_action_provider.h"

namespace zerolock::lsp {

class RewriteActions final : public CodeActionProvider {
 public:
  [[nodiscard]] const char* id() const override { return "rewrite"; }
  void propose(const AnalyzedDocument& doc, const Diagnostic& diagnostic, std::vector<ProposedAction>& out) const override;
  [[nodiscard]] ProposedChange edits(const AnalyzedDocument& doc, const nlohmann::json& data) const override;
};

// The instance to list in code_action_providers() (server/lsp/code_action_providers.cpp).
const CodeActionProvider& rewrite_actions();

}  // namespace zerolock::lsp
