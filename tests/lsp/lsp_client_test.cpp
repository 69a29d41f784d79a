// The real `zerolock lsp` over pipes: lifecycle, text sync (2,000 random edits), diagnostics,
// hover, inlay hints, code actions, symbols, settings, cancellation, malformed input, EOF.
#include <gtest/gtest.h>

#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>

#include "lsp_test_client.h"

using namespace zerolock::testing;

namespace {

const std::string kUri = "file:///tmp/zerolock-lsp-test/migration.sql";
const std::string kIndexSql = "CREATE INDEX ix ON users (email);\n";

json open_params(const std::string& text, const std::string& uri = kUri, int version = 1) {
  return {{"textDocument", {{"uri", uri}, {"languageId", "sql"}, {"version", version}, {"text", text}}}};
}

json doc_id(const std::string& uri = kUri) { return {{"uri", uri}}; }

json pos(int line, int character) { return {{"line", line}, {"character", character}}; }

json change_params(int version, json range, const std::string& text, const std::string& uri = kUri) {
  return {{"textDocument", {{"uri", uri}, {"version", version}}},
          {"contentChanges", {{{"range", std::move(range)}, {"text", text}}}}};
}

// The publishDiagnostics for `version` (earlier ones are consumed).
json diagnostics_for(LspTestClient& client, int version, const std::string& uri = kUri) {
  auto note = client.notification("textDocument/publishDiagnostics", [&](const json& n) {
    return n["params"]["uri"] == uri && n["params"].value("version", -1) == version;
  });
  if (!note) throw std::runtime_error("no diagnostics for version " + std::to_string(version));
  return (*note)["params"]["diagnostics"];
}

bool has_code(const json& diagnostics, const std::string& code) {
  return std::any_of(diagnostics.begin(), diagnostics.end(), [&](const json& d) { return d.value("code", "") == code; });
}

int error_code(const json& response) { return response.contains("error") ? response["error"]["code"].get<int>() : 0; }

// Applies a WorkspaceEdit's TextEdits for kUri (UTF-16 positions) to text, last first.
std::string apply_workspace_edit(std::string text, const json& edit) {
  std::vector<json> edits(edit["changes"][kUri].begin(), edit["changes"][kUri].end());
  std::sort(edits.begin(), edits.end(), [](const json& a, const json& b) {
    auto key = [](const json& e) { return std::pair{e["range"]["start"]["line"].get<int>(), e["range"]["start"]["character"].get<int>()}; };
    return key(a) > key(b);
  });
  for (const auto& e : edits) {
    size_t begin = offset_of(text, e["range"]["start"]["line"], e["range"]["start"]["character"], true);
    size_t end = offset_of(text, e["range"]["end"]["line"], e["range"]["end"]["character"], true);
    text.replace(begin, end - begin, e["newText"].get<std::string>());
  }
  return text;
}

class Lsp : public ::testing::Test {
 protected:
  LspTestClient client{ZEROLOCK_BINARY};
};

}  // namespace

TEST_F(Lsp, RequestBeforeInitializeIsServerNotInitialized) {
  json response = client.call("textDocument/hover", {{"textDocument", doc_id()}, {"position", pos(0, 0)}});
  EXPECT_EQ(error_code(response), -32002);
  // Notifications before initialize are dropped, not fatal.
  client.notify("textDocument/didOpen", open_params(kIndexSql));
  json init = client.initialize();
  EXPECT_TRUE(init["result"]["capabilities"]["hoverProvider"].get<bool>());
}

TEST_F(Lsp, LifecycleShutdownExit) {
  json init = client.initialize();
  const json& caps = init["result"]["capabilities"];
  EXPECT_EQ(caps["positionEncoding"], "utf-16");
  EXPECT_EQ(caps["textDocumentSync"]["change"], 2);
  EXPECT_EQ(error_code(client.call("initialize", {{"capabilities", json::object()}})), -32600);
  json shutdown = client.call("shutdown", nullptr);
  EXPECT_TRUE(shutdown.contains("result"));
  EXPECT_TRUE(shutdown["result"].is_null());
  EXPECT_EQ(error_code(client.call("textDocument/documentSymbol", {{"textDocument", doc_id()}})), -32600);
  client.notify("exit", nullptr);
  EXPECT_EQ(client.wait_exit(), 0);
}

TEST_F(Lsp, ExitWithoutShutdownIsStatusOne) {
  client.initialize();
  client.notify("exit", nullptr);
  EXPECT_EQ(client.wait_exit(), 1);
}

