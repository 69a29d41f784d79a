// The zerolock binary: dispatches to a subcommand. Each subcommand lives in server/cli/ (or
// server/lsp/ for `lsp`) and returns its exit status; usage errors exit 2.
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "server/cli/commands.h"

int main(int argc, char** argv) {
  return zerolock::cli::run(argc, argv);
}
