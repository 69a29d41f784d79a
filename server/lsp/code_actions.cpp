// textDocument/codeAction and codeAction/resolve: the providers' actions for the diagnostics in
// the requested range, plus source.fixAll.zerolock gathering every fix-all action.
#include <algorithm>
#include <filesystem>

#include "server/lsp/code_action_provider.h"
#include "server/lsp/features.h"
#include "server/lsp/positions.h"
#include "server/lsp/uri.h"

namespace zerolock::lsp {
namespace {

bool kind_requested(const json& only, const std::string& kind) {
  if (!only.is_array() || only.empty()) return true;
  for (const auto& prefix : only) {
    if (!prefix.is_string()) continue;
    std::string p = prefix.get<std::string>();
    if (kind == p || (kind.size() > p.size() && kind.compare(0, p.size(), p) == 0 && kind[p.size()] == '.')) return true;
  }
  return false;
}

// The URI of a file named relative to the document's directory ("" when the document has no path).
std::string sibling_uri(const AnalyzedDocument& doc, const std::string& relative) {
  std::string path = uri_to_path(doc.uri);
  if (path.empty()) return "";
  return path_to_uri((std::filesystem::path(path).parent_path() / relative).lexically_normal().string());
}

// Edits of the document alone are a plain `changes` map. New files need `documentChanges`: the
// document's edits (at the version they were computed for), then per file a CreateFile that fails
// rather than overwrite an existing file, and an insertion of its whole text.
json workspace_edit(const AnalyzedDocument& doc, const ProposedChange& change, ColumnEncoding encoding) {
  json text_edits = json::array();
  for (const auto& edit : change.edits)
    text_edits.push_back({{"range", to_range(doc.lines, edit.range, encoding)}, {"newText", edit.new_text}});
  if (change.new_files.empty()) return {{"changes", {{doc.uri, std::move(text_edits)}}}};
  json document_changes = json::array();
  document_changes.push_back({{"textDocument", {{"uri", doc.uri}, {"version", doc.version}}}, {"edits", std::move(text_edits)}});
  const json start{{"line", 0}, {"character", 0}};
  for (const auto& file : change.new_files) {
    std::string uri = sibling_uri(doc, file.path);
    if (uri.empty()) return nullptr;
    document_changes.push_back({{"kind", "create"}, {"uri", uri}, {"options", {{"overwrite", false}, {"ignoreIfExists", false}}}});
    document_changes.push_back({{"textDocument", {{"uri", uri}, {"version", nullptr}}},
                                {"edits", json::array({{{"range", {{"start", start}, {"end", start}}}, {"newText", file.text}}})}});
  }
  return {{"documentChanges", std::move(document_changes)}};
}

constexpr const char* kFixAllKind = "source.fixAll.zerolock";

// Every fix-all action of the document as one edit, null when there is none. Edits must not
// overlap: the first of any overlapping pair, in document order, is kept.
json fix_all_edit(const AnalyzedDocument& doc, const FeatureContext& ctx) {
  ProposedChange fix_all;
  for (const auto& diagnostic : doc.analysis.diagnostics) {
    for (const auto* provider : code_action_providers()) {
      std::vector<ProposedAction> proposed;
      provider->propose(doc, diagnostic, proposed);
      for (auto& action : proposed) {
        if (!action.fix_all || (action.creates_files && !ctx.create_files)) continue;
        auto edits = provider->edits(doc, action.data).edits;
        fix_all.edits.insert(fix_all.edits.end(), edits.begin(), edits.end());
      }
    }
  }
  if (fix_all.edits.empty()) return nullptr;
  std::stable_sort(fix_all.edits.begin(), fix_all.edits.end(),
                   [](const ProposedEdit& a, const ProposedEdit& b) { return a.range.begin < b.range.begin; });
  ProposedChange disjoint;
  for (auto& edit : fix_all.edits)
    if (disjoint.edits.empty() || edit.range.begin >= disjoint.edits.back().range.end) disjoint.edits.push_back(std::move(edit));
  return workspace_edit(doc, disjoint, ctx.encoding);
}

}  // namespace

json code_actions(const AnalyzedDocument& doc, const json& params, const FeatureContext& ctx) {
  auto range = params.at("range").get<protocol::Range>();
  uint32_t begin = to_offset(doc.lines, range.start, ctx.encoding).value_or(0);
  uint32_t end = to_offset(doc.lines, range.end, ctx.encoding).value_or(static_cast<uint32_t>(doc.text->size()));
  json only = params.contains("context") ? params["context"].value("only", json()) : json();
  // A cursor (empty range) selects the diagnostics on its line.
  uint32_t line_begin = doc.lines.line_start(doc.lines.line_of(begin));
  uint32_t line_end = doc.lines.line_content_end(doc.lines.line_of(end));
  if (begin == end) {
    begin = line_begin;
    end = line_end;
  }

  json out = json::array();
  bool want_fix_all = kind_requested(only, kFixAllKind);
  bool offer_fix_all = false;
  for (const auto& diagnostic : doc.analysis.diagnostics) {
    bool in_range = diagnostic.range.begin <= end && diagnostic.range.end >= begin;
    // Diagnostics outside the range matter only to know whether a fix-all exists at all.
    if (!in_range && (!want_fix_all || offer_fix_all)) continue;
    for (const auto* provider : code_action_providers()) {
      std::vector<ProposedAction> proposed;
      provider->propose(doc, diagnostic, proposed);
      for (auto& action : proposed) {
        if (action.creates_files && !ctx.create_files) continue;
        if (action.fix_all) offer_fix_all = true;
        if (!in_range || !kind_requested(only, action.kind)) continue;
        json item{{"title", action.title},
                  {"kind", action.kind},
                  {"data", {{"provider", provider->id()}, {"uri", doc.uri}, {"version", doc.version},
                            {"action", action.data}}}};
        if (action.preferred) item["isPreferred"] = true;
        item["diagnostics"] = json::array({to_lsp_diagnostic(doc, diagnostic, ctx.encoding)});
        if (!ctx.lazy_code_action_edits) item["edit"] = workspace_edit(doc, provider->edits(doc, action.data), ctx.encoding);
        out.push_back(std::move(item));
      }
    }
  }
  if (want_fix_all && offer_fix_all) {
    json item{{"title", "Fix all zerolock findings"},
              {"kind", kFixAllKind},
              {"data", {{"provider", kFixAllKind}, {"uri", doc.uri}, {"version", doc.version}}}};
    // Rendering every fix of the document is the expensive part: a client that resolves gets it
    // only when it applies the action.
    if (ctx.lazy_code_action_edits) {
      out.push_back(std::move(item));
    } else {
      json edit = fix_all_edit(doc, ctx);
      if (!edit.is_null()) item["edit"] = std::move(edit), out.push_back(std::move(item));
    }
  }
  return out;
}

json resolve_code_action(const AnalyzedDocument& doc, const json& action, const FeatureContext& ctx) {
  json resolved = action;
  if (action.contains("edit")) return resolved;
  const json& data = action.at("data");
  // Edits computed against another version would land in the wrong place.
  if (data.at("version").get<int64_t>() != doc.version) return nullptr;
  if (data.at("provider") == kFixAllKind) {
    json edit = fix_all_edit(doc, ctx);
    if (edit.is_null()) return nullptr;
    resolved["edit"] = std::move(edit);
    return resolved;
  }
  const CodeActionProvider* provider = find_code_action_provider(data.at("provider").get<std::string>());
  if (!provider) return nullptr;
  resolved["edit"] = workspace_edit(doc, provider->edits(doc, data.at("action")), ctx.encoding);
  return resolved;
}

}  // namespace zerolock::lsp
