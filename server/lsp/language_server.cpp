#include "server/lsp/language_server.h"

#include <asio/post.hpp>
#include <spdlog/spdlog.h>

#include "server/lsp/features.h"
#include "server/lsp/positions.h"

namespace zerolock::lsp {

LanguageServer::LanguageServer(asio::io_context& io, protocol::Transport& transport, ServerOptions options)
    : io_(io),
      transport_(transport),
      endpoint_(io, transport),
      options_(options),
      configs_([this](const std::string& message) { show_message(1, "zerolock: " + message); }),
      worker_([this](AnalyzedDocument& doc) { on_analysed(doc); }) {
  register_lifecycle();
  register_text_sync();
  register_features();
  register_workspace_settings();
  register_debug_requests();
}

LanguageServer::~LanguageServer() { worker_.stop(); }

int LanguageServer::run() {
  transport_.start(protocol::Transport::Handlers{
      [this](std::string body) { endpoint_.receive(body); },
      [this](const protocol::FrameError& error) {
        endpoint_.frame_error(error);
        // A refused oversized message loses what the client sent: the user must hear of it.
        if (error.too_large) show_message(1, "zerolock: " + error.message);
      },
      [this] {
        spdlog::info("end of input");
        finish(phase_ == Phase::ShutDown ? 0 : 1);
      },
  });
  io_.run();
  worker_.stop();
  return exit_code_.value_or(1);
}

void LanguageServer::on_analysed(AnalyzedDocument& doc) {
  // Worker thread: convert once here, publish on the io thread, which alone knows whether this
  // version is still the newest. Pull mode keeps the text for the requests.
  if (pull_diagnostics_) {
    doc.diagnostics_text = lsp_diagnostics_text(doc, column_encoding(encoding_));
    return;
  }
  doc.diagnostics_text.reset();
  // The params are serialised here, off the io thread, with the diagnostics written into them in
  // place (megabytes for a large migration: no copy); the io thread only decides and sends.
  std::string params = R"({"uri":)" + protocol::to_json_text(doc.uri) + R"(,"version":)" + std::to_string(doc.version) +
                       R"(,"diagnostics":)";
  append_lsp_diagnostics(params, doc, column_encoding(encoding_));
  params += '}';
  asio::post(io_, [this, id = doc.id, uri = doc.uri, version = doc.version, params = std::move(params)]() mutable {
    auto it = documents_.find(uri);
    if (it == documents_.end() || it->second.id != id) return;  // closed (or reopened) meanwhile
    if (it->second.version != version) {
      spdlog::debug("dropping diagnostics of {} v{}: v{} is queued", uri, version, it->second.version);
      return;  // a newer version is queued; its analysis publishes next, never out of order
    }
    endpoint_.notify_raw(protocol::method::kPublishDiagnostics, params);
  });
}

void LanguageServer::show_message(int type, const std::string& message) {
  spdlog::warn("{}", message);
  endpoint_.notify("window/showMessage", {{"type", type}, {"message", message}});
}

FeatureContext LanguageServer::feature_context() const {
  FeatureContext ctx;
  ctx.encoding = column_encoding(encoding_);
  ctx.inlay_hints_enabled = inlay_hints_enabled_.load();
  ctx.lazy_code_action_edits = client_resolves_edits_;
  ctx.create_files = client_creates_files_;
  return ctx;
}

LanguageServer::OpenDocument* LanguageServer::find_document(const nlohmann::json& params) {
  auto it = documents_.find(params.at("textDocument").at("uri").get<std::string>());
  return it == documents_.end() ? nullptr : &it->second;
}

}  // namespace zerolock::lsp
