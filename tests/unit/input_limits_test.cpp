// Limits (analysis/text/input_limits.h): deeply nested changelogs and Python revisions are
// reported with a syntax-error diagnostic instead of recursing until the stack dies; deep SQL
// parentheses hit libpg_query's own stack-depth check; a file over the document size limit is
// reported by the CLI (exit status 2) while the other files are still checked.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "test_support.h"
#include "text/input_limits.h"

namespace fs = std::filesystem;
using zerolock::Analysis;
using zerolock::testing::analyze_text;

namespace {

std::string repeat(const std::string& s, size_t n) {
  std::string out;
  out.reserve(s.size() * n);
  for (size_t i = 0; i < n; ++i) out += s;
  return out;
}

const zerolock::Diagnostic* find_rule(const Analysis& a, const std::string& rule) {
  for (const auto& d : a.diagnostics)
    if (d.rule == rule) return &d;
  return nullptr;
}

void expect_too_deep(const Analysis& a) {
  const auto* d = find_rule(a, "syntax-error");
  ASSERT_NE(d, nullptr) << "no syntax-error diagnostic";
  EXPECT_NE(d->message.find("nesting deeper than 200 levels"), std::string::npos) << d->message;
}

constexpr size_t kDeep = 100000;  // far past any stack when recursed into

}  // namespace

TEST(InputLimits, DeepJsonChangelogIsReported) {
  std::string text = R"({"databaseChangeLog": [)" + repeat("[", kDeep) + repeat("]", kDeep) + "]}";
  expect_too_deep(analyze_text(text, "db/changelog.json"));
}

TEST(InputLimits, DeepXmlChangelogIsReported) {
  std::string text = "<databaseChangeLog>" + repeat("<a>", kDeep) + repeat("</a>", kDeep) + "</databaseChangeLog>";
  expect_too_deep(analyze_text(text, "db/changelog.xml"));
}

TEST(InputLimits, DeepYamlFlowChangelogIsReported) {
  std::string text = "databaseChangeLog: " + repeat("[", kDeep) + repeat("]", kDeep) + "\n";
  expect_too_deep(analyze_text(text, "db/changelog.yaml"));
}

TEST(InputLimits, DeepYamlBlockChangelogIsReported) {
  std::string text = "databaseChangeLog:\n  " + repeat("- ", kDeep) + "x\n";
  expect_too_deep(analyze_text(text, "db/changelog.yaml"));
}

TEST(InputLimits, DeepPythonIsReported) {
  std::string head = "from alembic import op\nrevision = '1'\ndown_revision = None\n\ndef upgrade():\n    x = ";
  expect_too_deep(analyze_text(head + repeat("(", kDeep) + "1" + repeat(")", kDeep) + "\n", "versions/0001_a.py"));
  expect_too_deep(analyze_text(head + repeat("-", kDeep) + "1\n", "versions/0001_b.py"));
  expect_too_deep(analyze_text(head + repeat("not ", kDeep) + "1\n", "versions/0001_c.py"));
}

TEST(InputLimits, ModerateNestingIsStillAnalysed) {
  // 150 levels is under the limit: no nesting report (the readers may still find other errors).
  std::string json = R"({"databaseChangeLog": [)" + repeat("[", 150) + repeat("]", 150) + "]}";
  Analysis a = analyze_text(json, "db/changelog.json");
  for (const auto& d : a.diagnostics) EXPECT_EQ(d.message.find("nesting deeper"), std::string::npos) << d.message;
}

TEST(InputLimits, NoFixtureTripsTheNestingPrescan) {
  // Guards against false positives: every real changelog and revision in the fixtures passes.
  const char* env = std::getenv("ZEROLOCK_SOURCE_DIR");
  fs::path root = fs::path(env ? env : ZEROLOCK_SOURCE_DIR) / "tests/fixtures";
  size_t checked = 0;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    if (!e.is_regular_file()) continue;
    std::ifstream in(e.path(), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    std::string text = ss.str();
    std::string ext = e.path().extension().string();
    std::optional<zerolock::limits::TooDeep> deep;
    if (ext == ".json") deep = zerolock::limits::json_too_deep(text, 20);
    else if (ext == ".xml") deep = zerolock::limits::xml_too_deep(text, 20);
    else if (ext == ".yaml" || ext == ".yml") deep = zerolock::limits::yaml_too_deep(text, 20);
    else if (ext == ".py") deep = zerolock::limits::python_too_deep(text, 20);
    else continue;
    ++checked;
    EXPECT_FALSE(deep) << e.path() << " reported at depth 20, byte " << deep->offset;
  }
  EXPECT_GT(checked, 10u);
}

TEST(InputLimits, DeepSqlParenthesesAreASyntaxErrorNotACrash) {
  std::string text = "SELECT " + repeat("(", kDeep) + "1" + repeat(")", kDeep) + ";\n";
  Analysis a = analyze_text(text, "migrations/0001_deep.sql");
  const auto* d = find_rule(a, "syntax-error");
  ASSERT_NE(d, nullptr);
  // libpg_query reports either its stack-depth check or bison's "memory exhausted": an error, never a crash.
  EXPECT_TRUE(d->message.find("stack depth") != std::string::npos || d->message.find("memory exhausted") != std::string::npos)
      << d->message;
}

TEST(InputLimits, CliReportsAFileOverTheSizeLimitAndChecksTheOthers) {
  fs::path dir = fs::temp_directory_path() / ("zerolock_limits_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  {
    std::ofstream big(dir / "0001_big.sql", std::ios::binary);
    std::string line = "SELECT 1;\n";
    for (size_t written = 0; written <= zerolock::limits::kMaxDocumentBytes; written += line.size()) big << line;
    std::ofstream(dir / "0002_small.sql") << "CREATE INDEX ix ON users (email);\n";
  }
  std::string command = std::string(ZEROLOCK_BINARY) + " check --format json --no-config " + (dir / "0001_big.sql").string() +
                        " " + (dir / "0002_small.sql").string() + " 2>" + (dir / "stderr.txt").string();
  FILE* pipe = popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string out;
  std::array<char, 4096> buf{};
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0) out.append(buf.data(), n);
  int status = pclose(pipe);
  std::ifstream err_in(dir / "stderr.txt");
  std::stringstream err;
  err << err_in.rdbuf();
  fs::remove_all(dir);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 2);
  EXPECT_NE(err.str().find("0001_big.sql: file is 16.0 MB, more than the 16 MB"), std::string::npos) << err.str();
  auto report = nlohmann::json::parse(out);
  ASSERT_EQ(report["files"].size(), 1u);
  EXPECT_NE(report["files"][0]["path"].get<std::string>().find("0002_small.sql"), std::string::npos);
  EXPECT_FALSE(report["files"][0]["diagnostics"].empty());
}
