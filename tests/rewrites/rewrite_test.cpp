// Unit tests of the rewrite engine: for every fixture case, the fix removes the finding that
// offered it, adds no error-level finding, keeps comments, leaves no stray ';', parses, and is
// idempotent. Plus the CLI (`zerolock fix`, --diff) and the LSP provider.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "fixes/fix.h"
#include "server/lsp/rewrite_actions.h"
#include "sql/scanner.h"
#include "standin_rules.h"

namespace fs = std::filesystem;
using namespace zerolock;

namespace {

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct Case {
  std::string name, file, text;
  nlohmann::json meta;
};

std::vector<Case> cases() {
  std::vector<Case> out;
  fs::path dir = fs::path(ZEROLOCK_SOURCE_DIR) / "tests/fixtures/rewrites/cases";
  for (const auto& entry : fs::directory_iterator(dir)) {
    Case c;
    c.name = entry.path().filename().string();
    for (const auto& f : fs::directory_iterator(entry.path()))
      if (f.path().extension() == ".sql") c.file = f.path().string(), c.text = read(f.path());
    c.meta = nlohmann::json::parse(read(entry.path() / "case.json"));
    out.push_back(std::move(c));
  }
  std::sort(out.begin(), out.end(), [](const Case& a, const Case& b) { return a.name < b.name; });
  return out;
}

Analysis analyse(const std::string& path, const std::string& text, const Config& config) {
  static StatementCache cache;
  DocumentInput in;
  in.path = path;
  in.text = text;
  return analyze_document(in, config, cache);
}

std::map<std::string, int> error_rules(const Analysis& a) {
  std::map<std::string, int> out;
  for (const auto& d : a.diagnostics)
    if (d.severity == Severity::Error) ++out[d.rule];
  return out;
}

class Standins : public ::testing::Environment {
 public:
  void SetUp() override { test::register_standin_rules(); }
};
[[maybe_unused]] ::testing::Environment* const standins = ::testing::AddGlobalTestEnvironment(new Standins);

class RewriteCase : public ::testing::TestWithParam<Case> {};

TEST_P(RewriteCase, FixRemovesFindingAndIsClean) {
  const Case& c = GetParam();
  Config config;
  bool unsafe = c.meta.value("unsafe", false);
  StatementCache cache;
  Analysis before = analyse(c.file, c.text, config);
  auto r = fixes::fix_all(c.file, c.text, config, unsafe, cache);
  ASSERT_FALSE(r.applied.empty()) << c.name;
  Analysis after = analyse(c.file, r.text, config);
  // The rules that offered the fixes no longer fire.
  for (const auto& rule : c.meta["rules"]) {
    bool offered = false;
    for (const auto& title : r.applied) offered = offered || title.find("(" + rule.get<std::string>() + ")") != std::string::npos;
    EXPECT_TRUE(offered) << c.name << ": no fix from " << rule;
    for (const auto& d : after.diagnostics) EXPECT_NE(d.rule, rule.get<std::string>()) << c.name << "\n" << r.text;
  }
  // Still parses; no error-level rule fires that did not before.
  auto errors_before = error_rules(before);
  for (const auto& d : after.diagnostics) {
    EXPECT_NE(d.rule, "syntax-error") << c.name << ": " << d.message << "\n" << r.text;
    if (d.severity == Severity::Error) {
      EXPECT_TRUE(errors_before.count(d.rule)) << c.name << ": new error " << d.rule << "\n" << r.text;
    }
  }
  for (const auto& nf : r.new_files) {
    if (nf.path.size() > 4 && nf.path.substr(nf.path.size() - 4) == ".sql") {
      Analysis extra = analyse(nf.path, nf.text, config);
      for (const auto& d : extra.diagnostics) EXPECT_NE(d.rule, "syntax-error") << nf.path << ": " << d.message << "\n" << nf.text;
    }
  }
  // No stray or doubled ';' (an empty statement), every original comment kept.
  auto scan = sql::scan(r.text);
  ASSERT_FALSE(scan.error) << r.text;
  bool last_semicolon = true;
  std::vector<std::string> comments_after;
  for (const auto& t : scan.tokens) {
    if (t.is_comment()) {
      comments_after.push_back(r.text.substr(t.begin, t.end - t.begin));
      continue;
    }
    if (t.is_char(';')) EXPECT_FALSE(last_semicolon) << c.name << ": empty statement at byte " << t.begin << "\n" << r.text;
    last_semicolon = t.is_char(';');
  }
  for (const auto& t : sql::scan(c.text).tokens) {
    if (!t.is_comment()) continue;
    std::string comment = c.text.substr(t.begin, t.end - t.begin);
    EXPECT_NE(std::find(comments_after.begin(), comments_after.end(), comment), comments_after.end()) << comment;
  }
  // Idempotent: fixing the result again changes nothing.
  auto again = fixes::fix_all(c.file, r.text, config, unsafe, cache);
  EXPECT_EQ(again.text, r.text) << c.name;
  EXPECT_TRUE(again.applied.empty()) << c.name << ": " << (again.applied.empty() ? "" : again.applied.front());
}

INSTANTIATE_TEST_SUITE_P(Fixtures, RewriteCase, ::testing::ValuesIn(cases()),
                         [](const ::testing::TestParamInfo<Case>& i) { return i.param.name; });

fixes::FixAllResult fix(const std::string& path, const std::string& text, bool unsafe = false, Config config = {}) {
  StatementCache cache;
  return fixes::fix_all(path, text, config, unsafe, cache);
}

TEST(Rewrites, CreateIndexIsTheSmallestEdit) {
  auto r = fix("m.sql", "SET lock_timeout = '1s';\ncreate  index   ix_a /* keep */ on \"Users\" (\"Email\");\n");
  EXPECT_EQ(r.text, "SET lock_timeout = '1s';\ncreate  index CONCURRENTLY IF NOT EXISTS   ix_a /* keep */ on \"Users\" (\"Email\");\n");
}

TEST(Rewrites, CreateIndexMovesAfterCommit) {
  auto r = fix("m.sql", "BEGIN;\n  SET LOCAL lock_timeout = '1s';\n  CREATE INDEX ix_a ON t (a);\n  ALTER TABLE t ADD COLUMN b int;\nCOMMIT;\n");
  EXPECT_EQ(r.text, "BEGIN;\n  SET LOCAL lock_timeout = '1s';\n  ALTER TABLE t ADD COLUMN b int;\nCOMMIT;\n\nCREATE INDEX CONCURRENTLY IF NOT EXISTS ix_a ON t (a);\n");
}

TEST(Rewrites, DropIndexConcurrently) {
  auto r = fix("m.sql", "SET lock_timeout = '1s';\nDROP INDEX ix_a;");
  EXPECT_EQ(r.text, "SET lock_timeout = '1s';\nDROP INDEX CONCURRENTLY IF EXISTS ix_a;");
}

TEST(Rewrites, LockTimeoutFromConfig) {
  Config config;
  config.lock_timeout = "3s";
  auto r = fix("m.sql", "-- add\n    ALTER TABLE t ADD COLUMN c text;\n", false, config);
  EXPECT_EQ(r.text, "-- add\n    SET lock_timeout = '3s';\n    ALTER TABLE t ADD COLUMN c text;\n");
  auto tx = fix("m.sql", "BEGIN;\nALTER TABLE t ADD COLUMN c text;\nCOMMIT;\n", false, config);
  EXPECT_EQ(tx.text, "BEGIN;\nSET LOCAL lock_timeout = '3s';\nALTER TABLE t ADD COLUMN c text;\nCOMMIT;\n");
}

TEST(Rewrites, QuotedIdentifiersKeepTheirSpelling) {
  auto r = fix("m.sql", "SET lock_timeout = '1s';\nALTER TABLE \"App\".\"Orders\" ALTER COLUMN \"Status\" SET NOT NULL;\n");
  EXPECT_NE(r.text.find("ALTER TABLE \"App\".\"Orders\" ADD CONSTRAINT \"Orders_Status_not_null\" CHECK (\"Status\" IS NOT NULL) NOT VALID;"),
            std::string::npos)
      << r.text;
  EXPECT_NE(r.text.find("ALTER TABLE \"App\".\"Orders\" ALTER COLUMN \"Status\" SET NOT NULL;"), std::string::npos) << r.text;
}

TEST(Rewrites, UnsafeOnlyWithUnsafe) {
  std::string text = "SET lock_timeout = '1s';\nALTER TABLE t RENAME COLUMN a TO b;\n";
  EXPECT_EQ(fix("m.sql", text).text, text);
  EXPECT_NE(fix("m.sql", text, true).text, text);
}

TEST(Rewrites, FlywayMovesToAFollowUpMigration) {
  auto r = fix("V3__idx.sql", "SET lock_timeout = '1s';\nCREATE INDEX ix ON t (a);\nALTER TABLE t ADD COLUMN b int;\n");
  EXPECT_EQ(r.text, "SET lock_timeout = '1s';\nALTER TABLE t ADD COLUMN b int;\n");
  ASSERT_GE(r.new_files.size(), 1u);
  EXPECT_EQ(r.new_files[0].path, "V3_1__idx_build.sql");
  EXPECT_NE(r.new_files[0].text.find("CREATE INDEX CONCURRENTLY IF NOT EXISTS ix ON t (a);"), std::string::npos);
}

TEST(Rewrites, MultiPhaseNeverInOneTransaction) {
  // SET NOT NULL inside BEGIN/COMMIT: the VALIDATE must run after the COMMIT of the ADD ... NOT VALID.
  auto r = fix("m.sql", "BEGIN;\nSET LOCAL lock_timeout = '1s';\nALTER TABLE t ALTER COLUMN c SET NOT NULL;\nCOMMIT;\n");
  size_t add = r.text.find("NOT VALID"), commit = r.text.find("COMMIT;"), validate = r.text.find("VALIDATE CONSTRAINT");
  ASSERT_NE(validate, std::string::npos) << r.text;
  EXPECT_LT(add, commit);
  EXPECT_GT(validate, commit) << r.text;
}

std::string run(const std::string& command, int& status) {
  std::string out;
  FILE* p = popen(command.c_str(), "r");
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  status = WEXITSTATUS(pclose(p));
  return out;
}

TEST(FixCommand, DiffWritesNothingAndFixWritesAtomically) {
  fs::path dir = fs::temp_directory_path() / ("zerolock-fix-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  fs::path file = dir / "0001_index.sql";
  std::string original = "SET lock_timeout = '1s';\nCREATE INDEX ix ON t (a);\n";
  std::ofstream(file) << original;
  int status = 0;
  std::string diff = run(std::string(ZEROLOCK_BINARY) + " fix --no-config --diff " + file.string(), status);
  EXPECT_EQ(status, 0) << diff;
  EXPECT_NE(diff.find("-CREATE INDEX ix ON t (a);\n+CREATE INDEX CONCURRENTLY IF NOT EXISTS ix ON t (a);"), std::string::npos) << diff;
  EXPECT_EQ(read(file), original);
  run(std::string(ZEROLOCK_BINARY) + " fix --no-config --quiet " + file.string() + " 2>&1", status);
  EXPECT_EQ(status, 0);
  EXPECT_EQ(read(file), "SET lock_timeout = '1s';\nCREATE INDEX CONCURRENTLY IF NOT EXISTS ix ON t (a);\n");
  size_t entries = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) ++entries;
  EXPECT_EQ(entries, 1u);  // no temp file left behind
  run(std::string(ZEROLOCK_BINARY) + " fix --no-config " + (dir / "missing.sql").string() + " 2>&1", status);
  EXPECT_EQ(status, 2);
  fs::remove_all(dir);
}

TEST(FixCommand, PrintsTheNotesOfTheFixesItApplies) {
  // A fix's notes say what the rewrite cannot do for the user (here: clean up an INVALID index
  // left by a failed CONCURRENTLY build); `zerolock fix` prints them once, unless --quiet.
  fs::path dir = fs::temp_directory_path() / ("zerolock-fix-notes-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  fs::path file = dir / "0001_index.sql";
  std::ofstream(file) << "SET lock_timeout = '1s';\nCREATE INDEX ix ON t (a);\nCREATE INDEX iy ON t (b);\n";
  int status = 0;
  std::string out = run(std::string(ZEROLOCK_BINARY) + " fix --no-config --diff " + file.string() + " 2>&1 >/dev/null", status);
  EXPECT_EQ(status, 0) << out;
  size_t first = out.find(": note: If CREATE INDEX CONCURRENTLY fails it leaves an INVALID index behind");
  EXPECT_NE(first, std::string::npos) << out;
  EXPECT_NE(out.find("DROP INDEX CONCURRENTLY IF EXISTS"), std::string::npos) << out;
  std::string quiet = run(std::string(ZEROLOCK_BINARY) + " fix --no-config --diff --quiet " + file.string() + " 2>&1 >/dev/null", status);
  EXPECT_EQ(quiet.find("note:"), std::string::npos) << quiet;
  fs::remove_all(dir);
}

TEST(LspProvider, SafeRewriteIsPreferredQuickfixWithEdits) {
  auto text = std::make_shared<const std::string>("SET lock_timeout = '1s';\nCREATE INDEX ix ON t (a);\n");
  lsp::AnalyzedDocument doc;
  doc.text = text;
  doc.config = std::make_shared<const Config>();
  doc.lines = LineIndex(*text);
  doc.analysis = analyse("m.sql", *text, *doc.config);
  const auto& provider = lsp::rewrite_actions();
  bool found = false;
  for (const auto& d : doc.analysis.diagnostics) {
    std::vector<lsp::ProposedAction> actions;
    provider.propose(doc, d, actions);
    for (const auto& a : actions) {
      if (d.rule != "require-concurrent-index-creation") continue;
      found = true;
      EXPECT_EQ(a.kind, "quickfix");
      EXPECT_TRUE(a.preferred);
      EXPECT_TRUE(a.fix_all);
      auto edits = provider.edits(doc, a.data).edits;
      ASSERT_EQ(edits.size(), 1u);
      EXPECT_EQ(edits[0].new_text, " CONCURRENTLY IF NOT EXISTS");
    }
  }
  EXPECT_TRUE(found);
}

}  // namespace
