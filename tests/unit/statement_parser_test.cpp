#include "sql/statement_parser.h"

#include <gtest/gtest.h>

using namespace zerolock;

TEST(StatementParser, AlterTableSubcommandsGetTheirOwnRanges) {
  std::string text = "ALTER TABLE public.users ADD COLUMN a int NOT NULL DEFAULT now(), ALTER COLUMN b SET NOT NULL;";
  ParsedStatement p = sql::parse_statement(text);
  ASSERT_FALSE(p.error);
  ASSERT_EQ(p.ops.size(), 2u);
  EXPECT_EQ(p.ops[0].kind, OpKind::AddColumn);
  EXPECT_EQ(p.ops[0].table.display(), "public.users");
  ASSERT_TRUE(p.ops[0].column_spec);
  EXPECT_TRUE(p.ops[0].column_spec->not_null);
  EXPECT_EQ(p.ops[0].column_spec->default_volatility, Volatility::Stable);
  EXPECT_EQ(text.substr(p.ops[0].range.begin, p.ops[0].range.size()), "ADD COLUMN a int NOT NULL DEFAULT now()");
  EXPECT_EQ(p.ops[1].kind, OpKind::SetNotNull);
  EXPECT_EQ(p.ops[1].column, "b");
  EXPECT_EQ(text.substr(p.ops[1].range.begin, p.ops[1].range.size()), "ALTER COLUMN b SET NOT NULL");
}

TEST(StatementParser, VolatileDefaultsAndSerials) {
  auto vol = [](const std::string& sql) {
    ParsedStatement p = sql::parse_statement(sql);
    EXPECT_FALSE(p.error) << sql;
    return p.ops.at(0).column_spec->default_volatility;
  };
  EXPECT_EQ(vol("ALTER TABLE t ADD COLUMN c uuid DEFAULT gen_random_uuid()"), Volatility::Volatile);
  EXPECT_EQ(vol("ALTER TABLE t ADD COLUMN c float DEFAULT random()"), Volatility::Volatile);
  EXPECT_EQ(vol("ALTER TABLE t ADD COLUMN c timestamptz DEFAULT CURRENT_TIMESTAMP"), Volatility::Stable);
  EXPECT_EQ(vol("ALTER TABLE t ADD COLUMN c int DEFAULT 42"), Volatility::Immutable);
  EXPECT_EQ(vol("ALTER TABLE t ADD COLUMN c int DEFAULT my_func()"), Volatility::Unknown);
  EXPECT_EQ(vol("ALTER TABLE t ADD COLUMN c bigserial"), Volatility::Volatile);
}

TEST(StatementParser, IndexDropRenameTransactionAndSet) {
  ParsedStatement idx = sql::parse_statement("CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS ix ON s.t USING gin (a) WHERE b > 1");
  ASSERT_EQ(idx.ops.size(), 1u);
  EXPECT_EQ(idx.ops[0].kind, OpKind::CreateIndex);
  EXPECT_TRUE(idx.ops[0].concurrently);
  EXPECT_TRUE(idx.ops[0].index->unique);
  EXPECT_TRUE(idx.ops[0].index->partial);
  EXPECT_EQ(idx.ops[0].table.display(), "s.t");

  ParsedStatement drop = sql::parse_statement("DROP INDEX CONCURRENTLY IF EXISTS a.b");
  EXPECT_EQ(drop.ops.at(0).kind, OpKind::DropIndex);
  EXPECT_EQ(drop.ops[0].object.display(), "a.b");
  EXPECT_TRUE(drop.ops[0].concurrently);

  ParsedStatement rename = sql::parse_statement("ALTER TABLE a RENAME COLUMN b TO c");
  EXPECT_EQ(rename.ops.at(0).kind, OpKind::RenameColumn);
  EXPECT_EQ(rename.ops[0].new_name, "c");

  EXPECT_EQ(sql::parse_statement("BEGIN").ops.at(0).kind, OpKind::Begin);
  EXPECT_EQ(sql::parse_statement("COMMIT").ops.at(0).kind, OpKind::Commit);

  ParsedStatement set = sql::parse_statement("SET LOCAL lock_timeout = '5s'");
  ASSERT_TRUE(set.ops.at(0).setting);
  EXPECT_EQ(set.ops[0].setting->name, "lock_timeout");
  EXPECT_EQ(set.ops[0].setting->value, "5s");
  EXPECT_TRUE(set.ops[0].setting->is_local);
  EXPECT_FALSE(set.ops[0].setting->disables_timeout());
  EXPECT_TRUE(sql::parse_statement("SET lock_timeout = 0").ops.at(0).setting->disables_timeout());
}

TEST(StatementParser, SyntaxErrorHasByteOffsetAfterMultiByteText) {
  // FRM parses as a column alias, so the error is at the final "t": character 20, byte 22.
  std::string text = "SELECT 'é', 'ü' FRM t";
  ParsedStatement p = sql::parse_statement(text);
  ASSERT_TRUE(p.error);
  EXPECT_EQ(p.error->offset, text.rfind('t')) << p.error->message;
}
