#include "sql/splitter.h"

#include <gtest/gtest.h>

#include <random>

using namespace zerolock;
using namespace zerolock::sql;

namespace {
std::vector<std::string> texts(std::string_view text, const SplitResult& r) {
  std::vector<std::string> out;
  for (const ByteRange& s : r.statements) out.emplace_back(text.substr(s.begin, s.size()));
  return out;
}
}  // namespace

TEST(Splitter, SplitsAtTopLevelSemicolonsOnly) {
  std::string text =
      "-- lead comment\nCREATE TABLE a (x text DEFAULT ';');\n"
      "DO $$ BEGIN PERFORM 1; END $$;\n"
      "CREATE RULE r AS ON INSERT TO a DO ALSO (SELECT 1; SELECT 2);\n"
      "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT CASE WHEN true THEN 1 END; END;\n"
      "/* c; */ SELECT 1";
  SplitResult r = split(text);
  ASSERT_FALSE(r.error);
  auto s = texts(text, r);
  ASSERT_EQ(s.size(), 5u);
  EXPECT_EQ(s[0], "CREATE TABLE a (x text DEFAULT ';');");
  EXPECT_EQ(s[1], "DO $$ BEGIN PERFORM 1; END $$;");
  EXPECT_EQ(s[2], "CREATE RULE r AS ON INSERT TO a DO ALSO (SELECT 1; SELECT 2);");
  EXPECT_EQ(s[3].substr(0, 15), "CREATE FUNCTION");
  EXPECT_EQ(s[3].back(), ';');
  EXPECT_EQ(s[4], "SELECT 1");
  EXPECT_EQ(r.comments.size(), 2u);
}

TEST(Splitter, LexicalErrorSwallowsTheRestButKeepsWhatPrecedes) {
  std::string text = "SELECT 1;\nSELECT 'unterminated;\nSELECT 2;";
  SplitResult r = split(text);
  ASSERT_TRUE(r.error);
  auto s = texts(text, r);
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0], "SELECT 1;");
  EXPECT_EQ(s[1].substr(0, 6), "SELECT");
  EXPECT_EQ(r.error->offset, text.find('\''));
}

// Incremental resplit must always equal a full split of the new text.
TEST(Splitter, ResplitEqualsFullSplitOverRandomEdits) {
  std::mt19937 rng(12345);
  const std::vector<std::string> pieces = {"CREATE INDEX i ON t (c);", "\n", " ", ";", "'", "$$", "(", ")", "--x\n",
                                           "/*", "*/", "SELECT 1", "é", "ALTER TABLE t ADD COLUMN c int;", "BEGIN", "END"};
  std::string text = "CREATE TABLE t (c int);\nSELECT 1;\n-- note\nCREATE INDEX i ON t (c);\n";
  SplitResult current = split(text);
  for (int step = 0; step < 3000; ++step) {
    uint32_t begin = text.empty() ? 0 : rng() % (text.size() + 1);
    uint32_t end = std::min<uint32_t>(static_cast<uint32_t>(text.size()), begin + rng() % 6);
    std::string insert = rng() % 3 == 0 ? std::string() : pieces[rng() % pieces.size()];
    text.replace(begin, end - begin, insert);
    if (text.size() > 4000) text.resize(2000);  // keep it small; a resize is a full re-split below
    SplitResult full = split(text);
    if (text.size() == 2000) {
      current = full;
      continue;
    }
    current = resplit(current, TextEdit{begin, end, static_cast<uint32_t>(insert.size())}, text);
    ASSERT_EQ(current.statements, full.statements) << "step " << step << " text:\n" << text;
    ASSERT_EQ(current.comments, full.comments) << "step " << step;
    ASSERT_EQ(current.error.has_value(), full.error.has_value()) << "step " << step;
  }
}

// Typing at the end of a statement that has no ';' yet must extend it, not start a new one.
TEST(Splitter, TypingAtTheEndOfAnUnterminatedStatement) {
  std::string target = "SELECT 1;\nCREATE INDEX ix ON t (c);";
  std::string text = "SELECT 1;\n";
  SplitResult current = split(text);
  for (size_t i = text.size(); i < target.size(); ++i) {
    uint32_t at = static_cast<uint32_t>(text.size());
    text += target[i];
    current = resplit(current, TextEdit{at, at, 1}, text);
    ASSERT_EQ(current.statements, split(text).statements) << text;
  }
  EXPECT_EQ(current.statements.size(), 2u);
}
