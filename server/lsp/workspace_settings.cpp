// Settings from the editor (workspace/configuration, didChangeConfiguration) and zerolock.toml
// changes (didChangeWatchedFiles): both re-analyse every open document.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>

#include "server/lsp/language_server.h"

namespace zerolock::lsp {

using nlohmann::json;

void LanguageServer::request_configuration() {
  endpoint_.request("workspace/configuration", {{"items", {{{"section", "zerolock"}}}}},
                    [this](const protocol::Response& response) {
                      if (response.error || !response.result || !response.result->is_array() || response.result->empty()) {
                        spdlog::info("no zerolock settings from the client");
                        return;
                      }
                      apply_settings(response.result->at(0));
                    });
}

void LanguageServer::apply_settings(const json& section) {
  std::vector<std::string> problems;
  EditorSettings settings = parse_editor_settings(section, &problems);
  for (const auto& problem : problems) show_message(2, "zerolock settings: " + problem);
  inlay_hints_enabled_ = settings.inlay_hints;
  configs_.set_editor_settings(std::move(settings));
  reanalyse_all();
}

void LanguageServer::reanalyse_all() {
  for (const auto& [uri, doc] : documents_)
    if (!doc.too_large) schedule_analysis(doc, std::nullopt, /*reset=*/false);
  if (pull_diagnostics_ && client_diagnostic_refresh_) endpoint_.request("workspace/diagnostic/refresh", nullptr, nullptr);
  if (client_inlay_hint_refresh_) endpoint_.request("workspace/inlayHint/refresh", nullptr, nullptr);
}

void LanguageServer::register_workspace_settings() {
  endpoint_.on_notification("workspace/didChangeConfiguration", [this](const protocol::Notification& n) {
    // Clients either push the settings or send null and expect us to pull them.
    const json settings = n.params.is_object() ? n.params.value("settings", json()) : json();
    if (settings.is_object() && settings.contains("zerolock")) {
      apply_settings(settings["zerolock"]);
    } else if (client_configuration_) {
      request_configuration();
    }
  });

  // Folders added or removed: the read bound changes, so every open document is analysed again.
  endpoint_.on_notification("workspace/didChangeWorkspaceFolders", [this](const protocol::Notification& n) {
    const json* event = n.params.is_object() && n.params.contains("event") ? &n.params["event"] : nullptr;
    if (!event || !event->is_object()) return;
    std::vector<std::filesystem::path> roots = configs_.workspace_roots();
    auto paths = [&](const char* key) { return workspace_folder_paths(event->value(key, json::array())); };
    for (const auto& gone : paths("removed")) roots.erase(std::remove(roots.begin(), roots.end(), gone), roots.end());
    for (const auto& added : paths("added"))
      if (std::find(roots.begin(), roots.end(), added) == roots.end()) roots.push_back(added);
    spdlog::info("workspace folders changed: {} now", roots.size());
    configs_.set_workspace_roots(std::move(roots));
    reanalyse_all();
  });

  endpoint_.on_notification("workspace/didChangeWatchedFiles", [this](const protocol::Notification&) {
    spdlog::info("zerolock.toml changed: reloading");
    configs_.invalidate();
    reanalyse_all();
  });
}

}  // namespace zerolock::lsp
