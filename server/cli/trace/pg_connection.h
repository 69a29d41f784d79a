#pragma once
// A libpq connection as the trace needs it: every statement goes through the extended query
// protocol (one statement per call: a string holding a second statement, say a COMMIT, is
// rejected by the server), waits are interruptible (Ctrl-C cancels the statement), and server
// errors come back as values with the server's message and statement position.
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

struct pg_conn;

namespace zerolock::trace {

struct PgError {
  std::string message;   // the server's primary message (or libpq's, for connection trouble)
  std::string sqlstate;  // empty for client-side errors
  std::string detail;
  std::string hint;
  int position = 0;      // 1-based character position in the statement, 0 when the server gave none
};

struct PgRows {
  std::vector<std::vector<std::optional<std::string>>> rows;  // text values, nullopt for NULL
};

using PgResult = std::variant<PgRows, PgError>;

class PgConnection {
 public:
  // `conninfo` is a URL (postgresql://...) or key=value pairs. Errors: a bad URL or a server that
  // cannot be reached, as one sentence without the password.
  static std::variant<std::unique_ptr<PgConnection>, std::string> open(const std::string& conninfo);
  ~PgConnection();
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  // Runs one statement with text parameters $1.. and waits for it (interruptible).
  PgResult run(const std::string& sql, const std::vector<std::string>& params = {});
  // Asynchronous use (a statement observed from a second connection while it runs).
  bool send(const std::string& sql);
  bool busy();        // reads what arrived; true while the statement still runs
  PgResult finish();  // the result of send(); call when !busy()
  void cancel();      // asks the server to cancel the running statement

  [[nodiscard]] int backend_pid() const;
  [[nodiscard]] bool in_transaction() const;   // inside a transaction block (idle or active)
  [[nodiscard]] bool transaction_failed() const;
  [[nodiscard]] std::string database() const;
  [[nodiscard]] std::string host() const;
  [[nodiscard]] int server_version() const;  // 150004 for 15.4
  [[nodiscard]] int socket() const;
  // NOTICE/WARNING messages received since the last call.
  std::vector<std::string> take_notices();

 private:
  explicit PgConnection(pg_conn* conn);
  pg_conn* conn_;
  std::vector<std::string> notices_;
};

// Convenience: the single value of a one-row, one-column result (nullopt on error or NULL).
std::optional<std::string> single_value(const PgResult& result);

}  // namespace zerolock::trace