TEST_F(Lsp, Utf8PositionEncodingWhenOffered) {
  json init = client.initialize({{"general", {{"positionEncodings", {"utf-16", "utf-8"}}}}});
  EXPECT_EQ(init["result"]["capabilities"]["positionEncoding"], "utf-8");
}

TEST_F(Lsp, EndOfInputEndsTheProcess) {
  client.initialize();
  client.close_stdin();
  EXPECT_EQ(client.wait_exit(), 1);  // input ended without shutdown
}

TEST_F(Lsp, EndOfInputAfterShutdownIsStatusZero) {
  client.initialize();
  client.call("shutdown", nullptr);
  client.close_stdin();
  EXPECT_EQ(client.wait_exit(), 0);
}

TEST_F(Lsp, MalformedInputNeverKillsTheServer) {
  client.initialize();
  // Invalid JSON: ParseError with a null id.
  client.send_raw("Content-Length: 9\r\n\r\n{not json");
  // Invalid UTF-8 inside a string.
  const std::string bad_utf8 = "{\"jsonrpc\":\"2.0\",\"method\":\"\xff\xfe\",\"id\":0}";
  client.send_raw("Content-Length: " + std::to_string(bad_utf8.size()) + "\r\n\r\n" + bad_utf8);
  // A header that is not a header, and a non-numeric Content-Length.
  client.send_raw("this is not LSP\r\n\r\n");
  client.send_raw("Content-Length: twelve\r\n\r\n");
  // Wrong jsonrpc version: InvalidRequest echoing the id.
  client.send_raw(LspTestClient::frame({{"jsonrpc", "1.0"}, {"id", 900}, {"method", "shutdown"}}));
  // Unknown method and unknown notification.
  json unknown = client.call("zerolock/noSuchMethod", json::object());
  EXPECT_EQ(error_code(unknown), -32601);
  client.notify("zerolock/noSuchNotification", json::object());
  // Params of the wrong type: InvalidParams.
  client.notify("textDocument/didOpen", open_params(kIndexSql));
  json bad = client.call("textDocument/hover", {{"textDocument", doc_id()}, {"position", "start"}});
  EXPECT_EQ(error_code(bad), -32602);
  json bad_change = client.call("zerolock/documentText", {{"textDocument", 5}});
  EXPECT_EQ(error_code(bad_change), -32602);

  auto invalid = client.response(900);
  ASSERT_TRUE(invalid);
  EXPECT_EQ(error_code(*invalid), -32600);
  json symbols = client.call("textDocument/documentSymbol", {{"textDocument", doc_id()}});
  EXPECT_EQ(symbols["result"].size(), 1u);
  // Invalid JSON and invalid UTF-8 were answered with ParseError and a null id.
  EXPECT_EQ(client.null_id_errors(), (std::vector<int>{-32700, -32700}));
  // Still alive and well.
  EXPECT_TRUE(client.call("shutdown", nullptr).contains("result"));
  client.notify("exit", nullptr);
  EXPECT_EQ(client.wait_exit(), 0);
}

TEST_F(Lsp, DiagnosticsCarryRuleCodeAndVersion) {
  client.initialize();
  client.notify("textDocument/didOpen", open_params(kIndexSql));
  json diagnostics = diagnostics_for(client, 1);
  ASSERT_TRUE(has_code(diagnostics, "require-concurrent-index-creation")) << diagnostics.dump(2);
  for (const auto& d : diagnostics) {
    EXPECT_EQ(d["source"], "zerolock");
    EXPECT_TRUE(d["codeDescription"]["href"].get<std::string>().find(d["code"].get<std::string>()) != std::string::npos);
    EXPECT_EQ(d["range"]["start"], pos(0, 0));
    EXPECT_TRUE(d.contains("data"));
  }
  // Fixing the statement clears that diagnostic in the next version.
  client.notify("textDocument/didChange", change_params(2, {{"start", pos(0, 12)}, {"end", pos(0, 12)}}, " CONCURRENTLY"));
  json fixed = diagnostics_for(client, 2);
  EXPECT_FALSE(has_code(fixed, "require-concurrent-index-creation")) << fixed.dump(2);
  // Closing clears the squiggles.
  client.notify("textDocument/didClose", {{"textDocument", doc_id()}});
  auto cleared = client.notification("textDocument/publishDiagnostics",
                                     [](const json& n) { return n["params"]["diagnostics"].empty(); });
  ASSERT_TRUE(cleared);
}

