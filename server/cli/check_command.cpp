// zerolock check: lint migrations for CI and the terminal.
#include <unistd.h>

#include <iostream>

#include "server/cli/analyze_inputs.h"
#include "server/cli/commands.h"

namespace zerolock::cli {

int check_command(const Args& args) {
  for (const std::string& a : args) {
    if (a == "-h" || a == "--help") {
      std::cout << "usage: zerolock check [options] PATH... (- reads standard input)\n\n"
                   "Lints migration files and directories. Exit status: 0 no error-level finding, 1 error-level\n"
                   "findings, 2 usage, configuration or I/O error.\n\noptions:\n"
                << common_options_help() << "formats: text (default), json, sarif, github\n";
      return 0;
    }
  }
  ParseOutcome parsed = parse_common_options(args, {"text", "json", "sarif", "github"});
  if (!parsed.options) {
    std::cerr << "zerolock check: " << parsed.error << "\n(see zerolock check --help)\n";
    return 2;
  }
  const CommonOptions& options = *parsed.options;
  if (options.paths.empty()) {
    std::cerr << "zerolock check: no input: give files, directories or - for standard input\n";
    return 2;
  }
  AnalyzedInputs result = analyze_inputs(options);
  for (const std::string& e : result.errors) std::cerr << "zerolock: " << e << "\n";

  if (options.format == "json") write_json(std::cout, result.reports);
  else if (options.format == "sarif") write_sarif(std::cout, result.reports);
  else if (options.format == "github") write_github(std::cout, result.reports);
  else write_text(std::cout, result.reports, isatty(STDOUT_FILENO) && !std::getenv("NO_COLOR"));
  std::cout.flush();

  if (!result.errors.empty()) return 2;
  return count(result.reports).errors > 0 ? 1 : 0;
}

}  // namespace zerolock::cli
