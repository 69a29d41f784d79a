#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>

#include "alembic/alembic_front_end.h"
#include "config/config.h"
#include "engine/analysis.h"
#include "model/schema_delta.h"
#include "test_util.h"

namespace zerolock::alembic {
namespace {
namespace fs = std::filesystem;
using testing::position;
using testing::read_file;
using testing::source_dir;

AlembicParse parse(const std::string& text) {
  static StatementCache cache;
  return parse_alembic("versions/x.py", text, cache);
}

Analysis analyze(const std::string& path, const std::string& text) {
  static StatementCache cache;
  DocumentInput input;
  input.path = path;
  input.text = text;
  Config config;
  return analyze_document(input, config, cache);
}

std::string slice(const std::string& text, ByteRange r) { return text.substr(r.begin, r.size()); }

const std::string kHeader = "from alembic import op\nimport sqlalchemy as sa\nfrom sqlalchemy.dialects import postgresql\n";

TEST(AlembicFrontEnd, AddColumnWithTypesAndDefaults) {
  std::string text = kHeader +
                     "def upgrade():\n"
                     "    op.add_column('users', sa.Column('a', sa.String(255), nullable=False, server_default='x'))\n"
                     "    op.add_column('users', sa.Column('b', sa.DateTime(timezone=True), server_default=sa.text('now()')))\n"
                     "    op.add_column('users', sa.Column('c', postgresql.JSONB(), server_default=sa.text('random()::text::jsonb')))\n"
                     "    op.add_column('users', sa.Column('d', sa.BigInteger, default=5))\n";
  AlembicParse p = parse(text);
  const Migration& m = p.migration;
  EXPECT_EQ(m.tool, MigrationTool::Alembic);
  EXPECT_TRUE(m.tool_wraps_in_transaction);
  ASSERT_EQ(m.statements.size(), 4u);
  const Operation& a = m.statements[0].parsed->ops[0];
  EXPECT_EQ(a.kind, OpKind::AddColumn);
  EXPECT_EQ(a.table.name, "users");
  EXPECT_EQ(a.column_spec->type.sql, "varchar(255)");
  EXPECT_TRUE(a.column_spec->not_null);
  EXPECT_TRUE(a.column_spec->has_default);
  EXPECT_EQ(a.column_spec->default_volatility, Volatility::Immutable);
  EXPECT_EQ(slice(text, m.statements[0].doc_range(a)).substr(0, 14), "op.add_column(");
  EXPECT_EQ(text[m.statements[0].range.end - 1], ')');
  const ColumnSpec& b = *m.statements[1].parsed->ops[0].column_spec;
  EXPECT_EQ(b.type.name, "timestamptz");
  EXPECT_EQ(b.default_volatility, Volatility::Stable);
  const ColumnSpec& c = *m.statements[2].parsed->ops[0].column_spec;
  EXPECT_EQ(c.type.name, "jsonb");
  EXPECT_EQ(c.default_volatility, Volatility::Volatile);
  const ColumnSpec& d = *m.statements[3].parsed->ops[0].column_spec;
  EXPECT_EQ(d.type.name, "int8");
  EXPECT_FALSE(d.has_default);  // a Python-side default is not a server default
  EXPECT_FALSE(d.not_null);
  EXPECT_EQ(p.stats.op_calls, 4u);
  EXPECT_EQ(p.stats.understood, 4u);
}

TEST(AlembicFrontEnd, ExecuteMapsPositionsThroughEscapesAndConcatenation) {
  std::string text = kHeader +
                     "def upgrade():\n"
                     "    op.execute('SELECT \\'\\u00e9\\'; '\n"
                     "               \"CREATE INDEX ix ON t (c)\")\n";
  AlembicParse p = parse(text);
  ASSERT_EQ(p.migration.statements.size(), 2u);
  const Statement& s = p.migration.statements[1];
  EXPECT_EQ(slice(text, s.range), "CREATE INDEX ix ON t (c)");
  EXPECT_EQ(s.parsed->ops[0].kind, OpKind::CreateIndex);
  EXPECT_EQ(slice(text, p.migration.statements[0].range), "SELECT \\'\\u00e9\\';");
  EXPECT_EQ(slice(text, s.doc_range(s.parsed->ops[0])), "CREATE INDEX ix ON t (c)");
}

TEST(AlembicFrontEnd, SqlSyntaxErrorPointsIntoThePythonString) {
  std::string text = kHeader + "def upgrade():\n    op.execute(\"SELECT 1;\\n SELEC x\")\n";
  Analysis a = analyze("v/x.py", text);
  auto it = std::find_if(a.diagnostics.begin(), a.diagnostics.end(), [](const Diagnostic& d) { return d.rule == "syntax-error"; });
  ASSERT_NE(it, a.diagnostics.end());
  EXPECT_EQ(slice(text, {it->range.begin, it->range.begin + 5}), "SELEC");
}

TEST(AlembicFrontEnd, TransactionContextAndSections) {
  std::string text = kHeader +
                     "def upgrade():\n"
                     "    op.add_column('t', sa.Column('x', sa.Integer()))\n"
                     "    with op.get_context().autocommit_block():\n"
                     "        op.create_index('ix', 't', ['x'], postgresql_concurrently=True)\n"
                     "    op.drop_column('t', 'y')\n"
                     "def downgrade():\n"
                     "    op.add_column('t', sa.Column('y', sa.Integer()))\n"
                     "    op.drop_index('ix', table_name='t')\n"
                     "    op.drop_column('t', 'x')\n";
  AlembicParse p = parse(text);
  const auto& st = p.migration.statements;
  ASSERT_EQ(st.size(), 6u);
  EXPECT_TRUE(st[0].in_transaction);
  EXPECT_FALSE(st[1].in_transaction);
  EXPECT_NE(st[1].unit, st[0].unit);
  EXPECT_TRUE(st[2].in_transaction);
  EXPECT_NE(st[2].unit, st[1].unit);
  EXPECT_EQ(st[2].section, Section::Upgrade);
  EXPECT_EQ(st[3].section, Section::Downgrade);
  EXPECT_EQ(st[1].parsed->ops[0].concurrently, true);
  ASSERT_TRUE(p.migration.rollback);
  EXPECT_TRUE(p.migration.rollback->present);
  EXPECT_FALSE(p.migration.rollback->empty);
}

TEST(AlembicFrontEnd, LoopsAndDynamicSqlAreReportedNotGuessed) {
  std::string text = kHeader +
                     "def upgrade():\n"
                     "    for t in ['a', 'b']:\n"
                     "        op.drop_column(t, 'x')\n"
                     "    op.execute(f'DROP TABLE {name}')\n"
                     "def downgrade():\n    pass\n";
  AlembicParse p = parse(text);
  EXPECT_TRUE(p.migration.statements.empty());
  EXPECT_EQ(p.stats.op_calls, 2u);
  EXPECT_EQ(p.stats.opaque, 2u);
  size_t infos = std::count_if(p.migration.frontend_diagnostics.begin(), p.migration.frontend_diagnostics.end(),
                               [](const Diagnostic& d) { return d.rule == kNotAnalysedRule && d.severity == Severity::Info; });
  EXPECT_EQ(infos, 2u);
  EXPECT_FALSE(p.migration.rollback->upgrade_complete);
  EXPECT_TRUE(p.migration.rollback->empty);
}

TEST(AlembicFrontEnd, RevisionIdentifiers) {
  AlembicParse p = parse("revision = 'abc'\ndown_revision = ('d1', 'd2')\n");
  EXPECT_EQ(p.ids.revision, "abc");
  EXPECT_EQ(p.ids.down_revisions, (std::vector<std::string>{"d1", "d2"}));
}

TEST(AlembicFrontEnd, SqlAlchemyTypes) {
  std::string text = kHeader +
                     "from sqlalchemy import Column, Numeric\n"
                     "def upgrade():\n"
                     "    op.add_column('t', Column('a', Numeric(10, 2)))\n"
                     "    op.add_column('t', sa.Column('b', postgresql.ARRAY(sa.Text())))\n"
                     "    op.add_column('t', sa.Column('c', sa.Enum('x', 'y', name='mood')))\n"
                     "    op.add_column('t', sa.Column('d', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql')))\n"
                     "    op.add_column('t', sa.Column('e', sa.Unicode(length=40)))\n"
                     "    op.add_column('t', sa.Column('f', myapp.CustomType()))\n";
  AlembicParse p = parse(text);
  ASSERT_EQ(p.migration.statements.size(), 6u);
  auto type = [&](size_t i) { return p.migration.statements[i].parsed->ops[0].column_spec->type; };
  EXPECT_EQ(type(0).sql, "numeric(10,2)");
  EXPECT_EQ(type(1).sql, "text[]");
  EXPECT_EQ(type(2).name, "mood");
  EXPECT_EQ(type(3).name, "jsonb");
  EXPECT_EQ(type(4).sql, "varchar(40)");
  EXPECT_TRUE(type(5).empty());
  EXPECT_EQ(type(5).sql, "myapp.CustomType()");
}

TEST(SchemaDelta, InverseCancelsAndLeftoversAreNamed) {
  SchemaDelta delta;
  Operation add;
  add.kind = OpKind::AddColumn;
  add.table = {"", "users"};
  add.column = "bio";
  Operation ix;
  ix.kind = OpKind::CreateIndex;
  ix.table = {"", "users"};
  ix.index = IndexSpec{};
  ix.index->name = "ix_bio";
  ix.index->columns = {"bio"};
  delta.apply(add, {});
  delta.apply(ix, {});
  Operation drop_col = add;
  drop_col.kind = OpKind::DropColumn;
  delta.apply(drop_col, {});  // drops the index with it
  EXPECT_TRUE(delta.empty());
  Operation create_table;
  create_table.kind = OpKind::CreateTable;
  create_table.table = {"", "Accounts"};
  delta.apply(create_table, {});
  ASSERT_EQ(delta.changes().size(), 1u);
  EXPECT_EQ(delta.changes()[0].describe(), "table Accounts is created");
  Operation drop_table = create_table;
  drop_table.kind = OpKind::DropTable;
  drop_table.table = {"public", "accounts"};
  delta.apply(drop_table, {});
  EXPECT_TRUE(delta.empty());
}

// ---- golden fixtures: tests/fixtures/alembic/*.py against *.expected (ZEROLOCK_UPDATE_GOLDEN=1 rewrites them)
std::string render(const std::string& path, const std::string& text) {
  StatementCache cache;
  AlembicParse p = parse_alembic(path, text, cache);
  Analysis a = analyze(path, text);
  LineIndex lines(text);
  std::string out = "# statements: range section transaction unit origin | summary | operations\n";
  for (const Statement& s : a.migration.statements) {
    out += position(lines, s.range.begin) + "-" + position(lines, s.range.end) + " " +
           (s.section == Section::Upgrade ? "upgrade" : "downgrade") + (s.in_transaction ? " tx" : " autocommit") +
           " unit=" + std::to_string(s.unit) + " " + s.origin + " | " + (s.parsed ? s.parsed->summary : "") + " |";
    if (s.parsed)
      for (const Operation& op : s.parsed->ops) {
        out += std::string(" ") + op_kind_name(op.kind);
        if (!op.table.empty()) out += " " + op.table.display();
        if (!op.column.empty()) out += "." + op.column;
        if (op.column_spec && !op.column_spec->type.sql.empty()) out += " " + op.column_spec->type.sql;
        if (op.new_type) out += " -> " + op.new_type->sql;
        if (op.concurrently) out += " concurrently";
        out += ";";
      }
    out += "\n";
  }
  // Only the front end's own findings, this suite's rules and the foundation's rules: other rules
  // have their own goldens, and adding a rule must not break these.
  static const std::set<std::string> shown = {
      "syntax-error", "missing-downgrade", "downgrade-not-inverse", "alembic-commit-hack",
      "require-concurrent-index-creation", "require-concurrent-index-deletion", "concurrent-index-in-transaction",
      "adding-not-nullable-column", "missing-lock-timeout"};
  out += "# diagnostics: range severity rule\n";
  for (const Diagnostic& d : a.diagnostics) {
    if (!shown.count(d.rule) && d.rule.rfind("alembic-", 0) != 0) continue;
    out += position(lines, d.range.begin) + "-" + position(lines, d.range.end) + " " + severity_name(d.severity) + " " +
           d.rule;
    if (d.rule == kNotAnalysedRule || d.rule == "missing-downgrade" || d.rule == "downgrade-not-inverse" ||
        d.rule == "alembic-commit-hack" || d.rule == "syntax-error")
      out += ": " + d.message;
    out += "\n";
  }
  out += "# op calls: " + std::to_string(p.stats.op_calls) + " understood: " + std::to_string(p.stats.understood) +
         " opaque: " + std::to_string(p.stats.opaque) + "\n";
  return out;
}

TEST(AlembicGolden, Fixtures) {
  fs::path dir = fs::path(source_dir()) / "tests/fixtures/alembic";
  ASSERT_TRUE(fs::exists(dir)) << dir;
  bool update = std::getenv("ZEROLOCK_UPDATE_GOLDEN") != nullptr;
  size_t checked = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() != ".py") continue;
    std::string text = read_file(entry.path().string());
    std::string actual = render(entry.path().filename().string(), text);
    fs::path expected_path = entry.path();
    expected_path.replace_extension(".expected");
    if (update) {
      std::ofstream(expected_path, std::ios::binary) << actual;
    } else {
      ASSERT_TRUE(fs::exists(expected_path)) << expected_path << " missing; run with ZEROLOCK_UPDATE_GOLDEN=1";
      EXPECT_EQ(read_file(expected_path.string()), actual) << entry.path();
    }
    ++checked;
  }
  EXPECT_GT(checked, 0u);
}

