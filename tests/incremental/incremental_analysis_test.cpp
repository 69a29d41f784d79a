// The incremental path the language server takes on every edit (sql::resplit + a per-document
// StatementCache + RuleResultCache) must give exactly what a fresh analyze_document of the same
// text gives: same statements, facts and diagnostics (ranges, messages, lock summaries, related
// locations, order). Random edit sequences over a document made of every rule's examples plus
// transactions, settings and suppression comments; seeds are fixed so a failure reproduces.
#include <gtest/gtest.h>

#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "engine/analysis.h"
#include "engine/rule_cache.h"
#include "rules/rule.h"
#include "sql/splitter.h"

namespace zerolock {
namespace {

// Every rule's bad and good example, and the constructs whose context per-statement findings
// depend on: explicit transactions, lock_timeout, tables created earlier, suppressions.
std::string seed_document() {
  std::string text = "SET lock_timeout = '2s';\nCREATE TABLE users (id int PRIMARY KEY, email text);\n";
  for (const Rule* rule : RuleRegistry::all()) {
    text += "-- ";
    text += rule->meta().id;
    text += "\n";
    text += rule->meta().bad_example;
    text += "\n";
    text += rule->meta().good_example;
    text += "\n";
  }
  text +=
      "BEGIN;\nCREATE INDEX ix_a ON orders (a);\nALTER TABLE orders ADD COLUMN b int NOT NULL;\nCOMMIT;\n"
      "-- zerolock-disable-next-line require-concurrent-index-creation\nCREATE INDEX ix_b ON orders (b);\n"
      "RESET lock_timeout;\nALTER TABLE users ALTER COLUMN email TYPE varchar(10);\n";
  return text;
}

// Snippets an edit inserts: statement boundaries, transaction and setting changes, comments,
// quotes (which change where statements end), whole statements.
const std::vector<std::string>& snippets() {
  static const std::vector<std::string> s{
      ";", "\n", "x", " ", "'", "--", "/*", "*/", "BEGIN;\n", "COMMIT;\n", "SET lock_timeout = '1s';\n",
      "SET LOCAL lock_timeout = 0;\n", "RESET ALL;\n", "CREATE TABLE orders (id int, a int, b int);\n",
      "CREATE INDEX ix_new ON users (email);\n", "ALTER TABLE users ADD COLUMN c timestamp;\n",
      "ALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (a) REFERENCES users (id);\n",
      "-- zerolock-disable-next-line\n", "-- zerolock-disable adding-foreign-key\n", "DROP TABLE users;\n",
      "VACUUM FULL orders;\n", "ALTER TABLE users RENAME COLUMN email TO mail;\n", "CONCURRENTLY ", "NOT NULL "};
  return s;
}

std::string describe(const Diagnostic& d) {
  std::ostringstream out;
  out << d.rule << " sev=" << static_cast<int>(d.severity) << " [" << d.range.begin << "," << d.range.end
      << ") stmt=" << d.statement << " msg=" << d.message << " help=" << d.help;
  if (d.lock) {
    out << " lock=" << static_cast<int>(d.lock->mode);
    for (const auto& r : d.lock->relations) out << "," << r;
  }
  for (const auto& r : d.related) out << " related[" << r.range.begin << "," << r.range.end << ")=" << r.message;
  return out.str();
}

std::vector<std::string> describe_all(const Analysis& a) {
  std::vector<std::string> out;
  for (const Diagnostic& d : a.diagnostics) out.push_back(describe(d));
  return out;
}

Analysis fresh_analysis(const std::string& text, const Config& config) {
  StatementCache cache;
  DocumentInput input;
  input.path = "V1__edits.sql";
  input.text = text;
  return analyze_document(input, config, cache);
}

// One document edited like the language server edits it, checked after every edit.
struct IncrementalDocument {
  std::string text;
  sql::SplitResult split;
  StatementCache cache;
  RuleResultCache rule_cache;
  // The previous analysis and what the last edit left alone: unchanged statements' parses are
  // taken from it by position, as the language server does.
  std::optional<Analysis> previous;
  std::optional<sql::SplitReuse> reuse;

