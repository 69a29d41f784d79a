// initialize / initialized / shutdown / exit / $/setTrace, and the request gate that answers
// ServerNotInitialized before initialize and InvalidRequest after shutdown.
#include <asio/post.hpp>
#include <spdlog/spdlog.h>

#include "server/lsp/language_server.h"
#include "server/lsp/uri.h"

namespace zerolock::lsp {
namespace {

using nlohmann::json;
using protocol::ErrorCode;
using protocol::RpcError;

// Both ways to look at a nested capability: `caps.at("a").at("b")`, tolerant of absence.
const json* capability(const json& caps, std::initializer_list<const char*> path) {
  const json* node = &caps;
  for (const char* key : path) {
    if (!node->is_object()) return nullptr;
    auto it = node->find(key);
    if (it == node->end()) return nullptr;
    node = &*it;
  }
  return node;
}

bool capability_true(const json& caps, std::initializer_list<const char*> path) {
  const json* node = capability(caps, path);
  return node && node->is_boolean() && node->get<bool>();
}

void apply_trace(const json& value) {
  if (!value.is_string()) return;
  if (value == "verbose") spdlog::set_level(spdlog::level::debug);
  else if (value == "messages") spdlog::set_level(spdlog::level::info);
  else if (value == "off") spdlog::set_level(spdlog::level::warn);
}

}  // namespace

void LanguageServer::register_lifecycle() {
  endpoint_.set_request_gate([this](const std::string& method) -> std::optional<RpcError> {
    if (phase_ == Phase::Uninitialized && method != "initialize")
      return RpcError{ErrorCode::ServerNotInitialized, "the server is not initialized", {}};
    if (phase_ != Phase::Uninitialized && method == "initialize")
      return RpcError{ErrorCode::InvalidRequest, "initialize was already received", {}};
    if (phase_ == Phase::ShutDown) return RpcError{ErrorCode::InvalidRequest, "the server is shutting down", {}};
    return std::nullopt;
  });

  endpoint_.on_request("initialize", [this](const protocol::Request& request, protocol::Reply reply) {
    const json& params = request.params;
    const json caps = params.is_object() ? params.value("capabilities", json::object()) : json::object();
    encoding_ = protocol::negotiate_position_encoding(caps);
    pull_diagnostics_ = capability(caps, {"textDocument", "diagnostic"}) != nullptr;
    client_configuration_ = capability_true(caps, {"workspace", "configuration"});
    client_watch_registration_ = capability_true(caps, {"workspace", "didChangeWatchedFiles", "dynamicRegistration"});
    client_diagnostic_refresh_ = capability_true(caps, {"workspace", "diagnostics", "refreshSupport"});
    client_inlay_hint_refresh_ = capability_true(caps, {"workspace", "inlayHint", "refreshSupport"});
    if (const json* props = capability(caps, {"textDocument", "codeAction", "resolveSupport", "properties"});
        props && props->is_array()) {
      for (const auto& p : *props) client_resolves_edits_ = client_resolves_edits_ || p == "edit";
    }
    // Rewrites that write a follow-up migration need CreateFile operations. Resource operations
    // exist only inside documentChanges, so a client listing "create" applies them (Neovim 0.7
    // lists it without setting documentChanges).
    if (const json* ops = capability(caps, {"workspace", "workspaceEdit", "resourceOperations"}); ops && ops->is_array())
      for (const auto& op : *ops) client_creates_files_ = client_creates_files_ || op == "create";
    if (!options_.log_level_from_command_line && params.is_object() && params.contains("trace")) apply_trace(params["trace"]);

    // The workspace folders bound every file the server reads (zerolock.toml, includes, siblings).
    std::vector<std::filesystem::path> roots;
    if (params.is_object()) {
      if (auto folders = params.find("workspaceFolders"); folders != params.end() && folders->is_array() && !folders->empty()) {
        roots = workspace_folder_paths(*folders);
      } else if (auto uri = params.find("rootUri"); uri != params.end() && uri->is_string()) {
        if (std::string p = uri_to_path(uri->get<std::string>()); !p.empty()) roots.emplace_back(p);
      }
    }
    std::string root = roots.empty() ? std::string() : roots.front().string();
    configs_.set_workspace_roots(std::move(roots));
    if (params.is_object() && params.contains("initializationOptions")) {
      const json& options = params["initializationOptions"];
      if (options.is_object() && options.contains("zerolock")) apply_settings(options["zerolock"]);
    }

    phase_ = Phase::Running;
    spdlog::info("initialized: positionEncoding {}, {} diagnostics, root '{}'",
                 protocol::position_encoding_name(encoding_), pull_diagnostics_ ? "pull" : "push", root);
    reply.result({{"capabilities", server_capabilities()},
                  {"serverInfo", {{"name", "zerolock"}, {"version", "0.1.0"}}}});
  });

  endpoint_.on_notification("initialized", [this](const protocol::Notification&) { on_initialized(); });

  endpoint_.on_request("shutdown", [this](const protocol::Request&, protocol::Reply reply) {
    phase_ = Phase::ShutDown;
    reply.result(nullptr);
  });

  endpoint_.on_notification("exit", [this](const protocol::Notification&) {
    finish(phase_ == Phase::ShutDown ? 0 : 1);
  });

  endpoint_.on_notification("$/setTrace", [this](const protocol::Notification& n) {
    if (!options_.log_level_from_command_line && n.params.is_object()) apply_trace(n.params.value("value", json()));
  });
}

json LanguageServer::server_capabilities() const {
  json caps{
      {"positionEncoding", protocol::position_encoding_name(encoding_)},
      {"textDocumentSync", {{"openClose", true}, {"change", 2}, {"save", {{"includeText", false}}}}},
      {"hoverProvider", true},
      {"inlayHintProvider", true},
      {"documentSymbolProvider", true},
      {"codeActionProvider",
       {{"codeActionKinds", {"quickfix", "refactor.rewrite", "source.fixAll.zerolock"}}, {"resolveProvider", true}}},
      {"workspace", {{"workspaceFolders", {{"supported", true}, {"changeNotifications", true}}}}},
  };
  if (pull_diagnostics_)
    caps["diagnosticProvider"] = {{"identifier", "zerolock"}, {"interFileDependencies", false}, {"workspaceDiagnostics", false}};
  return caps;
}

void LanguageServer::on_initialized() {
  if (client_configuration_) request_configuration();
  if (client_watch_registration_) {
    json watcher{{"globPattern", "**/zerolock.toml"}};
    endpoint_.request("client/registerCapability",
                      {{"registrations", {{{"id", "zerolock-toml"},
                                           {"method", "workspace/didChangeWatchedFiles"},
                                           {"registerOptions", {{"watchers", {watcher}}}}}}}},
                      [](const protocol::Response& response) {
                        if (response.error) spdlog::warn("watching zerolock.toml refused: {}", response.error->message);
                      });
  }
}

void LanguageServer::finish(int exit_code) {
  if (exit_code_) return;
  exit_code_ = exit_code;
  spdlog::info("exiting with status {}", exit_code);
  worker_.stop();
  // Queued replies are flushed before the streams close; then io_.run() runs out of work.
  transport_.close();
}

}  // namespace zerolock::lsp
