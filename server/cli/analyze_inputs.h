#pragma once
// The part check, locks and fix share: read inputs, resolve configuration, analyse each file.
#include <memory>
#include <string>
#include <vector>

#include "server/cli/file_report.h"
#include "server/cli/options.h"

namespace zerolock::cli {

struct AnalyzedInputs {
  std::vector<std::unique_ptr<FileReport>> reports;
  std::vector<std::string> errors;  // I/O and configuration errors: exit status 2
};

AnalyzedInputs analyze_inputs(const CommonOptions& options);

}  // namespace zerolock::cli
