#pragma once
// The benchmark's LSP client: spawns any language server from a shell command line (zerolock,
// squawk, postgres-language-server ...), speaks framed JSON-RPC over its stdio, and stamps every
// message with the time its last byte arrived, before the client parses it. Latency therefore
// means "until the server's complete message is in the client's hands"; the client's own JSON
// parse (which grows with the message, whoever wrote it) is kept out of the figure.
// Server-to-client requests are answered with null (one null per item for workspace/configuration).
#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

namespace zerolock::bench {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

struct Received {
  json message;
  Clock::time_point arrived;  // when the frame's last byte was read
  size_t bytes = 0;           // body size
};

class BenchClient {
 public:
  // Runs `/bin/sh -c "exec <command>"`; the server's stderr goes to /dev/null unless `stderr_path`.
  explicit BenchClient(const std::string& command, const std::string& stderr_path = "/dev/null");
  ~BenchClient();
  BenchClient(const BenchClient&) = delete;
  BenchClient& operator=(const BenchClient&) = delete;

  int64_t request(const std::string& method, json params);
  void notify(const std::string& method, json params);
  // The response to `id`, or nullopt when the server closed its output or `timeout` passed.
  std::optional<Received> response(int64_t id, std::chrono::milliseconds timeout);
  // The first notification of `method` satisfying `accept` (earlier ones of that method are
  // consumed), or nullopt on close / timeout.
  std::optional<Received> notification(const std::string& method, const std::function<bool(const Received&)>& accept,
                                       std::chrono::milliseconds timeout);

  [[nodiscard]] pid_t pid() const { return pid_; }
  [[nodiscard]] bool closed();
  // Peak RSS (VmHWM) in kB of the server and every process descended from it.
  [[nodiscard]] long peak_rss_kb_tree() const;
  // shutdown + exit, then waits up to `timeout` before killing the process group.
  void stop(std::chrono::milliseconds timeout);

 private:
  void send(const json& message);
  void read_loop();

  pid_t pid_ = -1;
  int to_server_ = -1;
  int from_server_ = -1;
  std::thread reader_;
  std::mutex mutex_;
  // Held for a whole frame: the reader thread answers server requests (workspace/configuration)
  // while the main thread may be writing a 1 MB didOpen in several write()s; unlocked, the two
  // frames interleaved and the server (rightly) refused the garbled didOpen.
  std::mutex write_mutex_;
  std::condition_variable changed_;
  std::deque<Received> messages_;
  bool closed_ = false;
  bool exited_ = false;
  // Set once the server was stopped: the reader gives up after a quiet 100 ms instead of waiting
  // for EOF, which never comes when the server left a daemon holding its stdout
  // (postgres-language-server's lsp-proxy does).
  std::atomic<bool> abandon_reads_{false};
  int64_t next_id_ = 1;
};

}  // namespace zerolock::bench
