#pragma once
// The language features, one file each, all pure functions of an analysed document (run on the
// analysis worker). Params and results are LSP JSON; positions use ctx.encoding.
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "server/lsp/analyzed_document.h"

namespace zerolock::lsp {

using nlohmann::json;

// diagnostics.cpp: the document's diagnostics as LSP Diagnostic[] JSON text, and one diagnostic.
std::string lsp_diagnostics_text(const AnalyzedDocument& doc, ColumnEncoding encoding);
// Appends the same JSON array to `out` (the publishDiagnostics params are built around it in place).
void append_lsp_diagnostics(std::string& out, const AnalyzedDocument& doc, ColumnEncoding encoding);
std::string lsp_diagnostic_text(const AnalyzedDocument& doc, const Diagnostic& d, ColumnEncoding encoding,
                                bool documented_rule);
json to_lsp_diagnostic(const AnalyzedDocument& doc, const Diagnostic& d, ColumnEncoding encoding);
// diagnostics.cpp: textDocument/diagnostic (pull) report.
json diagnostic_report(const AnalyzedDocument& doc, const json& params, const FeatureContext& ctx);
// hover.cpp
json hover(const AnalyzedDocument& doc, const json& params, const FeatureContext& ctx);
// inlay_hints.cpp
json inlay_hints(const AnalyzedDocument& doc, const json& params, const FeatureContext& ctx);
// document_symbols.cpp
json document_symbols(const AnalyzedDocument& doc, const json& params, const FeatureContext& ctx);
// code_actions.cpp
json code_actions(const AnalyzedDocument& doc, const json& params, const FeatureContext& ctx);
json resolve_code_action(const AnalyzedDocument& doc, const json& action, const FeatureContext& ctx);

// Thrown by a feature when the document moved on since the request's data was produced
// (answered with ContentModified).
struct ContentModified : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Where a rule's documentation lives (codeDescription.href, hover links).
std::string rule_doc_url(const std::string& rule_id);

}  // namespace zerolock::lsp
