// The trickier rule logic: DO-block bodies (PL/pgSQL), transaction grouping, version-aware rules
// and constraints followed through the migration.
#include <gtest/gtest.h>

#include "sql/statement_parser.h"
#include "test_support.h"

using namespace zerolock;
using zerolock::testing::analyze_text;
using zerolock::testing::count_rule;

namespace {

Config with_version(int v) {
  Config c;
  c.pg_version = v;
  return c;
}

const char* kBatchedLoop =
    "DO $$\nDECLARE n int;\nBEGIN\n  LOOP\n    UPDATE users SET plan = 'free' WHERE id IN (SELECT id FROM users WHERE plan "
    "IS NULL LIMIT 1000);\n    GET DIAGNOSTICS n = ROW_COUNT;\n    EXIT WHEN n = 0;\n%s  END LOOP;\n  DELETE FROM "
    "audit;\nEND $$;";

std::string batched_loop(bool commit) {
  char buffer[1024];
  std::snprintf(buffer, sizeof buffer, kBatchedLoop, commit ? "    COMMIT;\n" : "");
  return buffer;
}

}  // namespace

TEST(RulesDoBlock, BodyIsParsedAsPlpgsql) {
  ParsedStatement p = sql::parse_statement(batched_loop(false));
  ASSERT_FALSE(p.error);
  ASSERT_EQ(p.ops.size(), 1u);
  const Operation& op = p.ops.front();
  EXPECT_EQ(op.kind, OpKind::DoBlock);
  EXPECT_TRUE(op.body_parsed);
  EXPECT_FALSE(op.body_commits);
  ASSERT_EQ(op.body_ops.size(), 2u);
  EXPECT_EQ(op.body_ops[0].kind, OpKind::Update);
  EXPECT_TRUE(op.body_ops[0].in_loop);
  EXPECT_TRUE(op.body_ops[0].has_where);
  EXPECT_EQ(op.body_ops[0].table.name, "users");
  EXPECT_EQ(op.body_ops[1].kind, OpKind::Delete);
  EXPECT_FALSE(op.body_ops[1].in_loop);
  EXPECT_TRUE(sql::parse_statement(batched_loop(true)).ops.front().body_commits);
}

TEST(RulesDoBlock, ConstantExecuteAndOtherLanguages) {
  ParsedStatement p = sql::parse_statement("DO $body$ BEGIN EXECUTE 'UPDATE t SET a = ''x'''; END $body$;");
  ASSERT_EQ(p.ops.front().body_ops.size(), 1u);
  EXPECT_EQ(p.ops.front().body_ops[0].kind, OpKind::Update);
  EXPECT_EQ(p.ops.front().body_ops[0].string_literals, std::vector<std::string>{"x"});
  // A body containing the wrapper's own dollar tag still parses.
  EXPECT_TRUE(sql::parse_statement("DO $$ BEGIN RAISE NOTICE '$zl$'; UPDATE t SET a = 1; END $$;").ops.front().body_parsed);
  EXPECT_FALSE(sql::parse_statement("DO LANGUAGE plpython3u $$ pass $$;").ops.front().body_parsed);
  EXPECT_FALSE(sql::parse_statement("DO $$ BEGIN this is not plpgsql END $$;").ops.front().body_parsed);
}

TEST(RulesUnbatchedBackfill, LoopInOneDoBlockIsOneTransaction) {
  // Without COMMIT: one transaction, reported (the DELETE without WHERE would be reported too, once per block).
  EXPECT_EQ(count_rule(analyze_text(batched_loop(false)), "unbatched-backfill"), 1u);
  // With COMMIT outside a transaction block: each batch commits; the trailing DELETE without WHERE is still whole-table.
  EXPECT_EQ(count_rule(analyze_text(batched_loop(true)), "unbatched-backfill"), 1u);
  std::string only_loop = "DO $$ BEGIN LOOP UPDATE users SET a = 1 WHERE id < 10; COMMIT; EXIT; END LOOP; END $$;";
  EXPECT_EQ(count_rule(analyze_text(only_loop), "unbatched-backfill"), 0u);
  // The same block inside BEGIN: its COMMIT fails, one transaction.
  EXPECT_EQ(count_rule(analyze_text("BEGIN;\n" + only_loop + "\nCOMMIT;"), "unbatched-backfill"), 1u);
  // Tables created by the migration are not reported.
  EXPECT_EQ(count_rule(analyze_text("CREATE TABLE users (a int);\nUPDATE users SET a = 1;\n" + only_loop), "unbatched-backfill"), 0u);
}

