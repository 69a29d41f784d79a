// The CLI contract: exit statuses, JSON shape, stdin, and errors as messages rather than crashes.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;

namespace {

struct CommandResult {
  int status = -1;
  std::string out;
};

// Runs a shell command line (stdout captured, stderr to /dev/null unless redirected).
CommandResult run(const std::string& command) {
  CommandResult r;
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return r;
  std::array<char, 4096> buf{};
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0) r.out.append(buf.data(), n);
  int status = pclose(pipe);
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

class Cli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("zerolock_cli_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path write(const std::string& name, const std::string& text) {
    fs::path p = dir_ / name;
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
    return p;
  }
  std::string bin() const { return ZEROLOCK_BINARY; }
  fs::path dir_;
};

}  // namespace

TEST_F(Cli, JsonContractAndExitStatus) {
  write("m.sql", "-- é\nCREATE INDEX ix ON users (email);\n");
  CommandResult r = run(bin() + " check --format json " + dir_.string() + " 2>/dev/null");
  EXPECT_EQ(r.status, 1);
  auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["files"].size(), 1u);
  bool found = false;
  for (const auto& d : j["files"][0]["diagnostics"]) {
    if (d["rule"] != "require-concurrent-index-creation") continue;
    found = true;
    EXPECT_EQ(d["severity"], "error");
    EXPECT_EQ(d["range"]["start"]["line"], 1);
    EXPECT_EQ(d["range"]["start"]["character"], 0);
    EXPECT_EQ(d["lock"]["mode"], "SHARE");
    EXPECT_EQ(d["lock"]["relations"][0], "users");
    EXPECT_EQ(d["lock"]["blocks"], nlohmann::json::array({"writes", "ddl"}));  // SHARE also conflicts with SHARE UPDATE EXCLUSIVE
  }
  EXPECT_TRUE(found);
  EXPECT_GE(j["summary"]["errors"].get<int>(), 1);
}

TEST_F(Cli, CleanFileExitsZero) {
  write("m.sql", "SET lock_timeout = '5s';\nCREATE INDEX CONCURRENTLY ix ON users (email);\n");
  EXPECT_EQ(run(bin() + " check " + dir_.string() + " >/dev/null 2>&1").status, 0);
}

TEST_F(Cli, StdinWithFilename) {
  CommandResult r = run("printf 'CREATE INDEX CONCURRENTLY a ON t (x);' | " + bin() +
              " check --format json --stdin-filename V3__x.sql - 2>/dev/null");
  EXPECT_EQ(r.status, 0);  // Flyway runs an all-CONCURRENTLY script outside a transaction
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["files"][0]["path"], "V3__x.sql");
  EXPECT_EQ(j["files"][0]["tool"], "flyway");
}

TEST_F(Cli, UsageConfigAndIoErrorsExitTwoWithoutLosingOtherFiles) {
  EXPECT_EQ(run(bin() + " check --format yaml x.sql 2>/dev/null").status, 2);
  EXPECT_EQ(run(bin() + " check --pg-version 9 x.sql 2>/dev/null").status, 2);
  EXPECT_EQ(run(bin() + " frobnicate 2>/dev/null").status, 2);

  write("good.sql", "CREATE INDEX ix ON users (email);\n");
  CommandResult r = run(bin() + " check --format json " + (dir_ / "good.sql").string() + " " + (dir_ / "missing.sql").string() +
              " 2>&1 >/dev/null");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.out.find("missing.sql: no such file"), std::string::npos) << r.out;
  CommandResult both = run(bin() + " check --format json " + (dir_ / "good.sql").string() + " " + (dir_ / "missing.sql").string() +
                 " 2>/dev/null");
  EXPECT_EQ(nlohmann::json::parse(both.out)["files"].size(), 1u);

  write("sub/zerolock.toml", "pg_version = 99\n");
  write("sub/m.sql", "SELECT 1;\n");
  CommandResult bad_config = run(bin() + " check " + (dir_ / "sub").string() + " 2>&1 >/dev/null");
  EXPECT_EQ(bad_config.status, 2);
  EXPECT_NE(bad_config.out.find("zerolock.toml:1:"), std::string::npos) << bad_config.out;
}

TEST_F(Cli, ConfigFileIsFoundUpwardAndFlagsWin) {
  write("zerolock.toml", "[rules]\nrequire-concurrent-index-creation = \"off\"\nmissing-lock-timeout = \"off\"\n");
  write("db/m.sql", "CREATE INDEX ix ON users (email);\n");
  EXPECT_EQ(run(bin() + " check " + dir_.string() + "/db >/dev/null 2>&1").status, 0);
  EXPECT_EQ(run(bin() + " check --enable require-concurrent-index-creation " + dir_.string() + "/db >/dev/null 2>&1").status, 1);
  EXPECT_EQ(run(bin() + " check --no-config " + dir_.string() + "/db >/dev/null 2>&1").status, 1);
}

