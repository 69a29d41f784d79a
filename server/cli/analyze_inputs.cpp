#include "server/cli/analyze_inputs.h"

#include <unistd.h>

#include <cstdio>

#include "server/cli/inputs.h"

namespace zerolock::cli {
namespace {

// A one-line progress bar on stderr, only on a terminal and for more than a handful of files.
class Progress {
 public:
  Progress(size_t total, bool enabled) : total_(total), enabled_(enabled && total > 8 && isatty(STDERR_FILENO)) {}
  void step(const std::string& path) {
    if (!enabled_) return;
    ++done_;
    int width = 30;
    int filled = static_cast<int>(width * done_ / total_);
    std::fprintf(stderr, "\r[%.*s%*s] %zu/%zu %.40s\033[K", filled, "##############################", width - filled, "",
                 done_, total_, path.c_str());
  }
  ~Progress() {
    if (enabled_) std::fputs("\r\033[K", stderr);
  }

 private:
  size_t total_;
  size_t done_ = 0;
  bool enabled_;
};

}  // namespace

AnalyzedInputs analyze_inputs(const CommonOptions& options) {
  AnalyzedInputs out;
  Inputs inputs = collect_inputs(options);
  out.errors = inputs.errors;
  ConfigResolver configs(options);
  StatementCache cache;
  Progress progress(inputs.files.size(), !options.quiet);
  for (InputFile& file : inputs.files) {
    progress.step(file.path);
    std::optional<Config> config = configs.config_for(file.path);
    if (!config) continue;  // its config error is reported below
    DocumentInput input;
    input.path = file.path;
    input.text = file.text;
    Analysis analysis = analyze_document(input, *config, cache);
    cache.sweep();
    out.reports.push_back(make_report(file.path, std::move(file.text), std::move(analysis)));
  }
  out.errors.insert(out.errors.end(), configs.errors().begin(), configs.errors().end());
  return out;
}

}  // namespace zerolock::cli
