// zerolock/* requests for tests and benchmarks: the server's copy of a document and what the
// last analysis re-parsed. Not part of any editor integration.
#include "server/lsp/language_server.h"

namespace zerolock::lsp {

using nlohmann::json;

void LanguageServer::register_debug_requests() {
  // The server's text and version, straight from the io thread's document store.
  endpoint_.on_request("zerolock/documentText", [this](const protocol::Request& request, protocol::Reply reply) {
    OpenDocument* doc = find_document(request.params);
    if (!doc) {
      reply.error(protocol::RpcError{protocol::ErrorCode::InvalidParams, "document is not open", {}});
      return;
    }
    reply.result({{"version", doc->version}, {"text", *doc->text}});
  });

  // The latest analysis: its version, statement count and statement-cache use.
  endpoint_.on_request("zerolock/analysisStats", [this](const protocol::Request& request, protocol::Reply reply) {
    run_feature(request, std::move(reply), [this](const AnalyzedDocument& doc, const json&) {
      return json{{"version", doc.version},
                  {"statements", doc.analysis.migration.statements.size()},
                  {"diagnostics", doc.analysis.diagnostics.size()},
                  {"parsed", doc.last_parse_misses},
                  {"reused", doc.last_parse_hits},
                  {"coalesced", worker_.coalesced()}};
    });
  });
}

}  // namespace zerolock::lsp
