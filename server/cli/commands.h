#pragma once
// Subcommands of the zerolock binary. Each takes the arguments after its name and returns the
// process exit status (0 ok, 1 error-level findings, 2 usage/config/I-O error).
#include <string>
#include <vector>

namespace zerolock::cli {

using Args = std::vector<std::string>;

int run(int argc, char** argv);  // dispatch

int check_command(const Args& args);
int explain_command(const Args& args);
int locks_command(const Args& args);
int fix_command(const Args& args);
int trace_command(const Args& args);

}  // namespace zerolock::cli

namespace zerolock::lsp {
// `zerolock lsp [--stdio] [--tcp PORT] [--log FILE] [--log-level LEVEL]`, implemented in server/lsp/.
int lsp_command(const std::vector<std::string>& args);
}  // namespace zerolock::lsp
