#include "server/cli/trace/scratch_cluster.h"

#include <fcntl.h>
#include <pwd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

namespace zerolock::trace {
namespace fs = std::filesystem;
namespace {

// Runs argv (as the `postgres` OS user when `as_postgres`), output appended to `log`. Exit status,
// or -1 when it could not be started.
int run_process(std::vector<std::string> argv, const std::string& log, bool as_postgres) {
  if (as_postgres) argv.insert(argv.begin(), {"runuser", "-u", "postgres", "--"});
  pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) {
      dup2(fd, STDOUT_FILENO);
      dup2(fd, STDERR_FILENO);
      close(fd);
    }
    int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0) dup2(devnull, STDIN_FILENO);
    std::vector<char*> args;
    for (std::string& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    execvp(args[0], args.data());
    _exit(127);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return -1;
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string command_output(const std::string& command) {
  std::string out;
  if (FILE* p = popen(command.c_str(), "r")) {
    char buf[512];
    while (fgets(buf, sizeof buf, p)) out += buf;
    pclose(p);
  }
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

std::string find_bin_dir() {
  if (const char* env = std::getenv("ZEROLOCK_PG_BIN"); env && *env) return env;
  if (fs::exists("/usr/lib/postgresql/15/bin/postgres")) return "/usr/lib/postgresql/15/bin";
  return command_output("pg_config --bindir 2>/dev/null");
}

}  // namespace

std::variant<std::unique_ptr<ScratchCluster>, std::string> ScratchCluster::start() {
  std::string bin = find_bin_dir();
  for (const char* tool : {"initdb", "pg_ctl", "postgres"}) {
    if (bin.empty() || access((fs::path(bin) / tool).c_str(), X_OK) != 0)
      return std::string("--scratch needs the PostgreSQL 15 server binaries (initdb, pg_ctl, postgres); not found in ") +
             (bin.empty() ? "/usr/lib/postgresql/15/bin" : bin) + " (set ZEROLOCK_PG_BIN)";
  }
  std::string version = command_output("'" + (fs::path(bin) / "postgres").string() + "' --version 2>/dev/null");
  if (version.find(" 15.") == std::string::npos)
    return "--scratch needs PostgreSQL 15, " + bin + "/postgres is: " + (version.empty() ? "unknown" : version);

  std::string tmpl = (fs::temp_directory_path() / "zerolock-trace.XXXXXX").string();
  if (!mkdtemp(tmpl.data())) return std::string("cannot create a temporary directory for the scratch cluster");
  bool as_postgres = geteuid() == 0;
  if (as_postgres) {
    // PostgreSQL refuses to run as root: the cluster belongs to the `postgres` OS user.
    passwd* pw = getpwnam("postgres");
    if (!pw) {
      fs::remove_all(tmpl);
      return std::string("running as root and there is no 'postgres' OS user to run the scratch server");
    }
    if (chown(tmpl.c_str(), pw->pw_uid, pw->pw_gid) != 0) {
      fs::remove_all(tmpl);
      return std::string("cannot hand the scratch directory to the postgres user");
    }
  }
  auto cluster = std::unique_ptr<ScratchCluster>(new ScratchCluster(bin, tmpl, as_postgres));
  std::string log = tmpl + "/setup.log";  // written by root or the caller; the server logs elsewhere
  int rc = run_process({bin + "/initdb", "-D", tmpl + "/data", "-U", "postgres", "-A", "trust", "-E", "UTF8",
                        "--locale=C.UTF-8", "--no-sync"},
                       log, as_postgres);
  if (rc != 0) return "initdb failed (status " + std::to_string(rc) + "): " + read_file(log);
  {
    std::ofstream conf(tmpl + "/data/postgresql.conf", std::ios::app);
    conf << "listen_addresses = ''\n"
         << "unix_socket_directories = '" << tmpl << "'\n"
         << "port = 5432\nfsync = off\nfull_page_writes = off\nsynchronous_commit = off\n"
         << "shared_buffers = 32MB\nmax_connections = 20\nautovacuum = off\nlog_min_messages = warning\n"
         << "synchronous_standby_names = 'zerolock_never'\n";
    if (!conf) return std::string("cannot write the scratch cluster's postgresql.conf");
  }
  // pg_ctl starts the postmaster in its own session, so a Ctrl-C at the terminal reaches only us.
  rc = run_process({bin + "/pg_ctl", "-D", tmpl + "/data", "-l", tmpl + "/server.log", "-w", "-t", "60", "start"}, log,
                   as_postgres);
  cluster->running_ = true;  // stop() is harmless when the start failed half way
  if (rc != 0) return "the scratch PostgreSQL server did not start: " + read_file(tmpl + "/server.log");
  return cluster;
}

std::string ScratchCluster::conninfo() const {
  return "host=" + dir_ + " port=5432 user=postgres dbname=postgres";
}

void ScratchCluster::stop() {
  if (running_ && fs::exists(dir_ + "/data/postmaster.pid"))
    run_process({bin_ + "/pg_ctl", "-D", dir_ + "/data", "-m", "immediate", "-w", "stop"}, "/dev/null", as_postgres_user_);
  running_ = false;
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

ScratchCluster::~ScratchCluster() { stop(); }

}  // namespace zerolock::trace
