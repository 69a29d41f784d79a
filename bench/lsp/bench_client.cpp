#include "bench_client.h"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <stdexcept>
#include <vector>

#include "protocol/framing.h"

extern char** environ;

namespace zerolock::bench {
namespace {

long status_field_kb(pid_t pid, const char* field) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind(field, 0) == 0) return std::stol(line.substr(std::strlen(field)));
  return 0;
}

pid_t parent_of(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string content((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so read after the last ')'.
  auto close = content.rfind(')');
  if (close == std::string::npos || close + 4 >= content.size()) return -1;
  return static_cast<pid_t>(std::atol(content.c_str() + close + 4));
}

}  // namespace

BenchClient::BenchClient(const std::string& command, const std::string& stderr_path) {
  signal(SIGPIPE, SIG_IGN);
  int in_pipe[2];
  int out_pipe[2];
  if (pipe2(in_pipe, O_CLOEXEC) != 0 || pipe2(out_pipe, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in_pipe[0], 0);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
  posix_spawn_file_actions_addopen(&actions, 2, stderr_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP);  // its own group, so stop() can end helpers too
  posix_spawnattr_setpgroup(&attributes, 0);
  std::string shell_command = "exec " + command;
  std::vector<std::string> args{"/bin/sh", "-c", shell_command};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  int rc = posix_spawn(&pid_, "/bin/sh", &actions, &attributes, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  close(in_pipe[0]);
  close(out_pipe[1]);
  if (rc != 0) throw std::runtime_error("cannot spawn " + command + ": " + std::strerror(rc));
  to_server_ = in_pipe[1];
  from_server_ = out_pipe[0];
  reader_ = std::thread([this] { read_loop(); });
}

BenchClient::~BenchClient() {
  if (!exited_) stop(std::chrono::milliseconds(2000));
  abandon_reads_ = true;
  if (reader_.joinable()) reader_.join();
  if (from_server_ >= 0) close(from_server_);
}

void BenchClient::send(const json& message) {
  std::string bytes = protocol::encode_frame(message.dump());
  size_t written = 0;
  while (written < bytes.size()) {
    ssize_t n = write(to_server_, bytes.data() + written, bytes.size() - written);
    if (n <= 0) return;  // the server is gone; the waits report it
    written += static_cast<size_t>(n);
  }
}

int64_t BenchClient::request(const std::string& method, json params) {
  int64_t id;
  {
    std::lock_guard lock(mutex_);
    id = next_id_++;
  }
  send({{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", std::move(params)}});
  return id;
}

void BenchClient::notify(const std::string& method, json params) {
  send({{"jsonrpc", "2.0"}, {"method", method}, {"params", std::move(params)}});
}

void BenchClient::read_loop() {
  protocol::FrameDecoder decoder;
  std::vector<char> buffer(1 << 20);
  for (;;) {
    pollfd ready{from_server_, POLLIN, 0};
    int polled = poll(&ready, 1, 100);
    if (polled == 0) {
      if (abandon_reads_) break;
      continue;
    }
    if (polled < 0 && errno == EINTR) continue;
    ssize_t n = read(from_server_, buffer.data(), buffer.size());
    if (n <= 0) break;
    // A frame has arrived when the read that completes it returns: taking the time after the
    // decoder has copied a multi-megabyte body out counted this client's own allocation and page
    // faults (20 ms per 5 MB message on this machine) as the server's latency.
    const Clock::time_point read_done = Clock::now();
    decoder.feed(std::string_view(buffer.data(), static_cast<size_t>(n)));
    while (auto next = decoder.next()) {
      Received received;
      received.arrived = read_done;
      auto* body = std::get_if<std::string>(&*next);
      if (!body) continue;
      received.bytes = body->size();
      received.message = json::parse(*body, nullptr, false);
      if (received.message.is_discarded()) continue;
      const json& m = received.message;
      if (m.contains("method") && m.contains("id")) {
        json result = nullptr;
        if (m["method"] == "workspace/configuration") {
          result = json::array();
          for (size_t i = 0; i < m.value("params", json::object()).value("items", json::array()).size(); ++i)
            result.push_back(nullptr);
        }
        send({{"jsonrpc", "2.0"}, {"id", m["id"]}, {"result", result}});
        continue;
      }
      std::lock_guard lock(mutex_);
      messages_.push_back(std::move(received));
      changed_.notify_all();
    }
  }
  std::lock_guard lock(mutex_);
  closed_ = true;
  changed_.notify_all();
}

std::optional<Received> BenchClient::response(int64_t id, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  auto deadline = Clock::now() + timeout;
  for (;;) {
    for (auto it = messages_.begin(); it != messages_.end(); ++it) {
      if (!it->message.contains("method") && it->message.value("id", json()) == id) {
        Received found = std::move(*it);
        messages_.erase(it);
        return found;
      }
    }
    if (closed_) return std::nullopt;
    if (changed_.wait_until(lock, deadline) == std::cv_status::timeout) return std::nullopt;
  }
}

std::optional<Received> BenchClient::notification(const std::string& method,
                                                  const std::function<bool(const Received&)>& accept,
                                                  std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  auto deadline = Clock::now() + timeout;
  for (;;) {
    for (auto it = messages_.begin(); it != messages_.end();) {
      if (it->message.value("method", "") != method || it->message.contains("id")) {
        ++it;
        continue;
      }
      Received found = std::move(*it);
      it = messages_.erase(it);
      if (!accept || accept(found)) return found;
    }
    if (closed_) return std::nullopt;
    if (changed_.wait_until(lock, deadline) == std::cv_status::timeout) return std::nullopt;
  }
}

bool BenchClient::closed() {
  std::lock_guard lock(mutex_);
  return closed_;
}

long BenchClient::peak_rss_kb_tree() const {
  // Every process whose ancestry reaches the server (language servers may fork workers).
  std::map<pid_t, pid_t> parents;
  if (DIR* proc = opendir("/proc")) {
    while (dirent* entry = readdir(proc)) {
      pid_t pid = static_cast<pid_t>(std::atol(entry->d_name));
      if (pid > 0) parents[pid] = parent_of(pid);
    }
    closedir(proc);
  }
  long total = 0;
  for (const auto& [pid, parent] : parents) {
    for (pid_t p = pid; p > 1; p = parents.count(p) ? parents[p] : -1) {
      if (p == pid_) {
        total += status_field_kb(pid, "VmHWM:");
        break;
      }
    }
  }
  return total;
}

void BenchClient::stop(std::chrono::milliseconds timeout) {
  if (exited_) return;
  if (!closed()) {
    auto id = request("shutdown", nullptr);
    response(id, timeout);
    notify("exit", nullptr);
  }
  if (to_server_ >= 0) close(to_server_), to_server_ = -1;
  auto deadline = Clock::now() + timeout;
  int status = 0;
  while (waitpid(pid_, &status, WNOHANG) == 0) {
    if (Clock::now() > deadline) {
      kill(-pid_, SIGKILL);
      waitpid(pid_, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  kill(-pid_, SIGKILL);  // helpers the server left behind in its group
  exited_ = true;
}

}  // namespace zerolock::bench
