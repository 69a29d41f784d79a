// Language server benchmark (issue 4), against the real `zerolock lsp` over pipes:
//  - initialize: spawn to initialize response, median of 20 runs;
//  - latency from a one-character didChange to its publishDiagnostics on a ~1 MB SQL migration
//    of ~10,000 statements, p50 / p99 over 200 edits (queueing included, no debounce exists);
//  - peak RSS (VmHWM) of the server with 100 open documents of 100 KB each.
// usage: lsp_latency_bench [path/to/zerolock] [edits]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "lsp_test_client.h"

using zerolock::testing::json;
using zerolock::testing::LspTestClient;
using Clock = std::chrono::steady_clock;

namespace {

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
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

json open_params(const std::string& uri, const std::string& text) {
  return {{"textDocument", {{"uri", uri}, {"languageId", "sql"}, {"version", 1}, {"text", text}}}};
}

bool wait_diagnostics(LspTestClient& client, const std::string& uri, int version) {
  return client
      .notification("textDocument/publishDiagnostics",
                    [&](const json& n) { return n["params"]["uri"] == uri && n["params"].value("version", -1) == version; })
      .has_value();
}

long peak_rss_kb(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
  return -1;
}

double percentile(std::vector<double> values, double p) {
  std::sort(values.begin(), values.end());
  size_t index = static_cast<size_t>(p * static_cast<double>(values.size() - 1) + 0.5);
  return values[std::min(index, values.size() - 1)];
}

}  // namespace

int main(int argc, char** argv) {
  std::string binary = argc > 1 ? argv[1] : ZEROLOCK_BINARY;
  int edits = argc > 2 ? std::atoi(argv[2]) : 200;

  // 1. initialize
  std::vector<double> init_ms;
  for (int i = 0; i < 20; ++i) {
    auto start = Clock::now();
    LspTestClient client(binary);
    client.initialize();
    init_ms.push_back(ms_since(start));
    client.call("shutdown", nullptr);
    client.notify("exit", nullptr);
    client.wait_exit();
  }
  std::printf("initialize (spawn + initialize response): median %.2f ms over %zu runs\n", percentile(init_ms, 0.5),
              init_ms.size());

  // 2. one-character edits on a 1 MB migration
  {
    size_t statements = 0;
    std::string text = make_migration(1'000'000, &statements);
    LspTestClient client(binary);
    client.initialize();
    const std::string uri = "file:///tmp/zerolock-bench/V1__big.sql";
    auto start = Clock::now();
    client.notify("textDocument/didOpen", open_params(uri, text));
    if (!wait_diagnostics(client, uri, 1)) return 1;
    std::printf("1 MB migration: %zu bytes, %zu statements; didOpen -> diagnostics %.1f ms (full parse)\n",
                text.size(), statements, ms_since(start));

    std::mt19937 rng(42);
    std::vector<double> latencies;
    size_t lines = static_cast<size_t>(std::count(text.begin(), text.end(), '\n'));
    for (int v = 2; v < edits + 2; ++v) {
      // Type one character into an identifier somewhere in the file (statement stays valid).
      int line = static_cast<int>(std::uniform_int_distribution<size_t>(0, lines - 1)(rng));
      json change{{"textDocument", {{"uri", uri}, {"version", v}}},
                  {"contentChanges",
                   {{{"range", {{"start", {{"line", line}, {"character", 14}}}, {"end", {{"line", line}, {"character", 14}}}}},
                     {"text", "x"}}}}};
      auto sent = Clock::now();
      client.notify("textDocument/didChange", change);
      if (!wait_diagnostics(client, uri, v)) return 1;
      latencies.push_back(ms_since(sent));
    }
    json stats = client.call("zerolock/analysisStats", {{"textDocument", {{"uri", uri}}}});
    std::printf("one-char didChange -> publishDiagnostics over %zu edits: p50 %.2f ms, p99 %.2f ms, max %.2f ms\n",
                latencies.size(), percentile(latencies, 0.5), percentile(latencies, 0.99),
                percentile(latencies, 1.0));
    std::printf("  last analysis: %s\n", stats["result"].dump().c_str());
    client.call("shutdown", nullptr);
    client.notify("exit", nullptr);
    client.wait_exit();
  }

  // 3. peak RSS with 100 documents of 100 KB
  {
    LspTestClient client(binary);
    client.initialize();
    std::string text = make_migration(100'000, nullptr);
    for (int i = 0; i < 100; ++i) {
      // Distinct texts, so no document shares another's parsed statements.
      std::string doc = "-- document " + std::to_string(i) + "\n" + text;
      std::string uri = "file:///tmp/zerolock-bench/doc" + std::to_string(i) + ".sql";
      client.notify("textDocument/didOpen", open_params(uri, doc));
    }
    for (int i = 0; i < 100; ++i)
      if (!wait_diagnostics(client, "file:///tmp/zerolock-bench/doc" + std::to_string(i) + ".sql", 1)) return 1;
    std::printf("peak RSS with 100 open documents of 100 KB: %.1f MB\n", peak_rss_kb(client.pid()) / 1024.0);
    client.call("shutdown", nullptr);
    client.notify("exit", nullptr);
    client.wait_exit();
  }
  return 0;
}
