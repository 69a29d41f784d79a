// Liquibase rewrites (analysis/fixes/liquibase_renderer.cpp): golden tests on the XML, YAML, JSON
// and formatted SQL fixtures of tests/fixtures/liquibase_rewrites. For each changelog, fix_all
// (--unsafe, target Liquibase 4.3.3 as in its zerolock.toml) must give <file>.fixed exactly
// (ZEROLOCK_UPDATE_GOLDEN=1 rewrites them), and the result must:
//   * parse back with the front end (no syntax error, no reader error);
//   * no longer trigger the rules whose fixes were applied, nor missing-rollback;
//   * be a fixed point (fixing it again changes nothing);
//   * keep every comment, every author, and have unique changeSet ids.
// The real-Liquibase run of the same files is tests/liquibase/run_liquibase_proof.sh (ctest liquibase_rewrites_pg).
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "fixes/fix.h"
#include "liquibase/changelog_tree.h"
#include "server/lsp/rewrite_actions.h"
#include "support.h"

namespace zerolock {
namespace {

std::filesystem::path dir() { return lbtest::fixtures() / "liquibase_rewrites"; }

Config config_for(const std::string& version) {
  Config c;
  c.liquibase_version = version;
  return c;
}

// Comments of the document as written (XML <!-- -->, YAML #, SQL --), from line starts only;
// formatted SQL --rollback lines are the changeset's rollback, which the rewrite replaces.
std::vector<std::string> comments(const std::string& text, Format f) {
  std::vector<std::string> out;
  size_t at = 0;
  while (at < text.size()) {
    size_t nl = text.find('\n', at);
    std::string line = text.substr(at, nl == std::string::npos ? std::string::npos : nl - at);
    size_t k = line.find_first_not_of(" \t");
    if (k != std::string::npos) {
      std::string body = line.substr(k);
      bool c = (f == Format::LiquibaseXml && body.rfind("<!--", 0) == 0) || (f == Format::LiquibaseYaml && body[0] == '#') ||
               (f == Format::LiquibaseSql && body.rfind("--", 0) == 0 && body.rfind("--rollback", 0) != 0);
      if (c) out.push_back(body);
    }
    if (nl == std::string::npos) break;
    at = nl + 1;
  }
  return out;
}

struct Ids {
  std::vector<std::string> ids;
  std::set<std::string> authors;
};
Ids changeset_ids(const Analysis& a) {
  Ids out;
  for (const MigrationUnit& u : a.migration.units) {
    auto colon = u.name.find(':');
    out.authors.insert(u.name.substr(0, colon));
    out.ids.push_back(u.name.substr(colon + 1));
  }
  return out;
}

std::set<std::string> rules_of(const Analysis& a) {
  std::set<std::string> out;
  for (const Diagnostic& d : a.diagnostics) out.insert(d.rule);
  return out;
}

// `exercised`: rules the fixture must trigger (it still exercises its recipes); `min_applied`: fixes.
void check_changelog(const std::filesystem::path& fixtures, const std::string& name, const std::vector<std::string>& exercised,
                     size_t min_applied) {
  SCOPED_TRACE(name);
  std::filesystem::path path = fixtures / name;
  std::string text = lbtest::read_file(path);
  ASSERT_FALSE(text.empty());
  Config config = config_for("4.3.3");
  StatementCache& cache = lbtest::cache();
  Analysis before = lbtest::analyze(text, path.string(), config);
  Format format = before.migration.format;

  fixes::FixAllResult fixed = fixes::fix_all(path.string(), text, config, true, cache);
  EXPECT_TRUE(fixed.new_files.empty()) << "Liquibase fixes stay in the changelog";
  std::filesystem::path golden = path.string() + ".fixed";
  if (std::getenv("ZEROLOCK_UPDATE_GOLDEN")) std::ofstream(golden, std::ios::binary) << fixed.text;
  ASSERT_TRUE(std::filesystem::exists(golden)) << golden << ": missing (run with ZEROLOCK_UPDATE_GOLDEN=1)";
  EXPECT_EQ(fixed.text, lbtest::read_file(golden));

  // Parses back.
  if (format != Format::LiquibaseSql) {
    liquibase::ReadResult r = format == Format::LiquibaseXml ? liquibase::read_xml(fixed.text)
                              : format == Format::LiquibaseYaml ? liquibase::read_yaml(fixed.text)
                                                                : liquibase::read_json(fixed.text);
    EXPECT_FALSE(r.error.has_value()) << (r.error ? r.error->message : "");
    EXPECT_TRUE(r.root.has_value());
  }
  Analysis after = lbtest::analyze(fixed.text, path.string(), config);
  EXPECT_EQ(after.migration.format, format);
  for (const Diagnostic& d : after.diagnostics) {
    EXPECT_NE(d.rule, "syntax-error") << d.message;
    EXPECT_FALSE(d.rule == "frontend" && d.severity <= Severity::Warning) << d.message;
  }

  // The rules whose fixes were applied are gone; no rollback is missing; one CONCURRENTLY per changeSet.
  std::set<std::string> was = rules_of(before), now = rules_of(after);
  for (const char* rule : {"require-concurrent-index-creation", "setting-not-null", "adding-foreign-key",
                           "constraint-missing-not-valid", "unique-constraint-builds-index", "adding-primary-key",
                           "renaming-column", "missing-lock-timeout", "missing-rollback", "concurrent-index-in-transaction",
                           "multiple-concurrently-in-changeset", "changing-column-type", "renaming-table", "adding-not-nullable-column"}) {
    EXPECT_EQ(now.count(rule), 0u) << rule << " still fires";
  }
  for (const std::string& rule : exercised) EXPECT_TRUE(was.count(rule)) << "the fixture no longer exercises " << rule;
  EXPECT_GE(fixed.applied.size(), min_applied);

  // Idempotent.
  fixes::FixAllResult again = fixes::fix_all(path.string(), fixed.text, config, true, cache);
  EXPECT_EQ(again.text, fixed.text);
  EXPECT_TRUE(again.applied.empty()) << (again.applied.empty() ? "" : again.applied.front());

  // Comments, authors, unique ids.
  for (const std::string& c : comments(text, format))
    EXPECT_NE(fixed.text.find(c), std::string::npos) << "comment lost: " << c;
  Ids ids_before = changeset_ids(before), ids_after = changeset_ids(after);
  EXPECT_EQ(ids_before.authors, ids_after.authors);
  std::set<std::string> unique(ids_after.ids.begin(), ids_after.ids.end());
  EXPECT_EQ(unique.size(), ids_after.ids.size());
  for (const std::string& id : ids_before.ids) EXPECT_TRUE(unique.count(id)) << "changeSet id " << id << " lost";
  EXPECT_GT(ids_after.ids.size(), ids_before.ids.size());
}

// One golden case per recipe fixture, each run on its four formats.
struct GoldenCase {
  const char* name;       // test name prefix ("" for the main fixture)
  const char* fixtures;   // directory under tests/fixtures
  std::vector<std::string> exercised;
  size_t min_applied;
};
const GoldenCase kGoldenCases[] = {
    // createIndex, addNotNullConstraint, renameColumn ... (tests/fixtures/liquibase_rewrites).
    {"", "liquibase_rewrites", {"require-concurrent-index-creation", "setting-not-null", "renaming-column"}, 7},
    // modifyDataType (formatted SQL: ALTER COLUMN TYPE) -> the change-type recipe: new column, sync
    // trigger, batched backfill, contract.
    {"ChangeType", "liquibase_change_type", {"changing-column-type"}, 1},
    // renameTable (formatted SQL: ALTER TABLE RENAME TO) -> rename plus a view under the old name,
    // the view dropped in a later changeSet whose rollback re-creates it.
    {"RenameTable", "liquibase_rename_table", {"renaming-table"}, 1},
    // addColumn NOT NULL with a volatile default -> nullable add + SET DEFAULT, batched backfill,
    // CHECK NOT VALID, VALIDATE, SET NOT NULL.
    {"AddNotNullColumn", "liquibase_add_not_null", {"adding-not-nullable-column"}, 1},
    // addNotNullConstraint with defaultNullValue (Liquibase: UPDATE of the NULLs, then SET NOT NULL;
    // formatted SQL: the two statements) -> CHECK NOT VALID, the NULLs set in batches, VALIDATE,
    // SET NOT NULL.
    {"NotNullDefault", "liquibase_not_null_default", {"setting-not-null"}, 1},
    // Three createIndex (CREATE INDEX) in one changeSet -> one changeSet each, runInTransaction
    // false, CREATE INDEX CONCURRENTLY with its rollback.
    {"SeveralIndexes", "liquibase_several_indexes", {"require-concurrent-index-creation"}, 3},
    // A changeSet split at the rewritten change: createIndex first, addNotNullConstraint after an
    // addColumn, createIndex between two changes, each followed by addColumn / createTable. What
    // follows moves to <id>-rest after the rewrite's changeSets, with the same author and attributes.
    {"SplitChangeSet", "liquibase_split_changeset", {"require-concurrent-index-creation", "setting-not-null"}, 3},
};
struct GoldenFormat {
  const char* name;
  const char* file;
};
const GoldenFormat kGoldenFormats[] = {
    {"Xml", "changelog.xml"}, {"Yaml", "changelog.yaml"}, {"Json", "changelog.json"}, {"FormattedSql", "changelog.sql"}};

// Readable parameters in test listings (ctest -N), instead of their bytes.
void PrintTo(const GoldenCase& c, std::ostream* os) { *os << c.fixtures; }
void PrintTo(const GoldenFormat& f, std::ostream* os) { *os << f.file; }

class LiquibaseRewritesGolden : public ::testing::TestWithParam<std::tuple<GoldenCase, GoldenFormat>> {};
TEST_P(LiquibaseRewritesGolden, FixedEqualsGolden) {
  const auto& [c, format] = GetParam();
  check_changelog(lbtest::fixtures() / c.fixtures, format.file, c.exercised, c.min_applied);
}
INSTANTIATE_TEST_SUITE_P(
    Recipes, LiquibaseRewritesGolden, ::testing::Combine(::testing::ValuesIn(kGoldenCases), ::testing::ValuesIn(kGoldenFormats)),
    [](const ::testing::TestParamInfo<std::tuple<GoldenCase, GoldenFormat>>& info) {
      return std::string(std::get<0>(info.param).name) + std::get<1>(info.param).name + "Golden";
    });

// Without --unsafe the rename is left alone (its fix changes the deploy procedure).
TEST(LiquibaseRewrites, SafeOnlyLeavesTheRename) {
  std::filesystem::path path = dir() / "changelog.xml";
  std::string text = lbtest::read_file(path);
  Config config = config_for("4.3.3");
  fixes::FixAllResult fixed = fixes::fix_all(path.string(), text, config, false, lbtest::cache());
  EXPECT_NE(fixed.text.find("<renameColumn tableName=\"x_users\""), std::string::npos);
  EXPECT_EQ(fixed.text.find("6-contract"), std::string::npos);
  EXPECT_NE(fixed.text.find("CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_x_users_email"), std::string::npos);
}

// From Liquibase 4.12, validate="false" gives NOT VALID: the element stays, with the attribute.
TEST(LiquibaseRewrites, ForeignKeyValidateFalseFrom412) {
  std::string text =
      "<databaseChangeLog>\n"
      "  <changeSet id=\"fk\" author=\"bob\">\n"
      "    <sql>SET LOCAL lock_timeout = '5s'</sql>\n"
      "    <addForeignKeyConstraint baseTableName=\"orders\" baseColumnNames=\"user_id\" constraintName=\"fk_orders_user\"\n"
      "                             referencedTableName=\"users\" referencedColumnNames=\"id\"/>\n"
      "    <rollback>ALTER TABLE orders DROP CONSTRAINT fk_orders_user</rollback>\n"
      "  </changeSet>\n"
      "</databaseChangeLog>\n";
  for (const char* version : {"4.12", "4.3.3"}) {
    SCOPED_TRACE(version);
    Config config = config_for(version);
    fixes::FixAllResult fixed = fixes::fix_all("db/changelog.xml", text, config, false, lbtest::cache());
    bool recent = std::string(version) == "4.12";
    EXPECT_EQ(fixed.text.find("referencedColumnNames=\"id\" validate=\"false\"/>") != std::string::npos, recent) << fixed.text;
    EXPECT_EQ(fixed.text.find("REFERENCES users (id) NOT VALID") != std::string::npos, !recent) << fixed.text;
    // The changeSet holds two changes: the new id names the change's position.
    EXPECT_NE(fixed.text.find("<changeSet id=\"fk-2-validate\" author=\"bob\">"), std::string::npos) << fixed.text;
    EXPECT_NE(fixed.text.find("ALTER TABLE orders VALIDATE CONSTRAINT fk_orders_user"), std::string::npos);
    Analysis after = lbtest::analyze(fixed.text, "db/changelog.xml", config);
    for (const Diagnostic& d : after.diagnostics) {
      EXPECT_NE(d.rule, "adding-foreign-key") << fixed.text;
      EXPECT_NE(d.rule, "constraint-missing-not-valid");
    }
  }
}

// A change followed by changes other than index builds: the changeSet is split, the changes that
// follow keep running after the rewrite, in <id>-rest with the same author and attributes.
TEST(LiquibaseRewrites, SplitsTheChangeSetInsteadOfReordering) {
  std::string text =
      "<databaseChangeLog>\n"
      "  <changeSet id=\"1\" author=\"a\" context=\"prod\" runInTransaction=\"true\">\n"
      "    <createIndex indexName=\"ix\" tableName=\"users\"><column name=\"email\"/></createIndex>\n"
      "    <addColumn tableName=\"users\"><column name=\"x\" type=\"int\"/></addColumn>\n"
      "  </changeSet>\n"
      "</databaseChangeLog>\n";
  Config config = config_for("4.3.3");
  fixes::FixAllResult fixed = fixes::fix_all("db/changelog.xml", text, config, false, lbtest::cache());
  Analysis after = lbtest::analyze(fixed.text, "db/changelog.xml", config);
  ASSERT_EQ(after.migration.units.size(), 2u) << fixed.text;
  EXPECT_EQ(after.migration.units[0].name, "a:1");
  EXPECT_FALSE(after.migration.units[0].in_transaction);
  EXPECT_EQ(after.migration.units[1].name, "a:1-rest");
  EXPECT_TRUE(after.migration.units[1].in_transaction);
  EXPECT_NE(fixed.text.find("<changeSet id=\"1-rest\" author=\"a\" context=\"prod\" runInTransaction=\"true\">"), std::string::npos)
      << fixed.text;
  // In order: the index build, then the column.
  std::vector<OpKind> kinds;
  for (const Statement& st : after.migration.statements)
    if (st.parsed && !st.parsed->ops.empty() && st.parsed->ops[0].kind != OpKind::SetSetting) kinds.push_back(st.parsed->ops[0].kind);
  ASSERT_EQ(kinds.size(), 2u);
  EXPECT_EQ(kinds[0], OpKind::CreateIndex);
  EXPECT_EQ(kinds[1], OpKind::AddColumn);
  for (const Diagnostic& d : after.diagnostics) EXPECT_NE(d.rule, "missing-rollback") << d.message;
}

// Still refused: one explicit rollback for changes that would end up in two changeSets, and
// preconditions (they hold for the whole changeSet).
TEST(LiquibaseRewrites, RefusesToSplitAChangeSetWithARollbackOrPreconditions) {
  const std::string change_set_end =
      "    <createIndex indexName=\"ix\" tableName=\"users\"><column name=\"email\"/></createIndex>\n"
      "    <addColumn tableName=\"users\"><column name=\"x\" type=\"int\"/></addColumn>\n";
  for (const std::string& text :
       {"<databaseChangeLog>\n  <changeSet id=\"1\" author=\"a\">\n" + change_set_end +
            "    <rollback>ALTER TABLE users DROP COLUMN x; DROP INDEX ix</rollback>\n  </changeSet>\n</databaseChangeLog>\n",
        "<databaseChangeLog>\n  <changeSet id=\"1\" author=\"a\">\n"
        "    <preConditions onFail=\"MARK_RAN\"><tableExists tableName=\"users\"/></preConditions>\n" + change_set_end +
            "  </changeSet>\n</databaseChangeLog>\n"}) {
    SCOPED_TRACE(text);
    Config config = config_for("4.3.3");
    Analysis a = lbtest::analyze(text, "db/changelog.xml", config);
    bool seen = false;
    for (const Diagnostic& d : a.diagnostics) {
      if (d.rule != "require-concurrent-index-creation") continue;
      seen = true;
      for (const fixes::FixPlan& p : fixes::plans_for(a, text, config, d)) {
        fixes::RenderedFix r = fixes::render(p, a, text, config);
        EXPECT_FALSE(r.ok);
        EXPECT_NE(r.why_not.find("split the changeSet"), std::string::npos) << r.why_not;
      }
    }
    EXPECT_TRUE(seen);
  }
}

// Several index builds in one changeSet: each gets a changeSet of its own, the first keeps the id.
TEST(LiquibaseRewrites, SeveralIndexesInOneChangeSet) {
  std::string text =
      "databaseChangeLog:\n"
      "  - changeSet:\n"
      "      id: ix\n"
      "      author: a\n"
      "      changes:\n"
      "        - createIndex: {indexName: ix_a, tableName: users, columns: [{column: {name: a}}]}\n"
      "        - createIndex: {indexName: ix_b, tableName: users, columns: [{column: {name: b}}]}\n"
      "        - createIndex: {indexName: ix_c, tableName: users, columns: [{column: {name: c}}]}\n";
  Config config = config_for("4.3.3");
  fixes::FixAllResult fixed = fixes::fix_all("db/changelog.yaml", text, config, false, lbtest::cache());
  Analysis after = lbtest::analyze(fixed.text, "db/changelog.yaml", config);
  ASSERT_EQ(after.migration.units.size(), 3u) << fixed.text;
  EXPECT_EQ(after.migration.units[0].name, "a:ix");
  for (const MigrationUnit& u : after.migration.units) EXPECT_FALSE(u.in_transaction) << u.name;
  for (const char* ix : {"ix_a", "ix_b", "ix_c"})
    EXPECT_NE(fixed.text.find(std::string("CREATE INDEX CONCURRENTLY IF NOT EXISTS ") + ix), std::string::npos) << fixed.text;
  for (const Diagnostic& d : after.diagnostics) EXPECT_NE(d.severity, Severity::Error) << d.rule << ": " << d.message;
  EXPECT_EQ(fixes::fix_all("db/changelog.yaml", fixed.text, config, false, lbtest::cache()).text, fixed.text);
}

// The LSP offers the same fixes (through fixes::render): a preferred quickfix whose edits make the
// changeSet non-transactional.
TEST(LiquibaseRewrites, LspOffersTheChangeSetRewrite) {
  auto text = std::make_shared<const std::string>(lbtest::read_file(dir() / "changelog.xml"));
  lsp::AnalyzedDocument doc;
  doc.text = text;
  doc.config = std::make_shared<const Config>(config_for("4.3.3"));
  doc.lines = LineIndex(*text);
  doc.analysis = lbtest::analyze(*text, (dir() / "changelog.xml").string(), *doc.config);
  const auto& provider = lsp::rewrite_actions();
  bool found = false;
  for (const auto& d : doc.analysis.diagnostics) {
    if (d.rule != "require-concurrent-index-creation") continue;
    std::vector<lsp::ProposedAction> actions;
    provider.propose(doc, d, actions);
    for (const auto& a : actions) {
      found = true;
      EXPECT_EQ(a.kind, "quickfix");
      EXPECT_TRUE(a.preferred);
      std::vector<fixes::TextEdit> edits;
      for (const auto& e : provider.edits(doc, a.data).edits) edits.push_back({e.range, e.new_text});
      std::string fixed = fixes::apply_edits(*text, edits);
      EXPECT_NE(fixed.find("<changeSet id=\"1\" author=\"alice\" runInTransaction=\"false\">"), std::string::npos) << fixed;
      EXPECT_NE(fixed.find("DROP INDEX CONCURRENTLY IF EXISTS ix_x_users_email"), std::string::npos);
    }
  }
  EXPECT_TRUE(found);
}

// modifyDataType of a column the changelog did not define: the contract's rollback can only bring
// the old column back with the new type (read from the catalog), and the fix says so. Defined
// earlier in the changelog: the rollback re-creates it with its type, the values cast back.
TEST(LiquibaseRewrites, ChangeTypeRollbackUsesTheOldTypeWhenKnown) {
  const std::string modify =
      "  <changeSet id=\"2\" author=\"a\">\n"
      "    <modifyDataType tableName=\"events\" columnName=\"kind\" newDataType=\"bigint\"/>\n"
      "    <rollback><modifyDataType tableName=\"events\" columnName=\"kind\" newDataType=\"int\"/></rollback>\n"
      "  </changeSet>\n";
  const std::string define =
      "  <changeSet id=\"1\" author=\"a\">\n"
      "    <sql>SET LOCAL lock_timeout = '5s'</sql>\n"
      "    <addColumn tableName=\"events\"><column name=\"kind\" type=\"int\"/></addColumn>\n"
      "  </changeSet>\n";
  Config config = config_for("4.3.3");
  for (bool known : {false, true}) {
    SCOPED_TRACE(known);
    std::string text = "<databaseChangeLog>\n" + (known ? define : std::string()) + modify + "</databaseChangeLog>\n";
    Analysis a = lbtest::analyze(text, "db/changelog.xml", config);
    bool seen = false;
    for (const Diagnostic& d : a.diagnostics) {
      if (d.rule != "changing-column-type") continue;
      for (const fixes::FixPlan& p : fixes::plans_for(a, text, config, d)) {
        if (p.recipe != "change-type-expand-contract") continue;
        seen = true;
        bool said = std::any_of(p.notes.begin(), p.notes.end(), [](const std::string& n) {
          return n.find("not the old one: its type before this change is not known") != std::string::npos;
        });
        EXPECT_EQ(said, !known);
        fixes::RenderedFix r = fixes::render(p, a, text, config);
        ASSERT_TRUE(r.ok) << r.why_not;
        std::string fixed = fixes::apply_edits(text, r.edits);
        EXPECT_EQ(fixed.find("ALTER TABLE events ADD COLUMN kind int4</sql>") != std::string::npos, known) << fixed;
        EXPECT_EQ(fixed.find("UPDATE events SET kind = kind_new::int4</sql>") != std::string::npos, known) << fixed;
        EXPECT_EQ(fixed.find("ADD COLUMN %I %s") != std::string::npos, !known) << fixed;  // the type read at run time
        EXPECT_EQ(fixed.find("-- zerolock: kind comes back with the type of kind_new, the new type") != std::string::npos, !known);
      }
    }
    EXPECT_TRUE(seen);
  }
}

}  // namespace
}  // namespace zerolock