// ---- rule fixtures: tests/fixtures/rules/<rule>/bad.py triggers <rule>, good.py does not
TEST(AlembicRules, BadAndGoodFixtures) {
  for (const char* rule : {"missing-downgrade", "downgrade-not-inverse", "alembic-commit-hack"}) {
    fs::path dir = fs::path(source_dir()) / "tests/fixtures/rules" / rule;
    for (const char* which : {"bad.py", "good.py"}) {
      std::string text = read_file((dir / which).string());
      ASSERT_FALSE(text.empty()) << dir / which;
      Analysis a = analyze((dir / which).string(), text);
      size_t n = std::count_if(a.diagnostics.begin(), a.diagnostics.end(), [&](const Diagnostic& d) { return d.rule == rule; });
      if (std::string(which) == "bad.py") EXPECT_GT(n, 0u) << rule << " bad.py";
      else EXPECT_EQ(n, 0u) << rule << " good.py";
    }
  }
}

// ---- corpus sweep: every revision under ../shared/corpus/alembic, no crash; figures printed
TEST(AlembicCorpus, SweepWithoutCrash) {
  const char* env = std::getenv("ZEROLOCK_ALEMBIC_CORPUS");
  fs::path dir = env ? fs::path(env) : fs::path(source_dir()) / "../shared/corpus/alembic";
  if (!fs::exists(dir)) GTEST_SKIP() << "corpus not found at " << dir << " (set ZEROLOCK_ALEMBIC_CORPUS)";
  StatementCache cache;
  size_t files = 0, calls = 0, understood = 0, opaque = 0, syntax = 0, not_analysed = 0, statements = 0;
  std::map<std::string, size_t> findings;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file() || entry.path().extension() != ".py") continue;
    std::string text = read_file(entry.path().string());
    DocumentInput input;
    std::string path = entry.path().string();
    input.path = path;
    input.text = text;
    Config config;
    Analysis a = analyze_document(input, config, cache);
    AlembicParse p = parse_alembic(path, text, cache);
    ++files;
    calls += p.stats.op_calls;
    understood += p.stats.understood;
    opaque += p.stats.opaque;
    not_analysed += p.stats.not_analysed;
    statements += p.migration.statements.size();
    bool verbose = std::getenv("ZEROLOCK_ALEMBIC_VERBOSE") != nullptr;
    for (const Diagnostic& d : a.diagnostics) {
      ++findings[d.rule];
      if (verbose && (d.rule == "downgrade-not-inverse" || d.rule == "missing-downgrade" || d.rule == "syntax-error" ||
                      d.rule.rfind("alembic-", 0) == 0))
        std::cout << path << ":" << d.range.begin << ": " << d.rule << ": " << d.message << "\n";
      if (d.rule == "syntax-error" && d.message.rfind("Python", 0) == 0) {
        ++syntax;
        std::cout << "python syntax error: " << path << ": " << d.message << "\n";
      }
      ASSERT_LE(d.range.end, text.size()) << path;
      ASSERT_LE(d.range.begin, d.range.end) << path;
    }
    for (const Statement& s : a.migration.statements) ASSERT_LE(s.range.end, text.size()) << path;
  }
  std::cout << "alembic corpus: " << files << " files, " << calls << " op calls: " << understood << " understood, "
            << opaque << " opaque (" << (calls ? 100.0 * understood / calls : 0.0) << "% understood); " << statements
            << " statements; " << not_analysed << " constructs reported as not analysed; " << syntax
            << " Python syntax errors; 0 crashes\n";
  for (const auto& [rule, n] : findings) std::cout << "  " << rule << ": " << n << "\n";
  EXPECT_GT(files, 0u);
  EXPECT_EQ(syntax, 0u);
}

}  // namespace
}  // namespace zerolock::alembic

