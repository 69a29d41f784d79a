// Subcommand dispatch: one line per subcommand.
#include <cstring>
#include <iostream>

#include "server/cli/commands.h"

namespace zerolock::cli {
namespace {

struct Subcommand {
  const char* name;
  int (*run)(const Args&);
  const char* summary;
};

constexpr Subcommand kSubcommands[] = {
    {"check", check_command, "lint migration files and directories (CI)"},
    {"locks", locks_command, "show every statement's locks, rewrites and scans"},
    {"explain", explain_command, "print a rule's documentation (--list for all rules)"},
    {"lsp", lsp::lsp_command, "run the language server over stdio (or --tcp PORT)"},
    {"fix", fix_command, "rewrite dangerous statements into their safe forms (--diff, --unsafe)"},
    {"trace", trace_command, "run a migration on PostgreSQL, rolled back: observed locks vs predicted"},
};

void usage(std::ostream& out) {
  out << "usage: zerolock <command> [options]\n\ncommands:\n";
  for (const Subcommand& s : kSubcommands) out << "  " << s.name << std::string(10 - std::strlen(s.name), ' ') << s.summary << "\n";
  out << "\nzerolock <command> --help shows the command's options.\n";
}

}  // namespace

int run(int argc, char** argv) {
  if (argc < 2) {
    usage(std::cerr);
    return 2;
  }
  std::string name = argv[1];
  if (name == "-h" || name == "--help" || name == "help") {
    usage(std::cout);
    return 0;
  }
  if (name == "--version" || name == "version") {
    std::cout << "zerolock 0.1.0\n";
    return 0;
  }
  Args args(argv + 2, argv + argc);
  for (const Subcommand& s : kSubcommands) {
    if (name == s.name) return s.run(args);
  }
  std::cerr << "zerolock: unknown command '" << name << "'\n";
  usage(std::cerr);
  return 2;
}

}  // namespace zerolock::cli
