// Routes the feature requests to the analysis worker, where they run on the document's
// latest analysis in queue order, and sends their answers.
#include <spdlog/spdlog.h>

#include "server/lsp/features.h"
#include "server/lsp/language_server.h"

namespace zerolock::lsp {

using nlohmann::json;
using protocol::ErrorCode;
using protocol::RpcError;

void LanguageServer::run_feature(const protocol::Request& request, protocol::Reply reply,
                                 std::function<json(const AnalyzedDocument&, const json& params)> feature) {
  OpenDocument* doc = find_document(request.params);
  if (!doc) {
    reply.error(RpcError{ErrorCode::InvalidParams, "document is not open", {}});
    return;
  }
  worker_.run(doc->id, reply.cancellation(),
              [reply, params = request.params, feature = std::move(feature), method = request.method](
                  const AnalyzedDocument* analysed) {
                if (!analysed) {
                  reply.error(RpcError{ErrorCode::ContentModified, "the document has no analysis", {}});
                  return;
                }
                // Feature code reads params with typed accessors: a malformed request is the client's.
                try {
                  reply.result(feature(*analysed, params));
                } catch (const ContentModified& e) {
                  reply.error(RpcError{ErrorCode::ContentModified, e.what(), {}});
                } catch (const json::exception& e) {
                  reply.error(RpcError{ErrorCode::InvalidParams, e.what(), {}});
                } catch (const std::exception& e) {
                  spdlog::error("{} failed: {}", method, e.what());
                  reply.error(RpcError{ErrorCode::InternalError, e.what(), {}});
                }
              });
}

void LanguageServer::register_features() {
  auto route = [this](const char* method, json (*feature)(const AnalyzedDocument&, const json&, const FeatureContext&)) {
    endpoint_.on_request(method, [this, feature](const protocol::Request& request, protocol::Reply reply) {
      run_feature(request, std::move(reply),
                  [feature, ctx = feature_context()](const AnalyzedDocument& doc, const json& params) {
                    return feature(doc, params, ctx);
                  });
    });
  };
  route("textDocument/hover", hover);
  route("textDocument/inlayHint", inlay_hints);
  route("textDocument/documentSymbol", document_symbols);
  route("textDocument/codeAction", code_actions);
  route("textDocument/diagnostic", diagnostic_report);

  // The action carries its document in data.uri, not in textDocument.
  endpoint_.on_request("codeAction/resolve", [this](const protocol::Request& request, protocol::Reply reply) {
    json params{{"textDocument", {{"uri", request.params.at("data").at("uri")}}}};
    protocol::Request routed{request.id, request.method, std::move(params)};
    run_feature(routed, std::move(reply),
                [action = request.params, ctx = feature_context()](const AnalyzedDocument& doc, const json&) {
                  json resolved = resolve_code_action(doc, action, ctx);
                  if (resolved.is_null()) throw ContentModified("the document changed since the action was offered");
                  return resolved;
                });
  });
}

}  // namespace zerolock::lsp