namespace zerolock::alembic {
namespace {
TEST(SchemaDelta, NamingConventionsRestoredColumnsAndEnums) {
  std::string text = kHeader +
                     "def upgrade():\n"
                     "    op.create_check_constraint('positive', 'items', 'qty > 0')\n"
                     "    op.drop_column('items', 'legacy')\n"
                     "    op.create_table('t', sa.Column('mood', sa.Enum('a', 'b', name='mood')))\n"
                     "    op.execute(sa.text('UPDATE items SET qty = :q WHERE id::text = :id'))\n"
                     "def downgrade():\n"
                     "    op.drop_table('t')\n"
                     "    op.execute('DROP TYPE mood')\n"
                     "    op.add_column('items', sa.Column('legacy', sa.Integer(), nullable=True))\n"
                     "    op.alter_column('items', 'legacy', nullable=False, server_default=None)\n"
                     "    op.create_index('ix_items_legacy', 'items', ['legacy'])\n"
                     "    op.drop_constraint('ck_items_positive', 'items')\n";
  Analysis a = analyze("x.py", text);
  for (const Diagnostic& d : a.diagnostics) {
    EXPECT_NE(d.rule, "downgrade-not-inverse") << d.message;
    EXPECT_NE(d.rule, "syntax-error") << d.message;
  }
  ASSERT_GE(a.migration.statements.size(), 3u);
  EXPECT_EQ(a.migration.statements[2].parsed->ops[0].kind, OpKind::CreateType);
}
}  // namespace
}  // namespace zerolock::alembic
