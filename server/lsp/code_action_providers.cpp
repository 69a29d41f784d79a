// The registered code action providers. To add one (e.g. the safe rewrites), implement
// CodeActionProvider and list it here.
#include <cstring>

#include "server/lsp/code_action_provider.h"
#include "server/lsp/rewrite_actions.h"
#include "server/lsp/suppression_action.h"

namespace zerolock::lsp {

const std::vector<const CodeActionProvider*>& code_action_providers() {
  static const SuppressionAction suppression;
  // Rewrites first: editors list actions in order, and the safe rewrite is the preferred one.
  static const std::vector<const CodeActionProvider*> providers{&rewrite_actions(), &suppression};
  return providers;
}

const CodeActionProvider* find_code_action_provider(const std::string& id) {
  for (const auto* provider : code_action_providers())
    if (id == provider->id()) return provider;
  return nullptr;
}

}  // namespace zerolock::lsp