TEST(RulesEnumValue, VersionAware) {
  std::string add_only = "BEGIN;\nALTER TYPE mood ADD VALUE 'meh';\nCOMMIT;";
  EXPECT_EQ(count_rule(analyze_text(add_only, "m.sql", with_version(11)), "enum-value-in-transaction"), 1u);
  EXPECT_EQ(count_rule(analyze_text(add_only, "m.sql", with_version(11)), "concurrent-index-in-transaction"), 0u);
  EXPECT_EQ(count_rule(analyze_text(add_only, "m.sql", with_version(12)), "enum-value-in-transaction"), 0u);
  std::string add_and_use = "BEGIN;\nALTER TYPE mood ADD VALUE 'meh';\nINSERT INTO people (mood) VALUES ('meh');\nCOMMIT;";
  EXPECT_EQ(count_rule(analyze_text(add_and_use, "m.sql", with_version(15)), "enum-value-in-transaction"), 1u);
  // Committed in between: fine.
  std::string committed = "BEGIN;\nALTER TYPE mood ADD VALUE 'meh';\nCOMMIT;\nINSERT INTO people (mood) VALUES ('meh');";
  EXPECT_EQ(count_rule(analyze_text(committed, "m.sql", with_version(15)), "enum-value-in-transaction"), 0u);
}

TEST(RulesSettingNotNull, ValidatedCheckSkipsTheScanFrom12) {
  std::string safe =
      "ALTER TABLE t ADD CONSTRAINT c CHECK (a IS NOT NULL) NOT VALID;\nALTER TABLE t VALIDATE CONSTRAINT c;\n"
      "ALTER TABLE t ALTER COLUMN a SET NOT NULL;";
  EXPECT_EQ(count_rule(analyze_text(safe, "m.sql", with_version(12)), "setting-not-null"), 0u);
  EXPECT_EQ(count_rule(analyze_text(safe, "m.sql", with_version(11)), "setting-not-null"), 1u);
  // Not validated: still scans.
  std::string unvalidated =
      "ALTER TABLE t ADD CONSTRAINT c CHECK (a IS NOT NULL) NOT VALID;\nALTER TABLE t ALTER COLUMN a SET NOT NULL;";
  EXPECT_EQ(count_rule(analyze_text(unvalidated), "setting-not-null"), 1u);
  // A check on another column proves nothing.
  std::string other = "ALTER TABLE t ADD CONSTRAINT c CHECK (b IS NOT NULL);\nALTER TABLE t ALTER COLUMN a SET NOT NULL;";
  EXPECT_EQ(count_rule(analyze_text(other), "setting-not-null"), 1u);
}

TEST(RulesTransactions, ImpliedToolTransactionAndLockOrder) {
  // Flyway wraps the file in one transaction: the ADD COLUMN's lock is held through the backfill.
  std::string file = "ALTER TABLE users ADD COLUMN plan text;\nUPDATE users SET plan = 'free' WHERE id < 100;";
  EXPECT_EQ(count_rule(analyze_text(file, "db/migration/V2__plan.sql"), "long-transaction-holding-lock"), 1u);
  EXPECT_EQ(count_rule(analyze_text(file, "plain.sql"), "long-transaction-holding-lock"), 0u);
  // One foreign key locks two tables in one statement: not a lock-order finding.
  std::string fk = "BEGIN;\nALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;\nCOMMIT;";
  EXPECT_EQ(count_rule(analyze_text(fk), "lock-order-deadlock-risk"), 0u);
  std::string two = "BEGIN;\nALTER TABLE a ADD COLUMN x int;\nALTER TABLE b ADD COLUMN x int;\nALTER TABLE c ADD COLUMN x int;\nCOMMIT;";
  EXPECT_EQ(count_rule(analyze_text(two), "lock-order-deadlock-risk"), 1u);
  // A table the migration created does not count.
  std::string created = "BEGIN;\nCREATE TABLE b (x int);\nALTER TABLE a ADD COLUMN x int;\nALTER TABLE b ADD COLUMN y int;\nCOMMIT;";
  EXPECT_EQ(count_rule(analyze_text(created), "lock-order-deadlock-risk"), 0u);
}

TEST(RulesColumnType, BinaryCompatibleChangesAreQuiet) {
  // The current type is known from the migration itself: widening varchar does not rewrite.
  std::string widen = "ALTER TABLE t ADD COLUMN a varchar(10);\nALTER TABLE t ALTER COLUMN a TYPE varchar(20);";
  EXPECT_EQ(count_rule(analyze_text(widen), "changing-column-type"), 0u);
  std::string to_int = "ALTER TABLE t ADD COLUMN a varchar(10);\nALTER TABLE t ALTER COLUMN a TYPE integer USING a::integer;";
  EXPECT_EQ(count_rule(analyze_text(to_int), "changing-column-type"), 1u);
  Analysis unknown = analyze_text("ALTER TABLE t ALTER COLUMN a TYPE varchar(20);");
  ASSERT_EQ(count_rule(unknown, "changing-column-type"), 1u);
  for (const Diagnostic& d : unknown.diagnostics)
    if (d.rule == "changing-column-type") EXPECT_EQ(d.severity, Severity::Warning);
  EXPECT_EQ(count_rule(analyze_text("ALTER TABLE t ALTER COLUMN a TYPE bigint USING a::bigint;"), "changing-column-type"), 1u);
}
