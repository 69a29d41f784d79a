#pragma once
// What the analysis worker keeps per open document: the text it analysed, the statement split
// (so the next edit re-splits only around the change), the per-document statement cache (so it
// re-parses only changed statements) and the latest Analysis. Features (hover, inlay hints ...)
// read it on the worker thread only.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "analysis/engine/analysis.h"
#include "analysis/engine/rule_cache.h"
#include "analysis/engine/statement_cache.h"
#include "analysis/sql/splitter.h"
#include "analysis/text/line_index.h"
#include "protocol/lsp_types.h"

namespace zerolock::lsp {

struct AnalyzedDocument {
  uint64_t id = 0;  // one per didOpen, so a reopened uri never sees an old state
  std::string uri;
  std::string path;  // file system path from a file: uri, else empty
  std::string language_id;
  int64_t version = 0;
  std::shared_ptr<const std::string> text;
  std::shared_ptr<const Config> config;
  LineIndex lines;  // views *text
  std::optional<sql::SplitResult> split;
  StatementCache cache;
  RuleResultCache rule_cache;  // per-statement rule findings, so an edit re-checks only what changed
  Analysis analysis;
  bool analysed = false;
  uint64_t generation = 0;  // counts analyses of this document (pull diagnostics resultId)
  // LSP form of analysis.diagnostics (JSON text), kept for pull requests; in push mode it is
  // written straight into the publishDiagnostics message instead (nullopt).
  std::optional<std::string> diagnostics_text = std::string("[]");
  uint64_t last_parse_misses = 0;  // statements parsed by the latest analysis (cache misses)
  uint64_t last_parse_hits = 0;

  // Index of the statement containing `offset` (or the nearest one before it), or -1.
  [[nodiscard]] int32_t statement_at(uint32_t offset) const;
};

// What every feature needs besides the document.
struct FeatureContext {
  ColumnEncoding encoding = ColumnEncoding::Utf16;
  bool inlay_hints_enabled = true;
  bool lazy_code_action_edits = false;  // client resolves edits through codeAction/resolve
  bool create_files = false;            // client applies documentChanges with CreateFile operations
};

}  // namespace zerolock::lsp
