// The language server's message dispatch: a whole session through LanguageServer with an
// in-memory transport. The input is one JSON-RPC body per line, delivered after a fixed
// initialize/initialized; then the harness opens a document of its own and asks for its symbols,
// and the session ends when that answer arrives (every analysis queued before it has run).
// Invariants: nothing crashes or throws out of the server, and everything it sends is valid
// JSON-RPC.
#include <mutex>

#include <asio/executor_work_guard.hpp>
#include <asio/io_context.hpp>
#include <asio/post.hpp>
#include <spdlog/spdlog.h>

#include "server/lsp/language_server.h"
#include "targets/fuzz_support.h"
#include "targets/fuzz_targets.h"

namespace {

using namespace zerolock::protocol;

constexpr const char* kSyncUri = "file:///nonexistent-zerolock-fuzz/zz_sync.sql";

class ScriptTransport : public Transport {
 public:
  ScriptTransport(asio::io_context& io, std::vector<std::string> bodies)
      : io_(io), guard_(asio::make_work_guard(io)), bodies_(std::move(bodies)) {}

  void start(Handlers handlers) override {
    handlers_ = std::move(handlers);
    asio::post(io_, [this] {
      for (auto& body : bodies_) {
        handlers_.on_message(std::move(body));
        if (closed_) return;
      }
    });
  }
  // A pre-framed message must be exactly one well-formed frame.
  void send_frame(std::string frame) override { send(zerolock::fuzz::single_frame_body(frame)); }
  void send(std::string body) override {
    json doc = json::parse(body, nullptr, /*allow_exceptions=*/false);
    FUZZ_CHECK(!doc.is_discarded(), "server sent invalid JSON: " + body.substr(0, 400));
    FUZZ_CHECK(doc.is_object() && doc.value("jsonrpc", "") == "2.0", "server sent a non JSON-RPC message");
    if (doc.contains("id") && doc["id"] == "zerolock-fuzz-sync") {
      asio::post(io_, [this] { handlers_.on_closed(); });
    }
  }
  [[nodiscard]] size_t pending_writes() const override { return 0; }
  void close() override {
    closed_ = true;
    guard_.reset();
  }

 private:
  asio::io_context& io_;
  asio::executor_work_guard<asio::io_context::executor_type> guard_;
  std::vector<std::string> bodies_;
  Handlers handlers_;
  bool closed_ = false;
};

}  // namespace

int fuzz_server_dispatch(const uint8_t* data, size_t size) {
  static const bool quiet = [] {
    spdlog::set_level(spdlog::level::off);
    return true;
  }();
  (void)quiet;
  std::vector<std::string> bodies = {
      R"({"jsonrpc":"2.0","id":"zerolock-fuzz-init","method":"initialize","params":{"capabilities":{}}})",
      R"({"jsonrpc":"2.0","method":"initialized","params":{}})"};
  std::string_view input = zerolock::fuzz::as_text(data, size);
  for (size_t start = 0; start <= input.size();) {
    size_t end = input.find('\n', start);
    if (end == std::string_view::npos) end = input.size();
    if (end > start) bodies.emplace_back(input.substr(start, end - start));
    start = end + 1;
  }
  bodies.push_back(std::string(R"({"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":")") +
                   kSyncUri + R"(","languageId":"sql","version":1,"text":"select 1;"}}})");
  bodies.push_back(std::string(R"({"jsonrpc":"2.0","id":"zerolock-fuzz-sync","method":"textDocument/documentSymbol","params":{"textDocument":{"uri":")") +
                   kSyncUri + R"("}}})");

  asio::io_context io;
  ScriptTransport transport(io, std::move(bodies));
  zerolock::lsp::LanguageServer server(io, transport, zerolock::lsp::ServerOptions{true});
  server.run();
  return 0;
}