TEST_F(Lsp, TransactionRelatedInformation) {
  client.initialize();
  client.notify("textDocument/didOpen",
                open_params("BEGIN;\nALTER TABLE users ADD COLUMN age int NOT NULL DEFAULT 0;\n"
                            "CREATE INDEX ix ON users (email);\nCOMMIT;\n"));
  json diagnostics = diagnostics_for(client, 1);
  EXPECT_FALSE(diagnostics.empty());
}

TEST_F(Lsp, PullDiagnosticsWhenTheClientAsks) {
  json init = client.initialize({{"textDocument", {{"diagnostic", {{"dynamicRegistration", false}}}}}});
  ASSERT_TRUE(init["result"]["capabilities"].contains("diagnosticProvider"));
  client.notify("textDocument/didOpen", open_params(kIndexSql));
  json report = client.call("textDocument/diagnostic", {{"textDocument", doc_id()}});
  ASSERT_EQ(report["result"]["kind"], "full");
  EXPECT_TRUE(has_code(report["result"]["items"], "require-concurrent-index-creation"));
  json again = client.call("textDocument/diagnostic",
                           {{"textDocument", doc_id()}, {"previousResultId", report["result"]["resultId"]}});
  EXPECT_EQ(again["result"]["kind"], "unchanged");
  EXPECT_TRUE(client.seen("textDocument/publishDiagnostics").empty());
}

TEST_F(Lsp, HoverExplainsTheLock) {
  client.initialize();
  client.notify("textDocument/didOpen", open_params(kIndexSql));
  json hover = client.call("textDocument/hover", {{"textDocument", doc_id()}, {"position", pos(0, 5)}});
  std::string md = hover["result"]["contents"]["value"];
  EXPECT_NE(md.find("SHARE"), std::string::npos) << md;
  EXPECT_NE(md.find("users"), std::string::npos) << md;
  EXPECT_NE(md.find("blocked"), std::string::npos) << md;
  EXPECT_NE(md.find("require-concurrent-index-creation"), std::string::npos) << md;
  // Nothing to say past the end of the text.
  json nothing = client.call("textDocument/hover", {{"textDocument", doc_id()}, {"position", pos(40, 0)}});
  EXPECT_TRUE(nothing["result"].is_null());
}

TEST_F(Lsp, InlayHintsShowTheLockAndCanBeDisabled) {
  client.initialize();
  client.notify("textDocument/didOpen", open_params(kIndexSql + "SELECT 1;\n"));
  json range{{"start", pos(0, 0)}, {"end", pos(3, 0)}};
  json hints = client.call("textDocument/inlayHint", {{"textDocument", doc_id()}, {"range", range}});
  ASSERT_FALSE(hints["result"].empty());
  EXPECT_EQ(hints["result"][0]["label"], "SHARE users");
  EXPECT_EQ(hints["result"][0]["position"], pos(0, 33));
  client.notify("workspace/didChangeConfiguration", {{"settings", {{"zerolock", {{"inlayHints", {{"enabled", false}}}}}}}});
  json none = client.call("textDocument/inlayHint", {{"textDocument", doc_id()}, {"range", range}});
  EXPECT_TRUE(none["result"].empty());
}

TEST_F(Lsp, SettingsTurnRulesOff) {
  client.initialize();
  client.notify("textDocument/didOpen", open_params(kIndexSql));
  ASSERT_TRUE(has_code(diagnostics_for(client, 1), "require-concurrent-index-creation"));
  client.notify("workspace/didChangeConfiguration",
                {{"settings", {{"zerolock", {{"rules", {{"require-concurrent-index-creation", "off"}}}}}}}});
  auto next = client.notification("textDocument/publishDiagnostics", [](const json& n) {
    return !has_code(n["params"]["diagnostics"], "require-concurrent-index-creation");
  });
  ASSERT_TRUE(next);
}

