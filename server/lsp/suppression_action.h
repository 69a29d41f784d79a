#pragma once
// The quickfix that suppresses one diagnostic with a `-- zerolock-disable-next-line <rule>`
// comment on the line above it.
#include "server/lsp/code_action_provider.h"

namespace zerolock::lsp {

class SuppressionAction final : public CodeActionProvider {
 public:
  [[nodiscard]] const char* id() const override { return "suppress"; }
  void propose(const AnalyzedDocument& doc, const Diagnostic& diagnostic, std::vector<ProposedAction>& out) const override;
  [[nodiscard]] ProposedChange edits(const AnalyzedDocument& doc, const nlohmann::json& data) const override;
};

}  // namespace zerolock::lsp
