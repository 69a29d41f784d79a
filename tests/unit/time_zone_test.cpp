// The session time zone and timestamp <-> timestamptz rewrites. The UTC / not-UTC verdicts below
// were observed on PostgreSQL 15 (SET LOCAL TIME ZONE v; ALTER COLUMN timestamp -> timestamptz;
// relfilenode compared); tests/pg_locks proves the catalogue's cases end to end.
#include <gtest/gtest.h>

#include "locks/time_zone.h"
#include "test_support.h"

using namespace zerolock;
using zerolock::testing::analyze_text;

TEST(TimeZone, ValuesPostgresTreatsAsUtc) {
  for (const char* v : {"UTC", "utc", "Etc/UTC", "GMT", "Etc/GMT", "Zulu", "UCT", "Universal", "Greenwich", "GMT0",
                        "Etc/GMT+0", "Etc/GMT-0", "UTC0", "UTC+0", "UTC-0", "<+00>0", "XYZ+00:00", "0", "+0", "-00:00",
                        " utc "})
    EXPECT_TRUE(time_zone_is_utc(v)) << v;
  for (const char* v : {"Africa/Abidjan", "Iceland", "Europe/London", "Etc/GMT+1", "UTC+1", "UTC0UTC", "GMT0BST", "1",
                        "WET", "posixrules", "EST", "", "Europe/Paris"})
    EXPECT_FALSE(time_zone_is_utc(v)) << v;
}

namespace {
// The rewrite flag zerolock gives the last statement of `sql` (after a CREATE TABLE it learns types from).
bool last_rewrites(const std::string& sql, int pg_version = 15) {
  Config config;
  config.pg_version = pg_version;
  Analysis a = analyze_text("CREATE TABLE t (a timestamp, b timestamptz, c timestamp);\nCREATE INDEX t_c_idx ON t (c);\n" + sql,
                            "m.sql", config);
  return a.facts.back().effect.rewrite;
}
}  // namespace

TEST(TimeZone, TimestampToTimestamptzRewritesUnlessTheMigrationSetsUtc) {
  EXPECT_TRUE(last_rewrites("ALTER TABLE t ALTER COLUMN a TYPE timestamptz;"));  // time zone unknown
  EXPECT_FALSE(last_rewrites("SET TIME ZONE 'UTC';\nALTER TABLE t ALTER COLUMN a TYPE timestamptz;"));
  EXPECT_FALSE(last_rewrites("SET timezone TO 'Etc/UTC';\nALTER TABLE t ALTER COLUMN b TYPE timestamp;"));
  EXPECT_FALSE(last_rewrites("SET TIME ZONE INTERVAL '+00:00' HOUR TO MINUTE;\nALTER TABLE t ALTER COLUMN a TYPE timestamptz;"));
  EXPECT_FALSE(last_rewrites("SET TIME ZONE 0;\nALTER TABLE t ALTER COLUMN a TYPE timestamptz;"));
  EXPECT_TRUE(last_rewrites("SET TIME ZONE 'Europe/Paris';\nALTER TABLE t ALTER COLUMN a TYPE timestamptz;"));
  EXPECT_TRUE(last_rewrites("SET TIME ZONE 'UTC';\nRESET timezone;\nALTER TABLE t ALTER COLUMN a TYPE timestamptz;"));
  EXPECT_TRUE(last_rewrites("SET TIME ZONE 'UTC';\nSET TIME ZONE DEFAULT;\nALTER TABLE t ALTER COLUMN a TYPE timestamptz;"));
  // An index on the column is still rebuilt under UTC.
  EXPECT_TRUE(last_rewrites("SET TIME ZONE 'UTC';\nALTER TABLE t ALTER COLUMN c TYPE timestamptz;"));
  // Before PostgreSQL 12 it always rewrites.
  EXPECT_TRUE(last_rewrites("SET TIME ZONE 'UTC';\nALTER TABLE t ALTER COLUMN a TYPE timestamptz;", 11));
  // A USING expression or a precision change is not the binary-compatible case.
  EXPECT_TRUE(last_rewrites("SET TIME ZONE 'UTC';\nALTER TABLE t ALTER COLUMN a TYPE timestamptz USING a;"));
  EXPECT_TRUE(last_rewrites("SET TIME ZONE 'UTC';\nALTER TABLE t ALTER COLUMN a TYPE timestamptz(0);"));
}

TEST(TimeZone, SetLocalEndsWithItsTransaction) {
  EXPECT_FALSE(last_rewrites("BEGIN;\nSET LOCAL TIME ZONE 'UTC';\nALTER TABLE t ALTER COLUMN a TYPE timestamptz;"));
  EXPECT_TRUE(last_rewrites("BEGIN;\nSET LOCAL TIME ZONE 'UTC';\nCOMMIT;\nALTER TABLE t ALTER COLUMN a TYPE timestamptz;"));
  // SET LOCAL over a session UTC: the session value comes back after COMMIT.
  EXPECT_FALSE(last_rewrites("SET TIME ZONE 'UTC';\nBEGIN;\nSET LOCAL TIME ZONE 'Europe/Paris';\nCOMMIT;\n"
                             "ALTER TABLE t ALTER COLUMN a TYPE timestamptz;"));
  EXPECT_TRUE(last_rewrites("SET TIME ZONE 'UTC';\nBEGIN;\nSET LOCAL TIME ZONE 'Europe/Paris';\n"
                            "ALTER TABLE t ALTER COLUMN a TYPE timestamptz;"));
}

TEST(TimeZone, ChangingColumnTypeSaysUnlessUtcAndIsQuietUnderUtc) {
  // An existing table (not created here, or the rule stays quiet) whose column type zerolock learns.
  const std::string table = "ALTER TABLE t ADD COLUMN a timestamp;\n";
  auto messages = [&](const std::string& sql) {
    std::vector<std::string> out;
    for (const Diagnostic& d : analyze_text(table + sql).diagnostics)
      if (d.rule == "changing-column-type") out.push_back(d.message);
    return out;
  };
  std::vector<std::string> unknown = messages("ALTER TABLE t ALTER COLUMN a TYPE timestamptz;");
  ASSERT_EQ(unknown.size(), 1u);
  EXPECT_NE(unknown[0].find("unless the session time zone is UTC"), std::string::npos) << unknown[0];
  EXPECT_TRUE(messages("SET TIME ZONE 'UTC';\nALTER TABLE t ALTER COLUMN a TYPE timestamptz;").empty());
}
