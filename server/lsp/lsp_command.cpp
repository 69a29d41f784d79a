// `zerolock lsp [--stdio] [--tcp PORT] [--log FILE] [--log-level LEVEL]`: sets up logging and
// the transport, then runs the language server until exit or end of input.
#include <csignal>
#include <cstdio>
#include <string>
#include <fcntl.h>
#include <unistd.h>

#include <asio/io_context.hpp>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "protocol/transport.h"
#include "server/cli/commands.h"
#include "server/lsp/language_server.h"

namespace zerolock::lsp {
namespace {

constexpr const char* kUsage =
    "usage: zerolock lsp [--stdio] [--tcp PORT] [--log FILE] [--log-level trace|debug|info|warn|error|off]\n"
    "  --stdio        speak LSP over stdin/stdout (default)\n"
    "  --tcp PORT     listen on 127.0.0.1:PORT and serve one client\n"
    "  --log FILE     write logs to FILE instead of stderr\n"
    "  --log-level L  log level (default info; else the client's trace setting decides)\n";

struct LspArgs {
  std::optional<uint16_t> tcp_port;
  std::string log_file;
  std::optional<spdlog::level::level_enum> log_level;
};

std::variant<LspArgs, std::string> parse_args(const std::vector<std::string>& args) {
  LspArgs parsed;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    auto value = [&]() -> std::optional<std::string> {
      if (i + 1 >= args.size()) return std::nullopt;
      return args[++i];
    };
    if (arg == "--stdio") continue;
    if (arg == "--tcp") {
      auto port = value();
      int number = 0;
      try {
        number = port ? std::stoi(*port) : -1;
      } catch (const std::exception&) {
        number = -1;
      }
      if (number <= 0 || number > 65535) return "--tcp needs a port number";
      parsed.tcp_port = static_cast<uint16_t>(number);
    } else if (arg == "--log") {
      auto file = value();
      if (!file) return "--log needs a file";
      parsed.log_file = *file;
    } else if (arg == "--log-level") {
      auto level = value();
      if (!level) return "--log-level needs a level";
      auto parsed_level = spdlog::level::from_str(*level);
      if (parsed_level == spdlog::level::off && *level != "off") return "unknown log level " + *level;
      parsed.log_level = parsed_level;
    } else if (arg.rfind("--clientProcessId", 0) == 0) {
      // VS Code's language client appends this; we exit on end of input anyway.
      if (arg == "--clientProcessId") value();
    } else {
      return "unknown argument " + arg;
    }
  }
  return parsed;
}

// Logs never touch the protocol stream.
std::optional<std::string> set_up_logging(const LspArgs& args) {
  std::shared_ptr<spdlog::logger> logger;
  try {
    if (!args.log_file.empty()) {
      logger = spdlog::basic_logger_mt("zerolock", args.log_file);
    } else {
      logger = std::make_shared<spdlog::logger>("zerolock", std::make_shared<spdlog::sinks::stderr_sink_mt>());
    }
  } catch (const spdlog::spdlog_ex& e) {
    return std::string("cannot open log file: ") + e.what();
  }
  logger->set_pattern("[%H:%M:%S.%e] [%l] %v");
  logger->flush_on(spdlog::level::warn);
  spdlog::set_default_logger(logger);
  spdlog::set_level(args.log_level.value_or(spdlog::level::info));
  return std::nullopt;
}

}  // namespace

int lsp_command(const std::vector<std::string>& args) {
  auto parsed = parse_args(args);
  if (auto* error = std::get_if<std::string>(&parsed)) {
    std::fprintf(stderr, "zerolock lsp: %s\n%s", error->c_str(), kUsage);
    return 2;
  }
  const LspArgs& options = std::get<LspArgs>(parsed);
  if (auto error = set_up_logging(options)) {
    std::fprintf(stderr, "zerolock lsp: %s\n", error->c_str());
    return 2;
  }
  // A client that goes away must surface as a write error, not kill us with SIGPIPE.
  std::signal(SIGPIPE, SIG_IGN);

  asio::io_context io(1);
  std::unique_ptr<protocol::Transport> transport;
  if (options.tcp_port) {
    spdlog::info("listening on 127.0.0.1:{}", *options.tcp_port);
    auto accepted = protocol::accept_tcp_transport(io, *options.tcp_port);
    if (auto* error = std::get_if<std::string>(&accepted)) {
      spdlog::error("{}", *error);
      return 2;
    }
    transport = std::move(std::get<std::unique_ptr<protocol::Transport>>(accepted));
  } else {
    // The protocol gets its own copy of stdout; fd 1 then points at stderr, so anything that
    // prints to stdout by mistake cannot corrupt the message stream.
    int protocol_out = ::dup(STDOUT_FILENO);
    int protocol_in = ::dup(STDIN_FILENO);
    if (protocol_out < 0 || protocol_in < 0 || ::dup2(STDERR_FILENO, STDOUT_FILENO) < 0) {
      spdlog::error("cannot set up stdio");
      return 2;
    }
#ifdef F_SETPIPE_SZ
    // A larger pipe (Linux: up to /proc/sys/fs/pipe-max-size, 1 MiB by default) lets a
    // multi-megabyte publishDiagnostics go out in a few writes instead of one per 64 KiB the
    // client drains. Not a pipe, or over the limit: the call fails and nothing changes.
    (void)::fcntl(protocol_out, F_SETPIPE_SZ, 1 << 20);
#endif
    transport = protocol::make_fd_transport(io, protocol_in, protocol_out);
  }

  int status = 1;
  {
    LanguageServer server(io, *transport, ServerOptions{options.log_level.has_value()});
    status = server.run();
  }
  spdlog::default_logger()->flush();
  return status;
}

}  // namespace zerolock::lsp