TEST_F(Lsp, CodeActionSuppressesTheDiagnostic) {
  client.initialize();
  client.notify("textDocument/didOpen", open_params(kIndexSql));
  json diagnostics = diagnostics_for(client, 1);
  json actions = client.call("textDocument/codeAction",
                             {{"textDocument", doc_id()},
                              {"range", {{"start", pos(0, 0)}, {"end", pos(0, 0)}}},
                              {"context", {{"diagnostics", diagnostics}}}});
  const json* chosen = nullptr;
  for (const auto& action : actions["result"])
    if (action["title"] == "Suppress require-concurrent-index-creation on this line") chosen = &action;
  ASSERT_NE(chosen, nullptr) << actions.dump(2);
  EXPECT_EQ((*chosen)["kind"], "quickfix");
  std::string text = apply_workspace_edit(kIndexSql, (*chosen)["edit"]);
  EXPECT_EQ(text, "-- zerolock-disable-next-line require-concurrent-index-creation\n" + kIndexSql);
  client.notify("textDocument/didChange",
                {{"textDocument", {{"uri", kUri}, {"version", 2}}}, {"contentChanges", {{{"text", text}}}}});
  json after = diagnostics_for(client, 2);
  EXPECT_FALSE(has_code(after, "require-concurrent-index-creation")) << after.dump(2);
  ASSERT_TRUE(has_code(after, "missing-lock-timeout"));
  // A second suppression joins the existing comment instead of stacking another line.
  json more = client.call("textDocument/codeAction", {{"textDocument", doc_id()},
                                                      {"range", {{"start", pos(1, 0)}, {"end", pos(1, 0)}}},
                                                      {"context", {{"diagnostics", after}}}});
  const json* second = nullptr;
  for (const auto& action : more["result"])
    if (action["title"] == "Suppress missing-lock-timeout on this line") second = &action;
  ASSERT_NE(second, nullptr) << more.dump();
  std::string text2 = apply_workspace_edit(text, (*second)["edit"]);
  EXPECT_EQ(text2, "-- zerolock-disable-next-line missing-lock-timeout,require-concurrent-index-creation\n" + kIndexSql);
}

TEST_F(Lsp, CodeActionEditsAreResolvedLazilyWhenSupported) {
  client.initialize({{"textDocument", {{"codeAction", {{"resolveSupport", {{"properties", {"edit"}}}}}}}}});
  client.notify("textDocument/didOpen", open_params(kIndexSql));
  json actions = client.call("textDocument/codeAction", {{"textDocument", doc_id()},
                                                         {"range", {{"start", pos(0, 0)}, {"end", pos(0, 0)}}},
                                                         {"context", {{"diagnostics", json::array()}}}});
  ASSERT_FALSE(actions["result"].empty());
  // The rewrites come first; this test resolves the suppression action.
  json action;
  for (const json& a : actions["result"])
    if (a.value("title", "").find("Suppress") != std::string::npos && action.is_null()) action = a;
  ASSERT_FALSE(action.is_null()) << actions.dump(2);
  EXPECT_FALSE(action.contains("edit"));
  json resolved = client.call("codeAction/resolve", action);
  ASSERT_TRUE(resolved["result"].contains("edit")) << resolved.dump(2);
  EXPECT_NE(resolved["result"]["edit"].dump().find("zerolock-disable-next-line"), std::string::npos);
  // After an edit, resolving the stale action is ContentModified.
  client.notify("textDocument/didChange", change_params(2, {{"start", pos(1, 0)}, {"end", pos(1, 0)}}, "\n"));
  EXPECT_EQ(error_code(client.call("codeAction/resolve", action)), -32801);
}

// Fix-all renders every fix of the document: a resolving client gets the action without its
// edit, and the edit only from codeAction/resolve.
TEST_F(Lsp, FixAllEditIsResolvedLazilyWhenSupported) {
  client.initialize({{"textDocument", {{"codeAction", {{"resolveSupport", {{"properties", {"edit"}}}}}}}}});
  client.notify("textDocument/didOpen", open_params(kIndexSql));
  diagnostics_for(client, 1);
  json actions = client.call("textDocument/codeAction",
                             {{"textDocument", doc_id()},
                              {"range", {{"start", pos(1, 0)}, {"end", pos(1, 0)}}},
                              {"context", {{"diagnostics", json::array()}, {"only", {"source.fixAll.zerolock"}}}}});
  ASSERT_EQ(actions["result"].size(), 1u) << actions.dump(2);
  json action = actions["result"][0];
  EXPECT_EQ(action["kind"], "source.fixAll.zerolock");
  EXPECT_FALSE(action.contains("edit"));
  json resolved = client.call("codeAction/resolve", action);
  ASSERT_TRUE(resolved["result"].contains("edit")) << resolved.dump(2);
  EXPECT_NE(apply_workspace_edit(kIndexSql, resolved["result"]["edit"]).find("CREATE INDEX CONCURRENTLY"), std::string::npos)
      << resolved.dump(2);
  // A request that does not ask for source actions does not look for fix-alls.
  json quick = client.call("textDocument/codeAction", {{"textDocument", doc_id()},
                                                       {"range", {{"start", pos(1, 0)}, {"end", pos(1, 0)}}},
                                                       {"context", {{"diagnostics", json::array()}, {"only", {"quickfix"}}}}});
  EXPECT_TRUE(quick["result"].empty()) << quick.dump(2);
}

