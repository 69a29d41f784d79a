// Language server benchmark (issue 4), against a real language server over pipes:
//  - initialize: spawn to initialize response, median of 20 runs;
//  - latency from a one-character didChange to its publishDiagnostics on a ~1 MB SQL migration
//    of ~15,000 statements, p50 / p99 over 200 edits (queueing included, no debounce exists);
//  - peak RSS (VmHWM) of the server with 100 open documents of 100 KB each.
// Any server: `--server "CMD ARGS"` runs CMD ARGS through /bin/sh (default: `<zerolock> lsp`), so
// the same scripted session runs against squawk and postgres-language-server (compare_peers.sh).
// A server that syncs full text (textDocumentSync 1) is sent the whole text per edit, as an
// editor would. Latency ends when the complete publishDiagnostics message has arrived.
// A server that only offers pull diagnostics (squawk) is run with --pull: after each change the
// client sends textDocument/diagnostic and the latency ends with its response.
// usage: lsp_latency_bench [--server "CMD"] [--name NAME] [--edits N] [--skip-rss] [--pull] [zerolock-binary] [edits]
// The last line is machine readable: RESULT name init_ms open_ms p50_ms p99_ms rss_mb diagnostics
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "bench_client.h"

using zerolock::bench::BenchClient;
using zerolock::bench::Clock;
using zerolock::bench::json;
using zerolock::bench::Received;
using namespace std::chrono_literals;

