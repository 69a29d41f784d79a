#pragma once
// The extension point for code actions. A provider proposes actions for a diagnostic (cheap,
// no edits) and computes an action's edits on demand (codeAction/resolve, or eagerly for
// clients without resolve support). The suppression quickfix is one provider; the safe
// rewrites register another in code_action_providers.cpp.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "analysis/engine/diagnostic.h"
#include "analysis/text/source_range.h"
#include "server/lsp/analyzed_document.h"

namespace zerolock::lsp {

struct ProposedEdit {
  ByteRange range;  // document bytes replaced
  std::string new_text;
};

// A file an action creates beside the document (a follow-up migration: the later phase of a
// rewrite, or a statement that must run in a file the tool runs without a transaction).
struct ProposedNewFile {
  std::string path;  // relative to the document's directory
  std::string text;
};

struct ProposedChange {
  std::vector<ProposedEdit> edits;
  std::vector<ProposedNewFile> new_files;
};

struct ProposedAction {
  std::string title;
  std::string kind = "quickfix";  // LSP CodeActionKind
  bool preferred = false;         // the safe rewrite of a statement
  bool fix_all = false;           // part of source.fixAll.zerolock (never one that creates files)
  bool creates_files = false;     // offered only to clients that can create files in a WorkspaceEdit
  nlohmann::json data;            // provider-specific; handed back to edits()
};

class CodeActionProvider {
 public:
  virtual ~CodeActionProvider() = default;
  // Stable name, stored in an action's data so resolve finds the provider again.
  [[nodiscard]] virtual const char* id() const = 0;
  virtual void propose(const AnalyzedDocument& doc, const Diagnostic& diagnostic,
                       std::vector<ProposedAction>& out) const = 0;
  // Edits (and new files) for an action this provider proposed on the same document version.
  [[nodiscard]] virtual ProposedChange edits(const AnalyzedDocument& doc, const nlohmann::json& data) const = 0;
};

// Every provider, in the order their actions are listed.
const std::vector<const CodeActionProvider*>& code_action_providers();
const CodeActionProvider* find_code_action_provider(const std::string& id);

}  // namespace zerolock::lsp