// In a Flyway migration the index cannot be built concurrently where it stands (Flyway wraps the
// file in a transaction): the rewrite removes it and creates a follow-up migration. Only a client
// that can create files is offered it, and then through documentChanges.
TEST_F(Lsp, RewriteThatCreatesAFollowUpMigrationNeedsFileCreation) {
  const std::string uri = "file:///tmp/zerolock-lsp-test/V2__orders_index.sql";
  const std::string text = "CREATE INDEX ix ON orders (customer_id);\nALTER TABLE orders ADD COLUMN note text;\n";
  auto rewrite_titled = [&](const json& actions) -> json {
    for (const auto& a : actions["result"])
      if (a.value("title", "").find("concurrently") != std::string::npos) return a;
    return nullptr;
  };
  auto actions_at_index = [&](LspTestClient& c) {
    c.notify("textDocument/didOpen", open_params(text, uri));
    json diagnostics = diagnostics_for(c, 1, uri);
    return c.call("textDocument/codeAction", {{"textDocument", doc_id(uri)},
                                              {"range", {{"start", pos(0, 0)}, {"end", pos(0, 0)}}},
                                              {"context", {{"diagnostics", diagnostics}}}});
  };

  client.initialize();
  EXPECT_TRUE(rewrite_titled(actions_at_index(client)).is_null()) << "offered to a client that cannot create files";

  LspTestClient creating{ZEROLOCK_BINARY};
  creating.initialize({{"workspace", {{"workspaceEdit", {{"documentChanges", true}, {"resourceOperations", {"create"}}}}}}});
  json action = rewrite_titled(actions_at_index(creating));
  ASSERT_FALSE(action.is_null());
  EXPECT_TRUE(action.value("isPreferred", false));
  const json& changes = action["edit"]["documentChanges"];
  ASSERT_EQ(changes.size(), 5u) << action.dump(2);
  // 1. the statement leaves the original file (at the version the edit was computed for)
  EXPECT_EQ(changes[0]["textDocument"]["uri"], uri);
  EXPECT_EQ(changes[0]["textDocument"]["version"], 1);
  ASSERT_EQ(changes[0]["edits"].size(), 1u);
  EXPECT_EQ(changes[0]["edits"][0]["newText"], "");
  // 2. the follow-up migration is created without overwriting anything ...
  EXPECT_EQ(changes[1]["kind"], "create");
  EXPECT_EQ(changes[1]["uri"], "file:///tmp/zerolock-lsp-test/V2_1__orders_index_build.sql");
  EXPECT_EQ(changes[1]["options"]["overwrite"], false);
  // 3. ... and holds the concurrent build
  EXPECT_EQ(changes[2]["textDocument"]["uri"], changes[1]["uri"]);
  EXPECT_NE(changes[2]["edits"][0]["newText"].get<std::string>().find("CREATE INDEX CONCURRENTLY IF NOT EXISTS ix ON orders"),
            std::string::npos);
  // 4. its Flyway script config runs it outside a transaction
  EXPECT_EQ(changes[3]["uri"], "file:///tmp/zerolock-lsp-test/V2_1__orders_index_build.sql.conf");
  EXPECT_EQ(changes[4]["edits"][0]["newText"], "executeInTransaction=false\n");
  // Fix-all stays within the document: it never creates files.
  json fix_all = creating.call("textDocument/codeAction", {{"textDocument", doc_id(uri)},
                                                           {"range", {{"start", pos(0, 0)}, {"end", pos(2, 0)}}},
                                                           {"context", {{"diagnostics", json::array()}, {"only", {"source.fixAll.zerolock"}}}}});
  for (const auto& a : fix_all["result"]) EXPECT_FALSE(a["edit"].contains("documentChanges")) << a.dump(2);
}

TEST_F(Lsp, DocumentSymbolsOnePerStatement) {
  client.initialize();
  client.notify("textDocument/didOpen", open_params(kIndexSql + "ALTER TABLE users ADD COLUMN age int;\n"));
  json symbols = client.call("textDocument/documentSymbol", {{"textDocument", doc_id()}});
  ASSERT_EQ(symbols["result"].size(), 2u);
  EXPECT_EQ(symbols["result"][0]["name"], "CREATE INDEX ix ON users");
  EXPECT_EQ(symbols["result"][1]["range"]["start"], pos(1, 0));
}