namespace {

double ms_since(Clock::time_point start, Clock::time_point end = Clock::now()) {
  return std::chrono::duration<double, std::milli>(end - start).count();
}

// A realistic mix of migration statements; each about 50-120 bytes.
std::string make_migration(size_t target_bytes, size_t* statements) {
  std::string sql;
  size_t count = 0;
  for (size_t i = 0; sql.size() < target_bytes; ++i, ++count) {
    std::string n = std::to_string(i);
    switch (i % 8) {
      case 0: sql += "CREATE TABLE t" + n + " (id bigint PRIMARY KEY, name text NOT NULL, created_at timestamptz);\n"; break;
      case 1: sql += "CREATE INDEX ix_users_" + n + " ON users (email, created_at);\n"; break;
      case 2: sql += "ALTER TABLE users ADD COLUMN c" + n + " integer DEFAULT 0;\n"; break;
      case 3: sql += "CREATE INDEX CONCURRENTLY ix_orders_" + n + " ON orders (customer_id);\n"; break;
      case 4: sql += "ALTER TABLE orders ALTER COLUMN note" + n + " TYPE varchar(200);\n"; break;
      case 5: sql += "UPDATE accounts SET flag = true WHERE id = " + n + ";\n"; break;
      case 6: sql += "ALTER TABLE t" + std::to_string(i - 6) + " ADD CONSTRAINT fk_" + n +
                     " FOREIGN KEY (id) REFERENCES users (id) NOT VALID;\n"; break;
      default: sql += "COMMENT ON TABLE t" + std::to_string(i - 7) + " IS 'table number " + n + "';\n"; break;
    }
  }
  if (statements) *statements = count;
  return sql;
}

double percentile(std::vector<double> values, double p) {
  if (values.empty()) return -1;
  std::sort(values.begin(), values.end());
  size_t index = static_cast<size_t>(p * static_cast<double>(values.size() - 1) + 0.5);
  return values[std::min(index, values.size() - 1)];
}

struct Options {
  std::string server;
  std::string name = "zerolock";
  int edits = 200;
  bool rss = true;
  bool pull = false;  // ask with textDocument/diagnostic (LSP 3.17 pull) instead of waiting for a push
  std::string workdir = "/tmp/zerolock-bench";
};

std::string file_uri(const std::string& path) { return "file://" + path; }

// initialize + initialized; returns the server's textDocumentSync change kind (1 full, 2 incremental).
std::optional<int> initialize(BenchClient& client, const Options& options, std::chrono::milliseconds timeout) {
  json params{{"processId", static_cast<int>(getpid())},
              {"rootUri", file_uri(options.workdir)},
              {"workspaceFolders", {{{"uri", file_uri(options.workdir)}, {"name", "bench"}}}},
              {"capabilities",
               {{"textDocument", {{"publishDiagnostics", {{"versionSupport", true}}}, {"synchronization", json::object()}}},
                {"workspace", {{"configuration", true}, {"workspaceFolders", true}}}}}};
  auto answer = client.response(client.request("initialize", params), timeout);
  if (!answer || !answer->message.contains("result")) return std::nullopt;
  client.notify("initialized", json::object());
  const json& sync = answer->message["result"].value("capabilities", json::object()).value("textDocumentSync", json());
  if (sync.is_number()) return sync.get<int>();
  if (sync.is_object()) return sync.value("change", 1);
  return 1;
}

json open_params(const std::string& uri, const std::string& text) {
  return {{"textDocument", {{"uri", uri}, {"languageId", "sql"}, {"version", 1}, {"text", text}}}};
}

// The diagnostics for `uri` answering version `version`. Push: the publishDiagnostics carrying that
// version, or, from a server that omits versions, the first one for the uri that arrives after
// `sent`. Pull: the response to a textDocument/diagnostic request sent now, its items moved to
// params.diagnostics so both look alike.
bool g_pull = false;
std::optional<Received> wait_diagnostics(BenchClient& client, const std::string& uri, int version,
                                         Clock::time_point sent, std::chrono::milliseconds timeout) {
  if (g_pull) {
    auto id = client.request("textDocument/diagnostic", {{"textDocument", {{"uri", uri}}}});
    auto answer = client.response(id, timeout);
    if (!answer || !answer->message.contains("result") || !answer->message["result"].is_object()) return std::nullopt;
    answer->message["params"]["diagnostics"] = answer->message["result"].value("items", json::array());
    return answer;
  }
  return client.notification(
      "textDocument/publishDiagnostics",
      [&](const Received& r) {
        const json& p = r.message["params"];
        if (p.value("uri", "") != uri) return false;
        if (p.contains("version") && p["version"].is_number()) return p["version"].get<int>() == version;
        return r.arrived >= sent;
      },
      timeout);
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  std::vector<std::string> positional;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--server" && i + 1 < argc) options.server = argv[++i];
    else if (a == "--name" && i + 1 < argc) options.name = argv[++i];
    else if (a == "--edits" && i + 1 < argc) options.edits = std::atoi(argv[++i]);
    else if (a == "--workdir" && i + 1 < argc) options.workdir = argv[++i];
    else if (a == "--skip-rss") options.rss = false;
    else if (a == "--pull") options.pull = true;
    else if (a == "--help" || a == "-h") {
      std::printf("usage: lsp_latency_bench [--server \"CMD ARGS\"] [--name NAME] [--edits N] [--workdir DIR] [--skip-rss] "
                  "[--pull] [zerolock-binary] [edits]\n");
      return 0;
    } else positional.push_back(a);
  }
  if (options.server.empty()) options.server = (positional.size() > 0 ? positional[0] : std::string(ZEROLOCK_BINARY)) + " lsp";
  if (positional.size() > 1) options.edits = std::atoi(positional[1].c_str());
  std::filesystem::create_directories(options.workdir);
  g_pull = options.pull;
  std::printf("server: %s (%s)\n", options.name.c_str(), options.server.c_str());
  double init_median = -1, open_ms = -1, p50 = -1, p99 = -1, rss_mb = -1;
  long diagnostics = -1;

  // 1. initialize
  {
    std::vector<double> init_ms;
    for (int i = 0; i < 20; ++i) {
      auto start = Clock::now();
      BenchClient client(options.server);
      if (!initialize(client, options, 30s)) {
        std::printf("initialize: no answer from the server\n");
        break;
      }
      init_ms.push_back(ms_since(start));
      client.stop(5s);
    }
    init_median = percentile(init_ms, 0.5);
    std::printf("initialize (spawn + initialize response): median %.2f ms over %zu runs\n", init_median, init_ms.size());
  }