  const Analysis& analyse(const Config& config) {
    DocumentInput input;
    input.path = "V1__edits.sql";
    input.text = text;
    input.sql_split = &split;
    if (previous && reuse) {
      input.previous = &previous->migration;
      input.sql_reuse = &*reuse;
    }
    Analysis a = analyze_document(input, config, cache, &rule_cache);
    cache.sweep();
    previous = std::move(a);
    reuse.reset();
    return *previous;
  }
  // The next analysis is of the same text (a configuration change): every parse is reused.
  void unchanged() { reuse = sql::SplitReuse{split.statements.size(), 0, split.statements.size()}; }
  void edit(uint32_t begin, uint32_t end, const std::string& inserted) {
    text.replace(begin, end - begin, inserted);
    reuse.emplace();
    split = sql::resplit(split, sql::TextEdit{begin, end, static_cast<uint32_t>(inserted.size())}, text, &*reuse);
  }
};

void expect_same(const Analysis& incremental, const Analysis& fresh, const std::string& where) {
  ASSERT_EQ(incremental.migration.statements.size(), fresh.migration.statements.size()) << where;
  for (size_t i = 0; i < fresh.migration.statements.size(); ++i) {
    const Statement& a = incremental.migration.statements[i];
    const Statement& b = fresh.migration.statements[i];
    ASSERT_EQ(a.range.begin, b.range.begin) << where << " statement " << i;
    ASSERT_EQ(a.range.end, b.range.end) << where << " statement " << i;
    ASSERT_EQ(a.in_transaction, b.in_transaction) << where << " statement " << i;
    ASSERT_EQ(a.transaction_opened_by, b.transaction_opened_by) << where << " statement " << i;
  }
  ASSERT_EQ(incremental.facts.size(), fresh.facts.size()) << where;
  for (size_t i = 0; i < fresh.facts.size(); ++i) ASSERT_TRUE(incremental.facts[i] == fresh.facts[i]) << where << " facts " << i;
  ASSERT_EQ(describe_all(incremental), describe_all(fresh)) << where;
}

void run_random_edits(uint32_t seed, int edits, const Config& config, uint64_t* hits, uint64_t* misses) {
  std::mt19937 rng(seed);
  IncrementalDocument doc;
  doc.text = seed_document();
  doc.split = sql::split(doc.text);
  expect_same(doc.analyse(config), fresh_analysis(doc.text, config), "initial");
  for (int e = 0; e < edits; ++e) {
    auto size = static_cast<uint32_t>(doc.text.size());
    uint32_t begin = std::uniform_int_distribution<uint32_t>(0, size)(rng);
    uint32_t end = begin;
    std::string inserted;
    switch (std::uniform_int_distribution<int>(0, 3)(rng)) {
      case 0:  // delete a few bytes
        end = std::min(size, begin + std::uniform_int_distribution<uint32_t>(1, 12)(rng));
        break;
      case 1:  // replace with a snippet
        end = std::min(size, begin + std::uniform_int_distribution<uint32_t>(1, 6)(rng));
        [[fallthrough]];
      default:  // insert a snippet
        inserted = snippets()[std::uniform_int_distribution<size_t>(0, snippets().size() - 1)(rng)];
        break;
    }
    doc.edit(begin, end, inserted);
    std::string where = "seed " + std::to_string(seed) + " edit " + std::to_string(e) + " at " + std::to_string(begin);
    expect_same(doc.analyse(config), fresh_analysis(doc.text, config), where);
    if (::testing::Test::HasFatalFailure()) return;
  }
  *hits += doc.rule_cache.hits();
  *misses += doc.rule_cache.misses();
}

TEST(IncrementalAnalysis, RandomEditsMatchFreshAnalysis) {
  Config config;
  uint64_t hits = 0, misses = 0;
  for (uint32_t seed : {1u, 2u, 3u}) {
    run_random_edits(seed, 150, config, &hits, &misses);
    if (HasFatalFailure()) return;
  }
  // The comparison above is only meaningful if the cache was used and also missed.
  EXPECT_GT(hits, misses);
  EXPECT_GT(misses, 0u);
}

TEST(IncrementalAnalysis, RandomEditsMatchWithEveryRuleAndOldPostgres) {
  Config config;
  config.pg_version = 11;
  for (const Rule* rule : RuleRegistry::all()) config.rules[rule->meta().id].enabled = true;
  config.large_tables = {"orders"};
  uint64_t hits = 0, misses = 0;
  run_random_edits(7, 150, config, &hits, &misses);
  EXPECT_GT(hits, 0u);
}

TEST(IncrementalAnalysis, ConfigurationChangeDropsCachedFindings) {
  IncrementalDocument doc;
  doc.text = seed_document();
  doc.split = sql::split(doc.text);
  Config modern;
  Config old;
  old.pg_version = 10;  // every non-NULL ADD COLUMN default rewrites: findings differ
  old.rules["require-concurrent-index-creation"].severity = Severity::Hint;
  Analysis first = doc.analyse(modern);
  doc.unchanged();
  Analysis second = doc.analyse(old);
  expect_same(second, fresh_analysis(doc.text, old), "after a configuration change");
  EXPECT_NE(describe_all(first), describe_all(second));  // the change is visible, so the check above can fail
}

TEST(IncrementalAnalysis, SameStatementTextInDifferentContexts) {
  // One text, three contexts: outside a transaction, inside one, after lock_timeout. The cache
  // must not hand one context's findings to another.
  IncrementalDocument doc;
  doc.text = "CREATE INDEX ix ON users (a);\nBEGIN;\nCREATE INDEX ix ON users (a);\nCOMMIT;\n"
             "SET lock_timeout = '1s';\nCREATE INDEX ix ON users (a);\n";
  doc.split = sql::split(doc.text);
  Config config;
  Analysis a = doc.analyse(config);
  expect_same(a, fresh_analysis(doc.text, config), "initial");
  doc.edit(0, 0, "-- moved\n");
  expect_same(doc.analyse(config), fresh_analysis(doc.text, config), "after shifting every statement");
  EXPECT_GT(doc.rule_cache.hits(), 0u);
  // Same texts, new facts: the table is now created by the migration, so the index builds on an
  // empty table and is no longer reported. Replaying the cached findings would keep them.
  size_t before = describe_all(doc.analyse(config)).size();
  doc.edit(0, 0, "CREATE TABLE users (a int);\n");
  Analysis after = doc.analyse(config);
  expect_same(after, fresh_analysis(doc.text, config), "after the table became new");
  EXPECT_LT(after.diagnostics.size(), before);
}

// Gives `doc` twenty one-line CREATE INDEX statements, split and not yet analysed.
void twenty_index_builds(IncrementalDocument& doc) {
  for (int i = 0; i < 20; ++i) doc.text += "CREATE INDEX ix_" + std::to_string(i) + " ON users (a);\n";
  doc.split = sql::split(doc.text);
}

TEST(IncrementalAnalysis, UnchangedStatementsAreTakenByPositionWithoutALookup) {
  IncrementalDocument doc;
  twenty_index_builds(doc);
  Config config;
  doc.analyse(config);
  // Typing inside statement 10, then splitting it in two with a ';': only the statements the
  // re-split touched are looked up in the cache; the others come from the previous analysis.
  std::vector<std::pair<std::string, std::string>> edits = {{"x", "an identifier grows"}, {"; SELECT 1 ", "a statement is split"}};
  for (const auto& [inserted, what] : edits) {
    uint32_t at = doc.split.statements[10].begin + 16;
    uint64_t lookups = doc.cache.hits() + doc.cache.misses();
    const auto* kept_before = doc.previous->migration.statements[3].parsed.get();
    const auto* tail_before = doc.previous->migration.statements.back().parsed.get();
    doc.edit(at, at, inserted);
    const Analysis& a = doc.analyse(config);
    EXPECT_LE(doc.cache.hits() + doc.cache.misses() - lookups, 3u) << what;
    EXPECT_EQ(a.migration.statements[3].parsed.get(), kept_before) << what;
    EXPECT_EQ(a.migration.statements.back().parsed.get(), tail_before) << what;
    expect_same(a, fresh_analysis(doc.text, config), what);
  }
}

TEST(IncrementalAnalysis, RetiredGenerationStillMatches) {
  // Each edit gives one statement a text never seen before, so the cache grows by one entry per
  // edit until it retires a generation (at about 2 x statements + 1024 entries); results must
  // stay identical before, across and after that point, and entries must be carried over.
  IncrementalDocument doc;
  twenty_index_builds(doc);
  Config config;
  doc.analyse(config);
  for (int e = 0; e < 1300; ++e) {
    uint32_t begin = doc.split.statements[10].begin;
    uint32_t end = doc.split.statements[10].end;
    doc.edit(begin, end, "ALTER TABLE users ADD COLUMN c" + std::to_string(e) + " int NOT NULL;");
    Analysis a = doc.analyse(config);
    if (e % 50 == 0 || e > 1000) expect_same(a, fresh_analysis(doc.text, config), "edit " + std::to_string(e));
    if (HasFatalFailure()) return;
  }
  EXPECT_LT(doc.rule_cache.size(), 1200u);  // a generation was retired
  EXPECT_GT(doc.rule_cache.hits(), 1300u * 18);  // the unchanged statements were replayed throughout
}

}  // namespace
}  // namespace zerolock