TEST_F(Cli, SarifAndGithubFormats) {
  write("m.sql", "CREATE INDEX ix ON users (email);\n");
  auto sarif = nlohmann::json::parse(run(bin() + " check --format sarif " + dir_.string() + " 2>/dev/null").out);
  EXPECT_EQ(sarif["version"], "2.1.0");
  EXPECT_FALSE(sarif["runs"][0]["results"].empty());
  EXPECT_EQ(sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"], 1);
  CommandResult gh = run(bin() + " check --format github " + dir_.string() + " 2>/dev/null");
  EXPECT_NE(gh.out.find("::error file="), std::string::npos);
  EXPECT_NE(gh.out.find(",line=1,col=1,"), std::string::npos);
}

TEST_F(Cli, LocksReportShape) {
  write("m.sql", "BEGIN;\nALTER TABLE users ADD COLUMN c int;\nCOMMIT;\n");
  auto j = nlohmann::json::parse(run(bin() + " locks --format json " + (dir_ / "m.sql").string() + " 2>/dev/null").out);
  const auto& statements = j["files"][0]["statements"];
  ASSERT_EQ(statements.size(), 3u);
  EXPECT_EQ(statements[1]["in_transaction"], true);
  EXPECT_EQ(statements[1]["locks"][0]["relation"], "users");
  EXPECT_EQ(statements[1]["locks"][0]["mode"], "ACCESS EXCLUSIVE");
  EXPECT_EQ(statements[1]["rewrite"], false);
  EXPECT_EQ(statements[1]["held_until"], "commit");
  EXPECT_EQ(statements[1]["commit"]["statement"], 2);
}

TEST_F(Cli, ExplainListsAndExplainsRules) {
  CommandResult list = run(bin() + " explain --list");
  EXPECT_EQ(list.status, 0);
  EXPECT_NE(list.out.find("require-concurrent-index-creation"), std::string::npos);
  CommandResult one = run(bin() + " explain require-concurrent-index-creation");
  EXPECT_EQ(one.status, 0);
  EXPECT_NE(one.out.find("SHARE"), std::string::npos);
  EXPECT_NE(one.out.find("error[require-concurrent-index-creation]"), std::string::npos);  // real output embedded
  EXPECT_EQ(run(bin() + " explain no-such-rule 2>/dev/null").status, 2);
}

// The analysis time budget: 20,000 statements cannot be checked in 1 ms, so the budget stops the
// rules part way and says where; with the default budget the same file is checked to the end.
TEST_F(Cli, TimeBudgetStopsTheAnalysisWithAWarning) {
  std::string sql;
  for (int i = 0; i < 20000; ++i) sql += "CREATE INDEX ix_" + std::to_string(i) + " ON users (c" + std::to_string(i) + ");\n";
  write("big/m.sql", sql);
  auto count = [](const nlohmann::json& j, const std::string& rule) {
    int n = 0;
    for (const auto& d : j["files"][0]["diagnostics"]) n += d["rule"] == rule;
    return n;
  };
  nlohmann::json full = nlohmann::json::parse(run(bin() + " check --format json " + (dir_ / "big").string() + " 2>/dev/null").out);
  EXPECT_EQ(count(full, "analysis-time-budget"), 0);
  EXPECT_EQ(count(full, "require-concurrent-index-creation"), 20000);

  write("big/zerolock.toml", "analysis_time_budget_ms = 1\n");
  CommandResult r = run(bin() + " check --format json " + (dir_ / "big").string() + " 2>/dev/null");
  nlohmann::json cut = nlohmann::json::parse(r.out);
  EXPECT_EQ(count(cut, "analysis-time-budget"), 1);
  for (const auto& d : cut["files"][0]["diagnostics"])
    if (d["rule"] == "analysis-time-budget") EXPECT_EQ(d["severity"], "warning");
  EXPECT_LT(count(cut, "require-concurrent-index-creation"), 20000);

  // A budget that is not a positive number of milliseconds is a configuration error (exit 2).
  write("big/zerolock.toml", "analysis_time_budget_ms = 0\n");
  CommandResult bad = run(bin() + " check " + (dir_ / "big").string() + " 2>&1");
  EXPECT_EQ(bad.status, 2);
  EXPECT_NE(bad.out.find("analysis_time_budget_ms must be"), std::string::npos) << bad.out;
}
