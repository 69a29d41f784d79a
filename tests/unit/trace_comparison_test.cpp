// zerolock trace's judgement of predicted vs observed (server/cli/trace/lock_comparison.h), on
// hand-made catalog snapshots; tests/trace/ checks the same against a real PostgreSQL 15.
#include <gtest/gtest.h>

#include <memory>

#include "server/cli/trace/lock_comparison.h"
#include "sql/statement_parser.h"

namespace zerolock::trace {
namespace {

Statement statement(const char* sql) {
  Statement s;
  s.parsed = std::make_shared<ParsedStatement>(sql::parse_statement(sql));
  return s;
}

StatementFacts predicting(std::vector<std::pair<std::string, LockMode>> locks, bool rewrite = false) {
  StatementFacts f;
  for (auto& [rel, mode] : locks) f.effect.locks.push_back({rel, mode, RelationRole::Table});
  f.effect.rewrite = rewrite;
  return f;
}

Relations fixture() {
  return {{"100", {"accounts", 'r', "500", ""}},
          {"101", {"accounts_pkey", 'i', "501", "accounts"}},
          {"102", {"orders", 'r', "502", ""}},
          {"103", {"app.events", 'r', "503", ""}}};
}

const LockRow* row(const std::vector<LockRow>& rows, const std::string& relation) {
  for (const LockRow& r : rows)
    if (r.relation == relation) return &r;
  return nullptr;
}

TEST(TraceComparison, ObservedEqualsPredicted) {
  auto rows = compare_locks(statement("CREATE INDEX ix ON accounts (email)"), predicting({{"accounts", LockMode::Share}}),
                            fixture(), {}, {{"100", LockMode::Share, true}, {"100", LockMode::AccessShare, true}});
  const LockRow* r = row(rows, "accounts");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->observed, LockMode::Share);  // the strongest newly granted mode
  EXPECT_FALSE(r->mismatch());
}

TEST(TraceComparison, DifferentModeIsAMismatch) {
  auto rows = compare_locks(statement("ALTER TABLE accounts ADD COLUMN x int"),
                            predicting({{"accounts", LockMode::AccessExclusive}}), fixture(), {},
                            {{"100", LockMode::ShareUpdateExclusive, true}});
  ASSERT_NE(row(rows, "accounts"), nullptr);
  EXPECT_TRUE(row(rows, "accounts")->mismatch());
}

TEST(TraceComparison, NamedRelationWithoutPredictionIsAMismatch) {
  auto rows = compare_locks(statement("ALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (a) REFERENCES accounts (id)"),
                            predicting({{"orders", LockMode::ShareRowExclusive}}), fixture(), {},
                            {{"102", LockMode::ShareRowExclusive, true}, {"100", LockMode::ShareRowExclusive, true}});
  ASSERT_NE(row(rows, "accounts"), nullptr);  // the referenced table is named by the statement
  EXPECT_EQ(row(rows, "accounts")->predicted, LockMode::None);
  EXPECT_TRUE(row(rows, "accounts")->mismatch());
  EXPECT_FALSE(row(rows, "orders")->mismatch());
}

TEST(TraceComparison, ModeHeldSinceAnEarlierStatementIsNotJudged) {
  auto rows = compare_locks(statement("ALTER TABLE accounts ALTER COLUMN balance TYPE bigint"),
                            predicting({{"accounts", LockMode::AccessExclusive}}), fixture(),
                            {{"100", LockMode::AccessExclusive, true}}, {{"100", LockMode::AccessExclusive, true}});
  const LockRow* r = row(rows, "accounts");
  ASSERT_NE(r, nullptr);
  EXPECT_TRUE(r->already_held);
  EXPECT_FALSE(r->mismatch());
  // Held before, but the statement needs a stronger mode it did not get: still a mismatch.
  rows = compare_locks(statement("ALTER TABLE accounts ALTER COLUMN balance TYPE bigint"),
                       predicting({{"accounts", LockMode::AccessExclusive}}), fixture(), {{"100", LockMode::Share, true}},
                       {{"100", LockMode::Share, true}});
  EXPECT_TRUE(row(rows, "accounts")->mismatch());
}

TEST(TraceComparison, UnnamedRelationsAreListedNotJudged) {
  auto rows = compare_locks(statement("ALTER TABLE accounts ALTER COLUMN balance TYPE bigint"),
                            predicting({{"accounts", LockMode::AccessExclusive}}), fixture(), {},
                            {{"100", LockMode::AccessExclusive, true}, {"101", LockMode::AccessExclusive, true}});
  const LockRow* r = row(rows, "accounts_pkey");
  ASSERT_NE(r, nullptr);
  EXPECT_FALSE(r->compared);
  EXPECT_FALSE(r->mismatch());
}

TEST(TraceComparison, NamesAreFolded) {
  EXPECT_EQ(fold_relation("\"Public\".\"Accounts\""), "accounts");
  EXPECT_EQ(fold_relation("app.Events"), "app.events");
  auto rows = compare_locks(statement("LOCK TABLE app.events"), predicting({{"APP.EVENTS", LockMode::AccessExclusive}}),
                            fixture(), {}, {{"103", LockMode::AccessExclusive, true}});
  ASSERT_NE(row(rows, "app.events"), nullptr);
  EXPECT_FALSE(row(rows, "app.events")->mismatch());
}

TEST(TraceComparison, RelationCreatedByTheStatementIsNotJudged) {
  auto rows = compare_locks(statement("DROP INDEX IF EXISTS nothing"), predicting({{"nothing", LockMode::AccessExclusive}}),
                            fixture(), {}, {});
  ASSERT_NE(row(rows, "nothing"), nullptr);
  EXPECT_FALSE(row(rows, "nothing")->exists);
  EXPECT_FALSE(row(rows, "nothing")->mismatch());
}

TEST(TraceComparison, RewriteAndTruncateFromRelfilenodes) {
  Relations after = fixture();
  after["100"].filenode = "900";
  after["101"].filenode = "901";
  StorageChanges rewrite = storage_changes(statement("ALTER TABLE accounts ALTER COLUMN balance TYPE bigint"), fixture(), after);
  EXPECT_EQ(rewrite.rewritten, (std::vector<std::string>{"accounts", "accounts_pkey"}));
  EXPECT_TRUE(rewrite.truncated.empty());
  StorageChanges truncate = storage_changes(statement("TRUNCATE accounts"), fixture(), after);
  EXPECT_TRUE(truncate.rewritten.empty());  // new empty files, and the indexes of a truncated table follow it
  EXPECT_EQ(truncate.truncated, (std::vector<std::string>{"accounts"}));
  after.erase("102");  // dropped: neither
  EXPECT_EQ(storage_changes(statement("DROP TABLE orders"), fixture(), after).rewritten.size(), 2u);
}

}  // namespace
}  // namespace zerolock::trace
