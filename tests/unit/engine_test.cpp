#include <gtest/gtest.h>

#include "test_support.h"

using namespace zerolock;
using zerolock::testing::analyze_text;
using zerolock::testing::count_rule;

TEST(Engine, SyntaxErrorDoesNotStopAnalysisOfOtherStatements) {
  Analysis a = analyze_text("CREATE INDEX a ON t (x);\nSELEC 1;\nCREATE INDEX b ON t (y);\n");
  EXPECT_EQ(count_rule(a, "syntax-error"), 1u);
  EXPECT_EQ(count_rule(a, "require-concurrent-index-creation"), 2u);
}

TEST(Engine, ExplicitTransactionAndRelatedInformation) {
  Analysis a = analyze_text("BEGIN;\nCREATE INDEX CONCURRENTLY a ON t (x);\nCOMMIT;\nCREATE INDEX CONCURRENTLY b ON t (y);\n");
  ASSERT_EQ(count_rule(a, "concurrent-index-in-transaction"), 1u);
  for (const Diagnostic& d : a.diagnostics) {
    if (d.rule != "concurrent-index-in-transaction") continue;
    EXPECT_EQ(d.statement, 1);
    ASSERT_EQ(d.related.size(), 1u);
    EXPECT_EQ(d.related[0].range.begin, 0u);  // the BEGIN
  }
  EXPECT_EQ(a.facts[1].transaction_ends_at, 2);
}

TEST(Engine, FlywayWrapsInTransactionUnlessAllStatementsAreNonTransactional) {
  EXPECT_EQ(count_rule(analyze_text("CREATE INDEX CONCURRENTLY a ON t (x);", "V2__idx.sql"), "concurrent-index-in-transaction"), 0u);
  EXPECT_EQ(count_rule(analyze_text("CREATE TABLE x (id int);\nCREATE INDEX CONCURRENTLY a ON t (x);", "V2__idx.sql"),
                       "concurrent-index-in-transaction"),
            1u);
  EXPECT_EQ(count_rule(analyze_text("CREATE TABLE x (id int);\nCREATE INDEX CONCURRENTLY a ON t (x);", "plain.sql"),
                       "concurrent-index-in-transaction"),
            0u);
}

TEST(Engine, TablesCreatedInTheMigrationAreNotReported) {
  Analysis a = analyze_text(
      "CREATE TABLE t (id int);\nCREATE INDEX a ON t (id);\nALTER TABLE t ADD COLUMN c int NOT NULL;\nCREATE INDEX b ON u (id);");
  EXPECT_EQ(count_rule(a, "require-concurrent-index-creation"), 1u);
  EXPECT_EQ(count_rule(a, "adding-not-nullable-column"), 0u);
}

TEST(Engine, LockTimeoutTracking) {
  EXPECT_EQ(count_rule(analyze_text("SET lock_timeout = '2s';\nALTER TABLE t ADD COLUMN c int;"), "missing-lock-timeout"), 0u);
  EXPECT_EQ(count_rule(analyze_text("ALTER TABLE t ADD COLUMN c int;\nSET lock_timeout = '2s';"), "missing-lock-timeout"), 1u);
  EXPECT_EQ(count_rule(analyze_text("SET lock_timeout = 0;\nALTER TABLE t ADD COLUMN c int;"), "missing-lock-timeout"), 1u);
  // SET LOCAL lasts until the end of its transaction only.
  EXPECT_EQ(count_rule(analyze_text("BEGIN;\nSET LOCAL lock_timeout = '1s';\nALTER TABLE t ADD COLUMN c int;\nCOMMIT;\n"
                                    "ALTER TABLE t ADD COLUMN d int;"),
                       "missing-lock-timeout"),
            1u);
  // A SHARE UPDATE EXCLUSIVE lock is not reported.
  EXPECT_EQ(count_rule(analyze_text("CREATE INDEX CONCURRENTLY a ON t (x);"), "missing-lock-timeout"), 0u);
}

TEST(Engine, SuppressionComments) {
  EXPECT_EQ(count_rule(analyze_text("-- zerolock-disable-next-line require-concurrent-index-creation\n"
                                    "CREATE INDEX a ON t (x);\nCREATE INDEX b ON t (x);"),
                       "require-concurrent-index-creation"),
            1u);
  EXPECT_EQ(count_rule(analyze_text("CREATE INDEX a ON t (x);\n/* zerolock-disable require-concurrent-index-creation */\n"
                                    "CREATE INDEX b ON t (x);"),
                       "require-concurrent-index-creation"),
            0u);
  // Another rule's suppression does not hide this one.
  EXPECT_EQ(count_rule(analyze_text("-- zerolock-disable-next-line missing-lock-timeout\nCREATE INDEX a ON t (x);"),
                       "require-concurrent-index-creation"),
            1u);
}

TEST(Engine, ConfigDisablesRulesAndScalesSeverityByTableSize) {
  Config config;
  config.rules["require-concurrent-index-creation"].enabled = false;
  EXPECT_EQ(count_rule(analyze_text("CREATE INDEX a ON t (x);", "m.sql", config), "require-concurrent-index-creation"), 0u);

  Config sizes;
  sizes.table_rows["tiny"] = 100;
  Analysis a = analyze_text("CREATE INDEX a ON tiny (x);", "m.sql", sizes);
  for (const Diagnostic& d : a.diagnostics)
    if (d.rule == "require-concurrent-index-creation") EXPECT_EQ(d.severity, Severity::Info);
}

TEST(Engine, PgVersionChangesFindings) {
  Config pg10;
  pg10.pg_version = 11;
  EXPECT_EQ(count_rule(analyze_text("ALTER TABLE t ADD COLUMN c int NOT NULL DEFAULT 0;", "m.sql", pg10), "adding-not-nullable-column"), 0u);
  EXPECT_EQ(count_rule(analyze_text("ALTER TABLE t ADD COLUMN c int NOT NULL DEFAULT random();", "m.sql", pg10),
                       "adding-not-nullable-column"),
            1u);
}