TEST_F(Lsp, CancelledRequestIsAnsweredOnce) {
  client.initialize();
  client.notify("textDocument/didOpen", open_params(kIndexSql));
  // Request and cancellation in one write: the server reads both before the worker can answer,
  // so the answer is RequestCancelled, and the worker's late result is dropped.
  json hover{{"jsonrpc", "2.0"}, {"id", 4242}, {"method", "textDocument/hover"},
             {"params", {{"textDocument", doc_id()}, {"position", pos(0, 1)}}}};
  json cancel{{"jsonrpc", "2.0"}, {"method", "$/cancelRequest"}, {"params", {{"id", 4242}}}};
  client.send_raw(LspTestClient::frame(hover) + LspTestClient::frame(cancel));
  auto response = client.response(4242);
  ASSERT_TRUE(response);
  EXPECT_EQ(error_code(*response), -32800);
  // Cancelling something unknown is harmless; a later request is answered normally and the
  // cancelled one never gets a second answer.
  client.notify("$/cancelRequest", {{"id", 999999}});
  json symbols = client.call("textDocument/documentSymbol", {{"textDocument", doc_id()}});
  EXPECT_TRUE(symbols.contains("result"));
  EXPECT_EQ(client.responses_for(4242), 0u);
}

TEST_F(Lsp, OutOfRangeChangeIsRejectedWithoutCorruption) {
  client.initialize();
  client.notify("textDocument/didOpen", open_params(kIndexSql));
  client.notify("textDocument/didChange", change_params(2, {{"start", pos(50, 0)}, {"end", pos(51, 0)}}, "x"));
  client.notify("textDocument/didChange", change_params(3, {{"start", pos(0, 5)}, {"end", pos(0, 2)}}, "x"));
  json text = client.call("zerolock/documentText", {{"textDocument", doc_id()}});
  EXPECT_EQ(text["result"]["text"], kIndexSql);
  EXPECT_EQ(text["result"]["version"], 1);
  // A valid change afterwards still applies.
  client.notify("textDocument/didChange", change_params(2, {{"start", pos(0, 0)}, {"end", pos(0, 0)}}, "-- hi\n"));
  text = client.call("zerolock/documentText", {{"textDocument", doc_id()}});
  EXPECT_EQ(text["result"]["text"], "-- hi\n" + kIndexSql);
}

TEST_F(Lsp, AnEditReparsesOnlyTheChangedStatement) {
  client.initialize();
  std::string text;
  for (int i = 0; i < 200; ++i) text += "ALTER TABLE t" + std::to_string(i) + " ADD COLUMN c int;\n";
  client.notify("textDocument/didOpen", open_params(text));
  diagnostics_for(client, 1);
  client.notify("textDocument/didChange", change_params(2, {{"start", pos(100, 30)}, {"end", pos(100, 33)}}, "bigint"));
  diagnostics_for(client, 2);
  json stats = client.call("zerolock/analysisStats", {{"textDocument", doc_id()}});
  EXPECT_EQ(stats["result"]["version"], 2);
  EXPECT_EQ(stats["result"]["statements"], 200);
  EXPECT_LE(stats["result"]["parsed"].get<int>(), 1) << stats.dump();
}

