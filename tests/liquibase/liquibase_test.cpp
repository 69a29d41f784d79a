// Liquibase front ends: positions of elements, attributes and embedded SQL in every format,
// changeSet attributes, change types -> operations, rollback and transaction rules.
#include <gtest/gtest.h>

#include "liquibase/change_mapper.h"
#include "liquibase/changelog_tree.h"
#include "support.h"

namespace zerolock {
namespace {
using lbtest::analyze;
using lbtest::count;

std::string slice(std::string_view text, ByteRange r) { return std::string(text.substr(r.begin, r.size())); }

const Statement* statement_with(const Analysis& a, std::string_view text, std::string_view needle) {
  for (const Statement& s : a.migration.statements)
    if (text.substr(s.range.begin, s.range.size()).find(needle) != std::string_view::npos) return &s;
  return nullptr;
}

TEST(LiquibaseXml, ElementAndAttributeRangesAreExact) {
  const std::string text =
      "<databaseChangeLog>\n  <changeSet id=\"1\" author='a&amp;b'>\n"
      "    <createIndex indexName=\"ix\" tableName=\"users\"><column name=\"email\"/></createIndex>\n"
      "  </changeSet>\n</databaseChangeLog>\n";
  liquibase::ReadResult r = liquibase::read_xml(text);
  ASSERT_TRUE(r.root);
  const liquibase::Node& cs = r.root->children.at(0);
  EXPECT_EQ(cs.name, "changeSet");
  EXPECT_EQ(slice(text, cs.head), "<changeSet id=\"1\" author='a&amp;b'>");
  EXPECT_EQ(slice(text, cs.range).substr(0, 10), "<changeSet");
  EXPECT_EQ(slice(text, cs.range).substr(slice(text, cs.range).size() - 12), "</changeSet>");
  const liquibase::Attr* author = cs.attr("author");
  ASSERT_TRUE(author);
  EXPECT_EQ(author->value.text, "a&b");
  EXPECT_EQ(slice(text, author->value_range), "a&amp;b");
  EXPECT_EQ(slice(text, author->name_range), "author");
  const liquibase::Node& ci = cs.children.at(0);
  EXPECT_EQ(slice(text, ci.range),
            "<createIndex indexName=\"ix\" tableName=\"users\"><column name=\"email\"/></createIndex>");
  EXPECT_EQ(slice(text, ci.attr("tableName")->value_range), "users");
  EXPECT_EQ(slice(text, ci.children.at(0).range), "<column name=\"email\"/>");
}

TEST(LiquibaseXml, CreateIndexIsRequireConcurrentAtTheElement) {
  std::string text = lbtest::read_file(lbtest::fixtures() / "liquibase" / "changelog.xml");
  Analysis a = analyze(text, (lbtest::fixtures() / "liquibase" / "changelog.xml").string());
  EXPECT_EQ(a.migration.tool, MigrationTool::Liquibase);
  EXPECT_EQ(a.migration.format, Format::LiquibaseXml);
  const Diagnostic* d = nullptr;
  for (const Diagnostic& x : a.diagnostics)
    if (x.rule == "require-concurrent-index-creation") d = &x;
  ASSERT_TRUE(d);
  EXPECT_EQ(slice(text, d->range).substr(0, 40), "<createIndex indexName=\"ix_users_email\" ");
}

TEST(LiquibaseXml, EmbeddedSqlOffsetsAndTransactions) {
  std::string path = (lbtest::fixtures() / "liquibase" / "changelog.xml").string();
  std::string text = lbtest::read_file(path);
  Analysis a = analyze(text, path);
  const Statement* s = statement_with(a, text, "CREATE INDEX CONCURRENTLY ix_users_name");
  ASSERT_TRUE(s);
  EXPECT_EQ(slice(text, s->range), "CREATE INDEX CONCURRENTLY ix_users_name ON users (name);");
  EXPECT_TRUE(s->in_transaction);  // runInTransaction defaults to true
  const Statement* b = statement_with(a, text, "ix_users_b");
  ASSERT_TRUE(b);
  EXPECT_FALSE(b->in_transaction);
  // Entities: the statement range covers the raw text.
  const Statement* e = statement_with(a, text, "&lt;");
  ASSERT_TRUE(e);
  EXPECT_EQ(slice(text, e->range), "SELECT 1 WHERE 'a &lt; b' = 'x';");
  EXPECT_GE(count(a, "concurrent-index-in-transaction"), 1u);
  EXPECT_EQ(count(a, "multiple-concurrently-in-changeset"), 1u);
}

TEST(LiquibaseXml, RollbackDbmsAndSuppressions) {
  std::string path = (lbtest::fixtures() / "liquibase" / "changelog.xml").string();
  std::string text = lbtest::read_file(path);
  Analysis a = analyze(text, path);
  std::vector<std::string> missing;
  for (const Diagnostic& d : a.diagnostics)
    if (d.rule == "missing-rollback") missing.push_back(d.message);
  // changeSet 4 (sql) and 11 (addNotNullConstraint with defaultNullValue + sql); 10 is suppressed,
  // 5/6/8/12 have rollbacks, 9 is for oracle.
  ASSERT_EQ(missing.size(), 2u) << (missing.empty() ? "" : missing[0]);
  EXPECT_NE(missing[0].find("bob:4"), std::string::npos);
  EXPECT_NE(missing[1].find("dave:11"), std::string::npos);
  bool skipped = false;
  for (const Diagnostic& d : a.diagnostics)
    if (d.rule == "frontend" && d.message.find("carol:9 is skipped") != std::string::npos) skipped = true;
  EXPECT_TRUE(skipped);
  ASSERT_GE(a.migration.units.size(), 12u);
  EXPECT_TRUE(a.migration.units[8].skipped);
  bool kept = false;
  for (const auto& [k, v] : a.migration.units[10].attributes) kept = kept || (k == "context" && v == "prod");
  EXPECT_TRUE(kept);
}

TEST(LiquibaseXml, SqlFileResolvedInsideTreeAndRefusedOutside) {
  std::string path = (lbtest::fixtures() / "liquibase" / "changelog.xml").string();
  std::string text = lbtest::read_file(path);
  Analysis a = analyze(text, path);
  size_t from_file = 0;
  for (const Statement& s : a.migration.statements) from_file += s.origin == "sqlFile";
  EXPECT_EQ(from_file, 2u);
  bool refused = false;
  for (const Diagnostic& d : a.diagnostics)
    if (d.message.find("outside the changelog's directory tree") != std::string::npos) refused = true;
  EXPECT_TRUE(refused);
}

TEST(LiquibaseXml, ValidateFalseDependsOnTargetVersion) {
  const std::string text =
      "<databaseChangeLog><changeSet id=\"1\" author=\"a\">"
      "<addForeignKeyConstraint baseTableName=\"orders\" baseColumnNames=\"user_id\" constraintName=\"fk\" "
      "referencedTableName=\"users\" referencedColumnNames=\"id\" validate=\"false\"/>"
      "</changeSet></databaseChangeLog>";
  Config modern;
  modern.liquibase_version = "4.20";
  Analysis a = analyze(text, "c.xml", modern);
  ASSERT_EQ(a.migration.statements.size(), 1u);
  ASSERT_EQ(a.migration.statements[0].parsed->ops.size(), 1u);
  ASSERT_TRUE(a.migration.statements[0].parsed->ops[0].constraint);
  EXPECT_TRUE(a.migration.statements[0].parsed->ops[0].constraint->not_valid);
  Config old;
  old.liquibase_version = "4.3.3";
  Analysis b = analyze(text, "c.xml", old);
  EXPECT_FALSE(b.migration.statements[0].parsed->ops[0].constraint->not_valid);
  bool said = false;
  for (const Diagnostic& d : b.diagnostics) said = said || d.message.find("ignored before Liquibase 4.12") != std::string::npos;
  EXPECT_TRUE(said);
}

TEST(LiquibaseXml, IncludeCycleAndMissingInclude) {
  std::string path = (lbtest::fixtures() / "liquibase" / "include" / "master.xml").string();
  Analysis a = analyze(lbtest::read_file(path), path);
  bool cycle = false, missing = false;
  for (const Diagnostic& d : a.diagnostics) {
    cycle = cycle || d.message.find("include cycle") != std::string::npos;
    missing = missing || d.message.find("missing.xml") != std::string::npos;
  }
  EXPECT_TRUE(cycle);
  EXPECT_TRUE(missing);
}

TEST(LiquibaseXml, MalformedXmlIsOneSyntaxError) {
  Analysis a = analyze("<databaseChangeLog><changeSet id=\"1\"></databaseChangeLog>", "bad.xml");
  EXPECT_EQ(count(a, "syntax-error"), 1u);
}

TEST(LiquibaseYaml, PositionsOfBlockAndQuotedSql) {
  std::string path = (lbtest::fixtures() / "liquibase" / "changelog.yaml").string();
  std::string text = lbtest::read_file(path);
  Analysis a = analyze(text, path);
  EXPECT_EQ(a.migration.format, Format::LiquibaseYaml);
  const Statement* upd = statement_with(a, text, "UPDATE users SET active");
  ASSERT_TRUE(upd);
  EXPECT_EQ(slice(text, upd->range), "UPDATE users SET active = true\n                WHERE active IS NULL;");
  const Statement* b = statement_with(a, text, "ix_users_b");
  ASSERT_TRUE(b);
  EXPECT_EQ(slice(text, b->range), "CREATE INDEX CONCURRENTLY ix_users_b ON users (b);");
  EXPECT_FALSE(b->in_transaction);
  // changeSet 4 runs CONCURRENTLY in the default transaction.
  EXPECT_GE(count(a, "concurrent-index-in-transaction"), 1u);
  EXPECT_EQ(count(a, "multiple-concurrently-in-changeset"), 1u);
  // createIndex range is the mapping entry.
  const Diagnostic* ci = lbtest::find(a, "require-concurrent-index-creation");
  ASSERT_TRUE(ci);
  EXPECT_EQ(slice(text, ci->range).substr(0, 12), "createIndex:");
  // missing-rollback: changeSet 4 (sql); 5 suppressed by the # comment; 6 skipped; 7 has a rollback.
  EXPECT_EQ(count(a, "missing-rollback"), 1u);
}

TEST(LiquibaseJson, EscapesMapBackToTheDocument) {
  std::string path = (lbtest::fixtures() / "liquibase" / "changelog.json").string();
  std::string text = lbtest::read_file(path);
  Analysis a = analyze(text, path);
  EXPECT_EQ(a.migration.format, Format::LiquibaseJson);
  const Statement* s = statement_with(a, text, "ix_users_name");
  ASSERT_TRUE(s);
  EXPECT_EQ(slice(text, s->range), "CREATE INDEX CONCURRENTLY \\\"ix_users_name\\\" ON users (name);");
  const Statement* d = statement_with(a, text, "DROP INDEX CONCURRENTLY ix_old");
  ASSERT_TRUE(d);
  EXPECT_EQ(slice(text, d->range), "DROP INDEX CONCURRENTLY ix_old;");
  EXPECT_EQ(count(a, "multiple-concurrently-in-changeset"), 1u);
  EXPECT_EQ(count(a, "missing-rollback"), 1u);  // changeSet 2 (sql); changeSet 3 has a rollback list
  EXPECT_GE(count(a, "require-concurrent-index-creation"), 1u);
}

TEST(LiquibaseFormattedSql, ChangesetsRollbacksAndTransactions) {
  std::string path = (lbtest::fixtures() / "liquibase" / "changelog.sql").string();
  std::string text = lbtest::read_file(path);
  Analysis a = analyze(text, path);
  EXPECT_EQ(a.migration.format, Format::LiquibaseSql);
  ASSERT_EQ(a.migration.units.size(), 6u);
  const Statement* c = statement_with(a, text, "ix_users_name ON");
  ASSERT_TRUE(c);
  EXPECT_EQ(slice(text, c->range), "CREATE INDEX CONCURRENTLY ix_users_name ON users (name);");
  EXPECT_FALSE(c->in_transaction);
  const Statement* e = statement_with(a, text, "ix_users_email");
  ASSERT_TRUE(e);
  EXPECT_TRUE(e->in_transaction);
  EXPECT_EQ(count(a, "concurrent-index-in-transaction"), 1u);
  // alice:2 has no rollback; carol:6 is suppressed; carol:5 is skipped (mysql).
  EXPECT_EQ(count(a, "missing-rollback"), 1u);
  EXPECT_TRUE(a.migration.units[4].skipped);
}

TEST(LiquibaseFormattedSql, SniffedFromContent) {
  Analysis a = analyze("-- liquibase formatted sql\n--changeset a:1\nSELECT 1;\n", "x.sql");
  EXPECT_EQ(a.migration.format, Format::LiquibaseSql);
  EXPECT_EQ(a.migration.units.size(), 1u);
}

TEST(Liquibase, NotAChangelogIsQuiet) {
  Analysis a = analyze("{\"name\": \"package\"}", "package.json");
  EXPECT_TRUE(a.diagnostics.empty());
  Analysis b = analyze("key: value\n", "x.yaml");
  EXPECT_TRUE(b.diagnostics.empty());
}

}  // namespace
}  // namespace zerolock
