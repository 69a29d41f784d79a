#pragma once
// A finding, in byte ranges; front-end-neutral and LSP-free.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "locks/lock_mode.h"
#include "text/source_range.h"

namespace zerolock {

enum class Severity : uint8_t { Error, Warning, Info, Hint };
const char* severity_name(Severity severity);  // "error" ...
std::optional<Severity> severity_from_name(const std::string& name);

struct LockSummary {
  LockMode mode = LockMode::None;
  std::vector<std::string> relations;
};

struct RelatedLocation {
  ByteRange range;
  std::string message;
};

struct Diagnostic {
  std::string rule;          // kebab-case rule id; "syntax-error" and "frontend" for front-end reports
  Severity severity = Severity::Warning;
  std::string message;       // the consequence
  std::string help;          // the remedy
  ByteRange range;
  std::optional<LockSummary> lock;
  std::vector<RelatedLocation> related;
  int32_t statement = -1;    // index into the migration's statements, -1 for file-level findings
};

}  // namespace zerolock
