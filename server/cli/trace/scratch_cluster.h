#pragma once
// A throwaway PostgreSQL 15 cluster for `zerolock trace --scratch`, like
// scripts/pg/scratch_cluster.sh: initdb in a mktemp directory, no TCP (listen_addresses = ''),
// a unix socket inside that directory, trust authentication for `postgres`, fsync off. The
// destructor stops the server and removes the directory, so every exit path (errors, Ctrl-C
// handled by the trace loop) cleans up.
//
// The cluster also sets synchronous_standby_names to a standby that never connects: a session
// that turns synchronous_commit on then waits in SyncRep at every commit while still holding its
// locks, which lets the trace observe statements that cannot run in a transaction block
// (autocommit_observer.h). Sessions keep synchronous_commit off unless they ask.
#include <memory>
#include <string>
#include <variant>

namespace zerolock::trace {

class ScratchCluster {
 public:
  // Binaries: $ZEROLOCK_PG_BIN, else /usr/lib/postgresql/15/bin, else `pg_config --bindir`;
  // they must be PostgreSQL 15. Error: one sentence (with the server log when start fails).
  static std::variant<std::unique_ptr<ScratchCluster>, std::string> start();
  ~ScratchCluster();
  ScratchCluster(const ScratchCluster&) = delete;
  ScratchCluster& operator=(const ScratchCluster&) = delete;

  [[nodiscard]] std::string conninfo() const;  // host=<socket dir> port=5432 user=postgres dbname=postgres
  [[nodiscard]] const std::string& directory() const { return dir_; }

 private:
  ScratchCluster(std::string bin, std::string dir, bool as_postgres_user)
      : bin_(std::move(bin)), dir_(std::move(dir)), as_postgres_user_(as_postgres_user) {}
  void stop();
  std::string bin_;
  std::string dir_;
  bool as_postgres_user_;
  bool running_ = false;
};

}  // namespace zerolock::trace
