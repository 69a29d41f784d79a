// Diagnostics in LSP form: code = rule id, codeDescription linking to the rule's doc, related
// information, and `data` that code actions read back.
#include <charconv>
#include <cstdint>
#include <string_view>
#include <unordered_map>

#include "analysis/rules/rule.h"
#include "server/lsp/features.h"
#include "server/lsp/positions.h"

namespace zerolock::lsp {
namespace {

int lsp_severity(Severity severity) {
  switch (severity) {
    case Severity::Error: return 1;
    case Severity::Warning: return 2;
    case Severity::Info: return 3;
    case Severity::Hint: return 4;
  }
  return 2;
}

}  // namespace

constexpr std::string_view kRuleDocBase = "https://github.com/zerolock/zerolock/blob/main/docs/rules/";

std::string rule_doc_url(const std::string& rule_id) { return std::string(kRuleDocBase) + rule_id + ".md"; }

json to_lsp_diagnostic(const AnalyzedDocument& doc, const Diagnostic& d, ColumnEncoding encoding) {
  return json::parse(lsp_diagnostic_text(doc, d, encoding, RuleRegistry::find(d.rule) != nullptr));
}

namespace {

// Length of the well-formed UTF-8 sequence at text[i], or 0 when it is not one (truncated,
// overlong, surrogate, past U+10FFFF).
size_t utf8_sequence_length(std::string_view text, size_t i) {
  auto byte = [&](size_t k) { return k < text.size() ? static_cast<unsigned char>(text[k]) : 0u; };
  unsigned char c = byte(i);
  auto continuation = [&](size_t k) { return (byte(k) & 0xC0) == 0x80; };
  if (c >= 0xC2 && c <= 0xDF) return continuation(i + 1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    unsigned char c1 = byte(i + 1);
    if ((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 > 0x9F)) return 0;
    return continuation(i + 1) && continuation(i + 2) ? 3 : 0;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    unsigned char c1 = byte(i + 1);
    if ((c == 0xF0 && c1 < 0x90) || (c == 0xF4 && c1 > 0x8F)) return 0;
    return continuation(i + 1) && continuation(i + 2) && continuation(i + 3) ? 4 : 0;
  }
  return 0;
}

bool needs_attention(char c) {
  auto u = static_cast<unsigned char>(c);
  return c == '"' || c == '\\' || u < 0x20 || u >= 0x80;
}

// Runs of characters that need no escape are appended whole: a 1 MB migration's diagnostics are
// megabytes of message text, written on every edit.
void append_escaped(std::string& out, std::string_view text) {
  static const char* hex = "0123456789abcdef";
  size_t run = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (!needs_attention(c)) continue;
    auto u = static_cast<unsigned char>(c);
    if (u >= 0x80) {
      // JSON text must be UTF-8: a message quoting invalid bytes of the document, or text cut
      // inside a character (libpg_query's messages), gets U+FFFD instead of breaking the client.
      size_t len = utf8_sequence_length(text, i);
      if (len != 0) {
        i += len - 1;  // well-formed: stays in the run
        continue;
      }
      out.append(text.data() + run, i - run);
      run = i + 1;
      out += "\xEF\xBF\xBD";
      continue;
    }
    out.append(text.data() + run, i - run);
    run = i + 1;
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += "\\u00";
      out += hex[u >> 4];
      out += hex[u & 15];
    }
  }
  out.append(text.data() + run, text.size() - run);
}

void append_string(std::string& out, std::string_view text) {
  out += '"';
  append_escaped(out, text);
  out += '"';
}

// Numbers go straight into the buffer: a temporary string per number, ten per diagnostic, was
// measurable on a document with thousands of them.
void append_number(std::string& out, int64_t value) {
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, value);
  out.append(digits, end);
}

void append_position(std::string& out, protocol::Position p) {
  out += R"({"line":)";
  append_number(out, p.line);
  out += R"(,"character":)";
  append_number(out, p.character);
  out += '}';
}

