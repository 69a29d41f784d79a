#include "config/config.h"

#include <gtest/gtest.h>

using namespace zerolock;

TEST(Config, ParsesEveryOption) {
  auto r = parse_config(R"(
pg_version = 13
lock_timeout = "3s"
large_tables = ["events"]
[rules]
missing-lock-timeout = "off"
require-concurrent-index-creation = "warning"
[rules.adding-not-nullable-column]
severity = "info"
[tables]
Users = 5000000
)", "zerolock.toml");
  ASSERT_TRUE(std::holds_alternative<Config>(r)) << std::get<ConfigError>(r).message;
  const Config& c = std::get<Config>(r);
  EXPECT_EQ(c.pg_version, 13);
  EXPECT_EQ(c.lock_timeout, "3s");
  EXPECT_FALSE(c.rule_enabled("missing-lock-timeout", true));
  EXPECT_EQ(c.rules.at("require-concurrent-index-creation").severity, Severity::Warning);
  EXPECT_EQ(c.rules.at("adding-not-nullable-column").severity, Severity::Info);
  EXPECT_TRUE(c.is_large("users"));
  EXPECT_TRUE(c.is_large("events"));
}

TEST(Config, ErrorsNameFileLineAndProblem) {
  auto bad_version = parse_config("pg_version = 9\n", "z.toml");
  ASSERT_TRUE(std::holds_alternative<ConfigError>(bad_version));
  EXPECT_NE(std::get<ConfigError>(bad_version).message.find("z.toml:1:"), std::string::npos);
  EXPECT_NE(std::get<ConfigError>(bad_version).message.find("11 to 17"), std::string::npos);

  auto syntax = parse_config("pg_version = = 3\n", "z.toml");
  ASSERT_TRUE(std::holds_alternative<ConfigError>(syntax));

  auto unknown = parse_config("pg_verison = 14\n", "z.toml");
  ASSERT_TRUE(std::holds_alternative<ConfigError>(unknown));
  EXPECT_NE(std::get<ConfigError>(unknown).message.find("pg_verison"), std::string::npos);

  auto severity = parse_config("[rules]\nx = \"loud\"\n", "z.toml");
  ASSERT_TRUE(std::holds_alternative<ConfigError>(severity));
}