  // 2. one-character edits on a 1 MB migration
  {
    size_t statements = 0;
    std::string text = make_migration(1'000'000, &statements);
    const std::string path = options.workdir + "/V1__big.sql";
    write_file(path, text);
    const std::string uri = file_uri(path);
    BenchClient client(options.server);
    std::optional<int> sync = initialize(client, options, 30s);
    auto start = Clock::now();
    client.notify("textDocument/didOpen", open_params(uri, text));
    auto opened = sync ? wait_diagnostics(client, uri, 1, start, 120s) : std::nullopt;
    if (!opened) {
      std::printf("1 MB migration: %zu bytes, %zu statements; NO publishDiagnostics within 120 s%s\n", text.size(),
                  statements, client.closed() ? " (the server exited)" : "");
    } else {
      open_ms = ms_since(start, opened->arrived);
      diagnostics = static_cast<long>(opened->message["params"]["diagnostics"].size());
      std::printf("1 MB migration: %zu bytes, %zu statements; didOpen -> diagnostics %.1f ms (%ld diagnostics, %zu bytes)\n",
                  text.size(), statements, open_ms, diagnostics, opened->bytes);
      bool incremental = *sync == 2;
      std::mt19937 rng(42);
      std::vector<double> latencies;
      size_t lines = static_cast<size_t>(std::count(text.begin(), text.end(), '\n'));
      for (int v = 2; v < options.edits + 2; ++v) {
        // Type one character into an identifier somewhere in the file (statement stays valid).
        size_t line = std::uniform_int_distribution<size_t>(0, lines - 1)(rng);
        size_t offset = 0;
        for (size_t l = 0; l < line; ++l) offset = text.find('\n', offset) + 1;
        text.insert(offset + 14, "x");
        json change = incremental
                          ? json{{"range", {{"start", {{"line", line}, {"character", 14}}}, {"end", {{"line", line}, {"character", 14}}}}},
                                 {"text", "x"}}
                          : json{{"text", text}};
        json params{{"textDocument", {{"uri", uri}, {"version", v}}}, {"contentChanges", json::array({change})}};
        auto sent = Clock::now();
        client.notify("textDocument/didChange", params);
        auto published = wait_diagnostics(client, uri, v, sent, 60s);
        if (!published) {
          std::printf("edit v%d: NO publishDiagnostics within 60 s%s\n", v, client.closed() ? " (the server exited)" : "");
          break;
        }
        latencies.push_back(ms_since(sent, published->arrived));
        diagnostics = static_cast<long>(published->message["params"]["diagnostics"].size());
      }
      p50 = percentile(latencies, 0.5);
      p99 = percentile(latencies, 0.99);
      std::printf("one-char didChange -> publishDiagnostics over %zu edits (%s sync): p50 %.2f ms, p99 %.2f ms, max %.2f ms; "
                  "%ld diagnostics in the last\n",
                  latencies.size(), incremental ? "incremental" : "full", p50, p99, percentile(latencies, 1.0), diagnostics);
    }
    client.stop(5s);
  }

  // 3. peak RSS with 100 documents of 100 KB
  if (options.rss) {
    BenchClient client(options.server);
    initialize(client, options, 30s);
    std::string text = make_migration(100'000, nullptr);
    auto start = Clock::now();
    for (int i = 0; i < 100; ++i) {
      // Distinct texts, so no document shares another's parsed statements.
      std::string doc = "-- document " + std::to_string(i) + "\n" + text;
      std::string path = options.workdir + "/doc" + std::to_string(i) + ".sql";
      write_file(path, doc);
      client.notify("textDocument/didOpen", open_params(file_uri(path), doc));
    }
    int published = 0;
    for (int i = 0; i < 100; ++i) {
      if (!wait_diagnostics(client, file_uri(options.workdir + "/doc" + std::to_string(i) + ".sql"), 1, start, 60s))
        break;  // a server that does not answer one will not answer the rest
      ++published;
    }
    rss_mb = static_cast<double>(client.peak_rss_kb_tree()) / 1024.0;
    std::printf("peak RSS with 100 open documents of 100 KB: %.1f MB (%d of 100 published diagnostics)\n", rss_mb, published);
    client.stop(5s);
  }
  std::printf("RESULT %s %.2f %.1f %.2f %.2f %.1f %ld\n", options.name.c_str(), init_median, open_ms, p50, p99, rss_mb,
              diagnostics);
  return 0;
}
