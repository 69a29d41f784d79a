// Incremental text synchronisation: didOpen / didChange / didClose / didSave. The io thread owns
// the text; each change produces a new immutable snapshot handed to the worker with the byte
// region it touched. A change that does not apply (out-of-range position) is rejected whole and
// the document keeps its previous text and version.
#include <spdlog/spdlog.h>

#include "server/lsp/language_server.h"
#include "server/lsp/positions.h"
#include "server/lsp/text_edit.h"
#include "server/lsp/uri.h"
#include "text/input_limits.h"

namespace zerolock::lsp {

using nlohmann::json;

void LanguageServer::schedule_analysis(const OpenDocument& doc, std::optional<sql::TextEdit> edit, bool reset) {
  AnalysisRequest request;
  request.document = doc.id;
  request.uri = doc.uri;
  request.path = doc.path;
  request.language_id = doc.language_id;
  request.version = doc.version;
  request.text = doc.text;
  request.config = configs_.config_for(doc.path);
  request.edit = edit;
  request.reset = reset;
  worker_.analyse(std::move(request));
}

bool LanguageServer::within_size_limit(OpenDocument& doc) {
  if (doc.text->size() <= limits::kMaxDocumentBytes) {
    if (!doc.too_large) return true;
    // Back under the limit: the worker forgot it, so it is analysed from scratch.
    doc.too_large = false;
    schedule_analysis(doc, std::nullopt, /*reset=*/true);
    return false;
  }
  if (doc.too_large) return false;  // already reported
  doc.too_large = true;
  worker_.close(doc.id);  // no stale analysis answers feature requests for the new text
  std::string message = "zerolock: " + doc.uri + ": " + limits::too_large_message(doc.text->size());
  show_message(2, message);
  if (!pull_diagnostics_) {
    json diagnostic{{"range", {{"start", {{"line", 0}, {"character", 0}}}, {"end", {{"line", 0}, {"character", 0}}}}},
                    {"severity", 2},
                    {"source", "zerolock"},
                    {"code", "document-too-large"},
                    {"message", limits::too_large_message(doc.text->size())}};
    endpoint_.notify(protocol::method::kPublishDiagnostics,
                     {{"uri", doc.uri}, {"version", doc.version}, {"diagnostics", json::array({diagnostic})}});
  }
  return false;
}

void LanguageServer::register_text_sync() {
  endpoint_.on_notification("textDocument/didOpen", [this](const protocol::Notification& n) {
    if (phase_ != Phase::Running) return;
    const json& item = n.params.at("textDocument");
    OpenDocument doc;
    doc.id = next_document_id_++;
    doc.uri = item.at("uri").get<std::string>();
    doc.path = uri_to_path(doc.uri);
    doc.language_id = item.value("languageId", "");
    doc.version = item.value("version", int64_t{0});
    doc.text = std::make_shared<const std::string>(item.at("text").get<std::string>());
    if (auto old = documents_.find(doc.uri); old != documents_.end()) worker_.close(old->second.id);
    auto& stored = documents_[doc.uri] = std::move(doc);
    if (within_size_limit(stored)) schedule_analysis(stored, std::nullopt, /*reset=*/true);
  });

  endpoint_.on_notification("textDocument/didChange", [this](const protocol::Notification& n) {
    if (phase_ != Phase::Running) return;
    OpenDocument* doc = find_document(n.params);
    if (!doc) {
      spdlog::warn("didChange for a document that is not open");
      return;
    }
    auto changes = n.params.at("contentChanges").get<std::vector<protocol::ContentChange>>();
    int64_t version = n.params.at("textDocument").value("version", doc->version + 1);
    auto applied = apply_changes(*doc->text, changes, column_encoding(encoding_));
    if (auto* error = std::get_if<EditError>(&applied)) {
      // Keeping the old text is the only safe choice; the client should resync (reopen).
      show_message(1, "zerolock: rejected a change to " + doc->uri + " (v" + std::to_string(version) +
                          "): " + error->message + "; the document keeps v" + std::to_string(doc->version));
      return;
    }
    auto& result = std::get<AppliedChanges>(applied);
    doc->text = std::make_shared<const std::string>(std::move(result.text));
    doc->version = version;
    if (within_size_limit(*doc)) schedule_analysis(*doc, result.edit, /*reset=*/false);
  });

  endpoint_.on_notification("textDocument/didClose", [this](const protocol::Notification& n) {
    OpenDocument* doc = find_document(n.params);
    if (!doc) return;
    worker_.close(doc->id);
    std::string uri = doc->uri;
    documents_.erase(uri);
    // Clear the squiggles of a closed file (push mode); any late result for it is dropped.
    if (!pull_diagnostics_)
      endpoint_.notify(protocol::method::kPublishDiagnostics, {{"uri", uri}, {"diagnostics", json::array()}});
  });

  endpoint_.on_notification("textDocument/didSave", [](const protocol::Notification&) {
    // The text is already current through didChange; nothing depends on the saved state.
  });
}

}  // namespace zerolock::lsp