// 2,000 random incremental edits (multi-byte characters, CRLF, deletions across lines) in the
// given encoding; the server's text must equal the client's after every batch, and diagnostics
// must arrive in version order with the last version published.
static void replay_random_edits(LspTestClient& client, bool utf16, int edits, unsigned seed) {
  json caps = utf16 ? json::object() : json{{"general", {{"positionEncodings", {"utf-8"}}}}};
  client.initialize(caps);
  std::string text = "CREATE TABLE a (id int);\nCREATE INDEX ix ON users (email);\r\nALTER TABLE users ADD COLUMN x int;\n";
  client.notify("textDocument/didOpen", open_params(text));
  std::mt19937 rng(seed);
  const std::vector<std::string> pieces{"a", "é", "😀", "\n", "\r\n", ";", " ", "CREATE INDEX i ON t (c);", "ALTER TABLE users ",
                                        "'str;ing'", "-- note\n", "/* c */", "ü€", "\r", "DROP TABLE x;"};
  auto boundary = [&](size_t offset) {
    // Code point start, and not between \r and \n (that is one line break).
    while (offset > 0 && offset < text.size() &&
           ((static_cast<unsigned char>(text[offset]) & 0xC0) == 0x80 || (text[offset] == '\n' && text[offset - 1] == '\r')))
      --offset;
    return offset;
  };
  int version = 1;
  for (int i = 0; i < edits; ++i) {
    size_t a = boundary(std::uniform_int_distribution<size_t>(0, text.size())(rng));
    size_t span = std::uniform_int_distribution<int>(0, 3)(rng) == 0 ? std::uniform_int_distribution<size_t>(0, 40)(rng) : 0;
    size_t b = boundary(std::min(text.size(), a + span));
    if (b < a) b = a;
    std::string insert;
    int count = std::uniform_int_distribution<int>(0, 2)(rng);
    for (int k = 0; k < count; ++k) insert += pieces[std::uniform_int_distribution<size_t>(0, pieces.size() - 1)(rng)];
    // Keep the document from growing or shrinking away.
    if (text.size() > 4000 && insert.size() > b - a) insert.clear();
    json range{{"start", position_of(text, a, utf16)}, {"end", position_of(text, b, utf16)}};
    text.replace(a, b - a, insert);
    client.notify("textDocument/didChange", change_params(++version, range, insert));
    if (i % 250 == 249 || i == edits - 1) {
      json server = client.call("zerolock/documentText", {{"textDocument", doc_id()}});
      ASSERT_EQ(server["result"]["version"], version);
      ASSERT_EQ(server["result"]["text"].get<std::string>(), text) << "after edit " << i;
    }
  }
  // The last version is always published; versions never go backwards.
  diagnostics_for(client, version);
  int last = 0;
  for (const auto& note : client.seen("textDocument/publishDiagnostics")) {
    int v = note["params"].value("version", 0);
    EXPECT_GT(v, last);
    last = v;
  }
  EXPECT_EQ(last, version);
}

TEST_F(Lsp, RandomIncrementalEditsUtf16) { replay_random_edits(client, true, 2000, 4); }
TEST_F(Lsp, RandomIncrementalEditsUtf8) { replay_random_edits(client, false, 500, 8); }

// ---- Limits (issue 9) ----
TEST_F(Lsp, DocumentOverTheSizeLimitIsReportedOnceAndNotAnalysed) {
  client.initialize();
  // 17 MB of CREATE INDEX statements: analysed, this would give thousands of findings.
  std::string big;
  std::string line = "CREATE INDEX ix ON users (email);\n";
  while (big.size() <= 17u * 1024u * 1024u) big += line;
  client.notify("textDocument/didOpen", open_params(big));
  json diagnostics = diagnostics_for(client, 1);
  ASSERT_EQ(diagnostics.size(), 1u) << diagnostics.dump().substr(0, 400);
  EXPECT_EQ(diagnostics[0]["code"], "document-too-large");
  auto message = client.notification("window/showMessage");
  ASSERT_TRUE(message);
  EXPECT_NE((*message)["params"]["message"].get<std::string>().find("more than the 16 MB"), std::string::npos);
  // Still too large after an edit: no second report, no analysis.
  client.notify("textDocument/didChange", change_params(2, {{"start", pos(0, 0)}, {"end", pos(0, 0)}}, "-- x\n"));
  // Cut back to one statement: analysed again, from scratch.
  client.notify("textDocument/didChange",
                {{"textDocument", {{"uri", kUri}, {"version", 3}}}, {"contentChanges", {{{"text", line}}}}});
  json after = diagnostics_for(client, 3);
  EXPECT_TRUE(has_code(after, "require-concurrent-index-creation")) << after.dump();
  EXPECT_EQ(client.seen("window/showMessage").size(), 1u);
}

TEST_F(Lsp, OversizedMessageIsRefusedWithAMessageAndTheSessionContinues) {
  client.initialize();
  client.send_raw("Content-Length: 999999999999\r\n\r\n{\"jsonrpc\":\"2.0\"");
  auto message = client.notification("window/showMessage");
  ASSERT_TRUE(message);
  EXPECT_NE((*message)["params"]["message"].get<std::string>().find("exceeds the limit"), std::string::npos);
  json response = client.call("shutdown", nullptr);
  EXPECT_TRUE(response.contains("result"));
}