void append_range(std::string& out, protocol::Range r) {
  out += R"({"start":)";
  append_position(out, r.start);
  out += R"(,"end":)";
  append_position(out, r.end);
  out += '}';
}

}  // namespace

namespace {

// Appends one diagnostic's LSP JSON to `out` (no temporary string per diagnostic).
void append_lsp_diagnostic(std::string& out, const AnalyzedDocument& doc, const Diagnostic& d, ColumnEncoding encoding,
                           bool documented_rule) {
  out += R"({"range":)";
  append_range(out, to_range(doc.lines, d.range, encoding));
  out += R"(,"severity":)";
  append_number(out, lsp_severity(d.severity));
  out += R"(,"source":"zerolock","code":)";
  append_string(out, d.rule);
  if (documented_rule) {
    out += R"(,"codeDescription":{"href":")";
    append_escaped(out, kRuleDocBase);  // rule_doc_url, without a string per diagnostic
    append_escaped(out, d.rule);
    out += R"(.md"})";
  }
  out += R"(,"message":")";
  append_escaped(out, d.message);
  if (!d.help.empty()) {
    out += "\\n";
    append_escaped(out, d.help);
  }
  out += '"';
  out += R"(,"data":{"rule":)";
  append_string(out, d.rule);
  out += R"(,"statement":)";
  append_number(out, d.statement);
  out += R"(,"version":)";
  append_number(out, doc.version);
  out += '}';
  if (!d.related.empty()) {
    out += R"(,"relatedInformation":[)";
    for (size_t i = 0; i < d.related.size(); ++i) {
      if (i > 0) out += ',';
      out += R"({"location":{"uri":)";
      append_string(out, doc.uri);
      out += R"(,"range":)";
      append_range(out, to_range(doc.lines, d.related[i].range, encoding));
      out += R"(},"message":)";
      append_string(out, d.related[i].message);
      out += '}';
    }
    out += ']';
  }
  out += '}';
}

}  // namespace

std::string lsp_diagnostic_text(const AnalyzedDocument& doc, const Diagnostic& d, ColumnEncoding encoding,
                                bool documented_rule) {
  std::string out;
  append_lsp_diagnostic(out, doc, d, encoding, documented_rule);
  return out;
}

void append_lsp_diagnostics(std::string& out, const AnalyzedDocument& doc, ColumnEncoding encoding) {
  // Written directly rather than through a JSON tree: a 1 MB migration can carry thousands of
  // diagnostics, and building, copying and dumping a tree for them dominated edit latency.
  std::unordered_map<std::string, bool> documented;
  out.reserve(out.size() + doc.analysis.diagnostics.size() * 720 + 2);
  out += '[';
  bool first = true;
  for (const auto& d : doc.analysis.diagnostics) {
    auto it = documented.find(d.rule);
    if (it == documented.end()) it = documented.emplace(d.rule, RuleRegistry::find(d.rule) != nullptr).first;
    if (!first) out += ',';
    first = false;
    append_lsp_diagnostic(out, doc, d, encoding, it->second);
  }
  out += ']';
}

std::string lsp_diagnostics_text(const AnalyzedDocument& doc, ColumnEncoding encoding) {
  std::string out;
  append_lsp_diagnostics(out, doc, encoding);
  return out;
}

json diagnostic_report(const AnalyzedDocument& doc, const json& params, const FeatureContext& ctx) {
  std::string result_id = std::to_string(doc.id) + ":" + std::to_string(doc.generation);
  if (params.contains("previousResultId") && params["previousResultId"] == result_id)
    return {{"kind", "unchanged"}, {"resultId", result_id}};
  // In push mode the text went into the publishDiagnostics params and was not kept.
  std::string rendered;
  if (!doc.diagnostics_text) rendered = lsp_diagnostics_text(doc, ctx.encoding);
  return {{"kind", "full"}, {"resultId", result_id}, {"items", json::parse(doc.diagnostics_text ? *doc.diagnostics_text : rendered)}};
}

}  // namespace zerolock::lsp
