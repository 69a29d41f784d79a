// Flyway, golang-migrate, dbmate and Diesel conventions.
#include <gtest/gtest.h>

#include "engine/conventions.h"
#include "support.h"

namespace zerolock {
namespace {
using lbtest::analyze;
using lbtest::count;

std::filesystem::path flyway_dir() { return lbtest::fixtures() / "flyway"; }

Analysis analyze_fixture(const std::filesystem::path& p) { return analyze(lbtest::read_file(p), p.string()); }

TEST(Placeholders, SameLengthIdentifiers) {
  std::string in = "CREATE INDEX ix_${table} ON ${flyway:defaultSchema}.users (a);";
  std::string out = replace_placeholders(in);
  EXPECT_EQ(out.size(), in.size());
  EXPECT_EQ(out, "CREATE INDEX ix_table___ ON flyway_defaultSchema___.users (a);");
  EXPECT_EQ(replace_placeholders("no placeholders"), "no placeholders");
}

TEST(Flyway, PlaceholdersParseWithPositionsKept) {
  auto p = flyway_dir() / "flyway" / "V5__placeholders.sql";
  std::string text = lbtest::read_file(p);
  Analysis a = analyze(text, p.string());
  EXPECT_EQ(a.migration.tool, MigrationTool::Flyway);
  EXPECT_EQ(count(a, "syntax-error"), 0u);
  ASSERT_EQ(a.migration.statements.size(), 2u);
  EXPECT_EQ(text.substr(a.migration.statements[0].range.begin, 6), "CREATE");
  EXPECT_GE(count(a, "require-concurrent-index-creation"), 1u);
}

TEST(Flyway, MixedScriptReportedAtTheNonTransactionalStatement) {
  auto p = flyway_dir() / "flyway" / "V2__mixed.sql";
  std::string text = lbtest::read_file(p);
  Analysis a = analyze(text, p.string());
  const Diagnostic* d = lbtest::find(a, "flyway-mixed-transaction");
  ASSERT_TRUE(d);
  EXPECT_EQ(text.substr(d->range.begin, 25), "CREATE INDEX CONCURRENTLY");
}

TEST(Flyway, OnlyConcurrentRunsOutsideATransaction) {
  Analysis a = analyze_fixture(flyway_dir() / "flyway" / "V3__only_concurrent.sql");
  EXPECT_EQ(count(a, "flyway-mixed-transaction"), 0u);
  EXPECT_EQ(count(a, "concurrent-index-in-transaction"), 0u);
}

TEST(Flyway, ScriptConfigExecuteInTransactionFalse) {
  auto p = flyway_dir() / "flyway" / "V4__no_tx.sql";
  ToolConvention c = sql_tool_convention(p.string(), lbtest::read_file(p), Config{});
  EXPECT_FALSE(c.wraps_in_transaction);
  EXPECT_NE(c.transaction_source.find("executeInTransaction=false"), std::string::npos);
  Analysis a = analyze_fixture(p);
  EXPECT_EQ(count(a, "flyway-mixed-transaction"), 0u);
  EXPECT_EQ(count(a, "concurrent-index-in-transaction"), 0u);
}

TEST(Flyway, UndoFilesAndMissingUndo) {
  Analysis v1 = analyze_fixture(flyway_dir() / "flyway" / "V1__create_users.sql");
  EXPECT_EQ(count(v1, "missing-down-migration"), 0u);
  Analysis v2 = analyze_fixture(flyway_dir() / "flyway" / "V2__mixed.sql");
  EXPECT_EQ(count(v2, "missing-down-migration"), 1u);
  EXPECT_EQ(lbtest::find(v2, "missing-down-migration")->severity, Severity::Info);
  Analysis u1 = analyze_fixture(flyway_dir() / "flyway" / "U1__create_users.sql");
  ASSERT_FALSE(u1.migration.statements.empty());
  EXPECT_EQ(u1.migration.statements[0].section, Section::Downgrade);
}

TEST(GolangMigrate, MissingAndEmptyDown) {
  auto dir = flyway_dir() / "golang-migrate";
  EXPECT_EQ(count(analyze_fixture(dir / "0001_create_users.up.sql"), "missing-down-migration"), 0u);
  Analysis missing = analyze_fixture(dir / "0002_add_email.up.sql");
  ASSERT_EQ(count(missing, "missing-down-migration"), 1u);
  EXPECT_EQ(lbtest::find(missing, "missing-down-migration")->severity, Severity::Warning);
  Analysis empty = analyze_fixture(dir / "0003_add_name.up.sql");
  ASSERT_EQ(count(empty, "missing-down-migration"), 1u);
  EXPECT_EQ(lbtest::find(empty, "missing-down-migration")->severity, Severity::Info);
  Analysis down = analyze_fixture(dir / "0001_create_users.down.sql");
  ASSERT_FALSE(down.migration.statements.empty());
  EXPECT_EQ(down.migration.statements[0].section, Section::Downgrade);
  EXPECT_EQ(down.migration.tool, MigrationTool::GolangMigrate);
}

TEST(Dbmate, SectionsTransactionFalseAndDown) {
  auto p = flyway_dir() / "dbmate" / "20240101000000_add_index.sql";
  Analysis a = analyze_fixture(p);
  EXPECT_EQ(a.migration.tool, MigrationTool::Dbmate);
  ASSERT_EQ(a.migration.statements.size(), 2u);
  EXPECT_FALSE(a.migration.statements[0].in_transaction);
  EXPECT_EQ(a.migration.statements[0].section, Section::Upgrade);
  EXPECT_EQ(a.migration.statements[1].section, Section::Downgrade);
  EXPECT_TRUE(a.migration.statements[1].in_transaction);
  EXPECT_EQ(count(a, "missing-down-migration"), 0u);
  Analysis b = analyze_fixture(flyway_dir() / "dbmate" / "20240102000000_no_down.sql");
  EXPECT_EQ(count(b, "missing-down-migration"), 1u);
  EXPECT_EQ(count(b, "concurrent-index-in-transaction"), 1u);
}

TEST(Diesel, MetadataRunInTransactionFalse) {
  auto dir = flyway_dir() / "diesel" / "2024-01-01-000000_add_index";
  Analysis up = analyze_fixture(dir / "up.sql");
  EXPECT_EQ(up.migration.tool, MigrationTool::Diesel);
  EXPECT_FALSE(up.migration.tool_wraps_in_transaction);
  EXPECT_EQ(count(up, "concurrent-index-in-transaction"), 0u);
  EXPECT_EQ(count(up, "missing-down-migration"), 0u);
  Analysis down = analyze_fixture(dir / "down.sql");
  EXPECT_EQ(down.migration.statements.at(0).section, Section::Downgrade);
}

TEST(Conventions, SiblingFilesOutsideTheDirectoryAreNotRead) {
  // A script config name is only ever looked up next to the file.
  ToolConvention c = sql_tool_convention("/nonexistent/dir/V1__x.sql", "SELECT 1;", Config{});
  EXPECT_TRUE(c.wraps_in_transaction);
}

}  // namespace
}  // namespace zerolock