// Workspace confinement: the server reads files a migration refers to (here a Flyway script
// config next to it, a Liquibase include) only inside the workspace folders the client named.
namespace {
struct ScratchDir {
  std::filesystem::path path;
  ScratchDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "zerolock-roots-XXXXXX").string();
    path = mkdtemp(tmpl.data());
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  void write(const std::string& rel, const std::string& text) const {
    std::filesystem::create_directories((path / rel).parent_path());
    std::ofstream(path / rel) << text;
  }
  [[nodiscard]] std::string uri(const std::string& rel) const { return "file://" + (path / rel).string(); }
};
json folders(std::initializer_list<std::string> uris) {
  json out = json::array();
  for (const auto& u : uris) out.push_back({{"uri", u}, {"name", u}});
  return out;
}
const std::string kMixedFlyway = "CREATE TABLE a (id int);\nCREATE INDEX CONCURRENTLY ix ON users (email);\n";
}  // namespace

TEST_F(Lsp, FlywayScriptConfigIsReadOnlyInsideTheWorkspaceFolders) {
  ScratchDir dir;
  for (const char* sub : {"ws/db", "outside/db"}) {
    dir.write(std::string(sub) + "/V1__add.sql", kMixedFlyway);
    dir.write(std::string(sub) + "/V1__add.sql.conf", "executeInTransaction=false\n");
  }
  client.initialize(json::object(), {{"workspaceFolders", folders({dir.uri("ws")})}});
  // Inside: the .conf is read, the script runs without a transaction, nothing is mixed.
  std::string inside = dir.uri("ws/db/V1__add.sql"), outside = dir.uri("outside/db/V1__add.sql");
  client.notify("textDocument/didOpen", open_params(kMixedFlyway, inside));
  EXPECT_FALSE(has_code(diagnostics_for(client, 1, inside), "flyway-mixed-transaction"));
  // Outside every folder: the .conf next to it is not read, so the mixed script is reported.
  client.notify("textDocument/didOpen", open_params(kMixedFlyway, outside));
  EXPECT_TRUE(has_code(diagnostics_for(client, 1, outside), "flyway-mixed-transaction"));
  // Adding the folder makes it readable: the document is analysed again with its .conf.
  client.notify("workspace/didChangeWorkspaceFolders",
                {{"event", {{"added", folders({dir.uri("outside")})}, {"removed", json::array()}}}});
  auto again = client.notification("textDocument/publishDiagnostics", [&](const json& n) {
    return n["params"]["uri"] == outside && !has_code(n["params"]["diagnostics"], "flyway-mixed-transaction");
  });
  EXPECT_TRUE(again.has_value());
}

TEST_F(Lsp, LiquibaseIncludesStayInsideTheWorkspaceFolder) {
  ScratchDir dir;
  // A Maven layout: the classpath root "resources" is above the workspace folder "db".
  const std::string changelog =
      "<databaseChangeLog xmlns=\"http://www.liquibase.org/xml/ns/dbchangelog\">\n"
      "  <include file=\"../shared.xml\" relativeToChangelogFile=\"true\"/>\n"
      "</databaseChangeLog>\n";
  dir.write("src/main/resources/shared.xml", "<databaseChangeLog xmlns=\"http://www.liquibase.org/xml/ns/dbchangelog\"/>\n");
  dir.write("src/main/resources/db/changelog.xml", changelog);
  std::string uri = dir.uri("src/main/resources/db/changelog.xml");
  auto include_not_followed = [](const json& diagnostics) {
    return std::any_of(diagnostics.begin(), diagnostics.end(), [](const json& d) {
      return d.value("message", "").find("was not found inside") != std::string::npos;
    });
  };
  {
    LspTestClient whole{ZEROLOCK_BINARY};  // folder = resources: the include is followed
    whole.initialize(json::object(), {{"workspaceFolders", folders({dir.uri("src/main/resources")})}});
    whole.notify("textDocument/didOpen", {{"textDocument", {{"uri", uri}, {"languageId", "xml"}, {"version", 1}, {"text", changelog}}}});
    EXPECT_FALSE(include_not_followed(diagnostics_for(whole, 1, uri)));
  }
  client.initialize(json::object(), {{"workspaceFolders", folders({dir.uri("src/main/resources/db")})}});
  client.notify("textDocument/didOpen", {{"textDocument", {{"uri", uri}, {"languageId", "xml"}, {"version", 1}, {"text", changelog}}}});
  EXPECT_TRUE(include_not_followed(diagnostics_for(client, 1, uri)));
}
