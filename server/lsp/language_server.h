#pragma once
// The language server session: lifecycle, open documents (io thread), settings, and the glue
// from LSP methods to the analysis worker and the feature functions. Handlers are split by
// feature across lifecycle.cpp, text_sync.cpp, feature_requests.cpp, workspace_settings.cpp and
// debug_requests.cpp.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

#include <asio/io_context.hpp>

#include "protocol/endpoint.h"
#include "protocol/lsp_types.h"
#include "protocol/transport.h"
#include "server/lsp/analysis_worker.h"
#include "server/lsp/configuration.h"

namespace zerolock::lsp {

struct ServerOptions {
  bool log_level_from_command_line = false;  // then the client's trace setting does not change it
};

class LanguageServer {
 public:
  LanguageServer(asio::io_context& io, protocol::Transport& transport, ServerOptions options);
  ~LanguageServer();

  // Runs until `exit` or end of input; returns the process exit status: 0 after shutdown,
  // 1 on exit (or end of input) without shutdown, as the specification says.
  int run();

 private:
  enum class Phase { Uninitialized, Running, ShutDown };

  // The io thread's view of an open document: the authoritative text.
  struct OpenDocument {
    uint64_t id = 0;
    std::string uri;
    std::string path;
    std::string language_id;
    int64_t version = 0;
    std::shared_ptr<const std::string> text;
    bool too_large = false;  // over limits::kMaxDocumentBytes: reported once, not analysed
  };

  // lifecycle.cpp
  void register_lifecycle();
  [[nodiscard]] nlohmann::json server_capabilities() const;
  void on_initialized();
  void finish(int exit_code);
  // text_sync.cpp
  void register_text_sync();
  void schedule_analysis(const OpenDocument& doc, std::optional<sql::TextEdit> edit, bool reset);
  // False (and the document reported once, its worker state dropped) while it is too large.
  bool within_size_limit(OpenDocument& doc);
  // feature_requests.cpp
  void register_features();
  void run_feature(const protocol::Request& request, protocol::Reply reply,
                   std::function<nlohmann::json(const AnalyzedDocument&, const nlohmann::json& params)> feature);
  // workspace_settings.cpp
  void register_workspace_settings();
  void request_configuration();
  void apply_settings(const nlohmann::json& section);
  void reanalyse_all();
  // debug_requests.cpp
  void register_debug_requests();
  // language_server.cpp
  void on_analysed(AnalyzedDocument& doc);  // worker thread
  void show_message(int type, const std::string& message);
  [[nodiscard]] FeatureContext feature_context() const;
  OpenDocument* find_document(const nlohmann::json& params);

  asio::io_context& io_;
  protocol::Transport& transport_;
  protocol::Endpoint endpoint_;
  ServerOptions options_;
  Phase phase_ = Phase::Uninitialized;
  std::optional<int> exit_code_;

  // Negotiated at initialize (io thread; read by the worker only after initialize, never changed).
  protocol::PositionEncoding encoding_ = protocol::PositionEncoding::Utf16;
  bool pull_diagnostics_ = false;        // client asks for diagnostics; we do not push
  bool client_configuration_ = false;    // workspace/configuration
  bool client_watch_registration_ = false;
  bool client_resolves_edits_ = false;   // codeAction/resolve for the edit property
  bool client_creates_files_ = false;    // workspaceEdit.documentChanges + resourceOperations "create"
  bool client_diagnostic_refresh_ = false;
  bool client_inlay_hint_refresh_ = false;

  std::unordered_map<std::string, OpenDocument> documents_;  // by uri, io thread only
  uint64_t next_document_id_ = 1;
  ConfigResolver configs_;
  std::atomic<bool> inlay_hints_enabled_{true};
  AnalysisWorker worker_;  // last member: its thread stops before the rest is destroyed
};

}  // namespace zerolock::lsp
