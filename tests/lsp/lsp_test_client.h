#pragma once
// A minimal LSP client for tests and benchmarks: spawns `zerolock lsp` with pipes, writes
// framed JSON-RPC, and reads the server's messages on a thread into a queue. Server-to-client
// requests (workspace/configuration, client/registerCapability ...) are answered by a handler.
#include <sys/types.h>

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

namespace zerolock::testing {

using nlohmann::json;

class LspTestClient {
 public:
  // Starts `binary lsp <extra_args...>`; stderr goes to the test's stderr (or /dev/null when quiet).
  explicit LspTestClient(const std::string& binary, std::vector<std::string> extra_args = {}, bool quiet = true);
  ~LspTestClient();

  // Sends a request; returns its id.
  int64_t request(const std::string& method, json params);
  void notify(const std::string& method, json params);
  void send_raw(const std::string& bytes);  // one write() call
  static std::string frame(const json& message);

  // Blocks until the response to `id` arrives (nullopt if the server closed its output first).
  std::optional<json> response(int64_t id);
  json call(const std::string& method, json params);  // request + response; throws when none
  // Blocks until a notification of `method` satisfying `accept` arrives; earlier ones of that
  // method that do not satisfy it are consumed. nullopt if the server closed its output.
  std::optional<json> notification(const std::string& method, const std::function<bool(const json&)>& accept = {});
  // Every message received so far whose method is `method` (without consuming).
  std::vector<json> seen(const std::string& method);
  // Error codes of the responses with a null id (parse errors) received so far.
  std::vector<int> null_id_errors();
  // All responses to `id` received so far.
  size_t responses_for(int64_t id);

  // Answers to server requests: return the result for `method`/`params`.
  void set_server_request_handler(std::function<json(const std::string&, const json&)> handler);

  // initialize + initialized with the given capabilities; returns the initialize result.
  json initialize(json capabilities = json::object(), json extra_params = json::object());

  [[nodiscard]] pid_t pid() const { return pid_; }
  void close_stdin();
  // Waits for the process; returns its exit status (or 128+signal).
  int wait_exit();

 private:
  void read_loop();

  pid_t pid_ = -1;
  int to_server_ = -1;
  int from_server_ = -1;
  std::thread reader_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<json> messages_;  // everything received, in order
  std::vector<json> history_;  // notifications, for seen()
  bool closed_ = false;
  int64_t next_id_ = 1;
  std::function<json(const std::string&, const json&)> server_request_handler_;
  std::optional<int> exit_status_;
};

// Converts a (line, UTF-16 or UTF-8 column) position to a byte offset of a UTF-8 text, written
// independently of the server's LineIndex so the edit replay checks one against the other.
size_t offset_of(const std::string& text, int line, int character, bool utf16);

}  // namespace zerolock::testing

namespace zerolock::testing {
// Byte offset (at a code point boundary) -> LSP position.
json position_of(const std::string& text, size_t offset, bool utf16);
}  // namespace zerolock::testing
