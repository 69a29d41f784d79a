#include "lsp_test_client.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <stdexcept>

#include "protocol/framing.h"

extern char** environ;

namespace zerolock::testing {
namespace {

// A hang guard, not a timing assertion: a missing answer fails the test instead of blocking ctest.
constexpr auto kHangGuard = std::chrono::seconds(120);

}  // namespace

LspTestClient::LspTestClient(const std::string& binary, std::vector<std::string> extra_args, bool quiet) {
  signal(SIGPIPE, SIG_IGN);
  int in_pipe[2];
  int out_pipe[2];
  if (pipe2(in_pipe, O_CLOEXEC) != 0 || pipe2(out_pipe, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in_pipe[0], 0);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
  if (quiet) posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  std::vector<std::string> args{binary, "lsp"};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  int rc = posix_spawn(&pid_, binary.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(in_pipe[0]);
  close(out_pipe[1]);
  if (rc != 0) throw std::runtime_error("cannot spawn " + binary + ": " + std::strerror(rc));
  to_server_ = in_pipe[1];
  from_server_ = out_pipe[0];
  reader_ = std::thread([this] { read_loop(); });
}

LspTestClient::~LspTestClient() {
  close_stdin();
  if (!exit_status_ && pid_ > 0) {
    kill(pid_, SIGKILL);
    wait_exit();
  }
  if (reader_.joinable()) reader_.join();
  if (from_server_ >= 0) close(from_server_);
}

std::string LspTestClient::frame(const json& message) { return protocol::encode_frame(message.dump()); }

void LspTestClient::send_raw(const std::string& bytes) {
  size_t written = 0;
  while (written < bytes.size()) {
    ssize_t n = write(to_server_, bytes.data() + written, bytes.size() - written);
    if (n <= 0) return;  // server gone; the test's expectations report it
    written += static_cast<size_t>(n);
  }
}

int64_t LspTestClient::request(const std::string& method, json params) {
  int64_t id;
  {
    std::lock_guard lock(mutex_);
    id = next_id_++;
  }
  send_raw(frame({{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", std::move(params)}}));
  return id;
}

void LspTestClient::notify(const std::string& method, json params) {
  send_raw(frame({{"jsonrpc", "2.0"}, {"method", method}, {"params", std::move(params)}}));
}

void LspTestClient::set_server_request_handler(std::function<json(const std::string&, const json&)> handler) {
  std::lock_guard lock(mutex_);
  server_request_handler_ = std::move(handler);
}

void LspTestClient::read_loop() {
  protocol::FrameDecoder decoder;
  char buffer[65536];
  for (;;) {
    ssize_t n = read(from_server_, buffer, sizeof buffer);
    if (n <= 0) break;
    decoder.feed(std::string_view(buffer, static_cast<size_t>(n)));
    while (auto next = decoder.next()) {
      auto* body = std::get_if<std::string>(&*next);
      json message = body ? json::parse(*body, nullptr, false) : json();
      if (!body || message.is_discarded()) {
        message = json{{"zerolockTestError", "server wrote a malformed frame"}};
      }
      if (message.contains("method") && message.contains("id")) {
        // A request from the server: answer it right here.
        std::function<json(const std::string&, const json&)> handler;
        {
          std::lock_guard lock(mutex_);
          handler = server_request_handler_;
        }
        json result = handler ? handler(message["method"], message.value("params", json())) : json();
        send_raw(frame({{"jsonrpc", "2.0"}, {"id", message["id"]}, {"result", result}}));
      }
      std::lock_guard lock(mutex_);
      if (message.contains("method")) history_.push_back(message);
      messages_.push_back(std::move(message));
      changed_.notify_all();
    }
  }
  std::lock_guard lock(mutex_);
  closed_ = true;
  changed_.notify_all();
}

std::optional<json> LspTestClient::response(int64_t id) {
  std::unique_lock lock(mutex_);
  auto deadline = std::chrono::steady_clock::now() + kHangGuard;
  for (;;) {
    for (auto it = messages_.begin(); it != messages_.end(); ++it) {
      if (!it->contains("method") && it->contains("id") && (*it)["id"] == id) {
        json found = std::move(*it);
        messages_.erase(it);
        return found;
      }
    }
    if (closed_) return std::nullopt;
    if (changed_.wait_until(lock, deadline) == std::cv_status::timeout) return std::nullopt;
  }
}

std::vector<int> LspTestClient::null_id_errors() {
  std::lock_guard lock(mutex_);
  std::vector<int> codes;
  for (const auto& m : messages_)
    if (!m.contains("method") && m.contains("id") && m["id"].is_null() && m.contains("error"))
      codes.push_back(m["error"].value("code", 0));
  return codes;
}

size_t LspTestClient::responses_for(int64_t id) {
  std::lock_guard lock(mutex_);
  size_t count = 0;
  for (const auto& m : messages_)
    if (!m.contains("method") && m.contains("id") && m["id"] == id) ++count;
  return count;
}

json LspTestClient::call(const std::string& method, json params) {
  auto answer = response(request(method, std::move(params)));
  if (!answer) throw std::runtime_error("no response to " + method);
  return *answer;
}

std::optional<json> LspTestClient::notification(const std::string& method, const std::function<bool(const json&)>& accept) {
  std::unique_lock lock(mutex_);
  auto deadline = std::chrono::steady_clock::now() + kHangGuard;
  for (;;) {
    while (!messages_.empty()) {
      auto it = messages_.begin();
      for (; it != messages_.end(); ++it)
        if (it->value("method", "") == method && !it->contains("id")) break;
      if (it == messages_.end()) break;
      json found = std::move(*it);
      messages_.erase(it);
      if (!accept || accept(found)) return found;
    }
    if (closed_) return std::nullopt;
    if (changed_.wait_until(lock, deadline) == std::cv_status::timeout) return std::nullopt;
  }
}

std::vector<json> LspTestClient::seen(const std::string& method) {
  std::lock_guard lock(mutex_);
  std::vector<json> out;
  for (const auto& m : history_)
    if (m.value("method", "") == method) out.push_back(m);
  return out;
}

json LspTestClient::initialize(json capabilities, json extra_params) {
  json params{{"processId", nullptr}, {"rootUri", nullptr}, {"capabilities", std::move(capabilities)}};
  params.update(extra_params);
  json result = call("initialize", params);
  notify("initialized", json::object());
  return result;
}

void LspTestClient::close_stdin() {
  if (to_server_ >= 0) {
    close(to_server_);
    to_server_ = -1;
  }
}

int LspTestClient::wait_exit() {
  if (exit_status_) return *exit_status_;
  int status = 0;
  if (waitpid(pid_, &status, 0) != pid_) return -1;
  exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return *exit_status_;
}

size_t offset_of(const std::string& text, int line, int character, bool utf16) {
  size_t offset = 0;
  for (int l = 0; l < line; ++l) {
    // LSP line ends: \n, \r\n, lone \r.
    while (offset < text.size() && text[offset] != '\n' && text[offset] != '\r') ++offset;
    if (offset == text.size()) return offset;
    if (text[offset] == '\r' && offset + 1 < text.size() && text[offset + 1] == '\n') ++offset;
    ++offset;
  }
  int units = 0;
  while (offset < text.size() && text[offset] != '\n' && text[offset] != '\r' && units < character) {
    auto lead = static_cast<unsigned char>(text[offset]);
    size_t length = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
    units += utf16 ? (length == 4 ? 2 : 1) : static_cast<int>(length);
    offset += length;
  }
  return offset;
}

}  // namespace zerolock::testing

namespace zerolock::testing {

json position_of(const std::string& text, size_t offset, bool utf16) {
  int line = 0;
  size_t line_start = 0;
  for (size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n' || (text[i] == '\r' && (i + 1 >= text.size() || text[i + 1] != '\n'))) {
      ++line;
      line_start = i + 1;
    }
  }
  int character = 0;
  for (size_t i = line_start; i < offset;) {
    auto lead = static_cast<unsigned char>(text[i]);
    size_t length = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
    character += utf16 ? (length == 4 ? 2 : 1) : static_cast<int>(length);
    i += length;
  }
  return {{"line", line}, {"character", character}};
}

}  // namespace zerolock::testing
