// Exact-text tests of the Alembic renderer (analysis/fixes/alembic_renderer.cpp): layout kept
// (indent unit, quotes, line endings, multi-line calls), API limited to the target Alembic
// version, the generated downgrade(), and the LSP code actions going through the same renderer.
// The golden files and the PostgreSQL proof are in prove_rewrites.py.
#include <gtest/gtest.h>

#include "fixes/alembic_renderer.h"
#include "fixes/fix.h"
#include "server/lsp/rewrite_actions.h"

namespace zerolock::fixes {
namespace {

const char* kHead =
    "from alembic import op\n"
    "import sqlalchemy as sa\n\n"
    "revision = \"abc123\"\n"
    "down_revision = \"abc000\"\n\n\n";

Config version(const char* v) {
  Config c;
  if (v) c.alembic_version = v;
  return c;
}

std::string fixed(const std::string& text, const Config& config, bool unsafe = false, FixAllResult* all = nullptr) {
  StatementCache cache;
  FixAllResult r = fix_all("versions/abc123_x.py", text, config, unsafe, cache);
  if (all) *all = r;
  return r.text;
}

Analysis analyse(const std::string& text, const Config& config) {
  static StatementCache cache;
  DocumentInput in;
  in.path = "versions/abc123_x.py";
  in.text = text;
  return analyze_document(in, config, cache);
}

bool fires(const std::string& text, const Config& config, const std::string& rule) {
  for (const Diagnostic& d : analyse(text, config).diagnostics)
    if (d.rule == rule) return true;
  return false;
}

// Why the first plan for `rule`'s first finding is not rendered ("" when it is).
std::string refusal(const std::string& text, const Config& config, const std::string& rule) {
  Analysis a = analyse(text, config);
  for (const Diagnostic& d : a.diagnostics) {
    if (d.rule != rule) continue;
    for (const FixPlan& plan : plans_for(a, text, config, d)) {
      RenderedFix r = render_alembic(plan, a, text, config);
      if (!r.ok) return r.why_not;
    }
    return "";
  }
  return "no " + rule + " finding";
}

TEST(AlembicVersion, ParsedFromConfigWithADefault) {
  EXPECT_EQ(alembic_target(version(nullptr)), (std::pair{1, 13}));
  EXPECT_EQ(alembic_target(version("1.8")), (std::pair{1, 8}));
  EXPECT_EQ(alembic_target(version("1.12.1")), (std::pair{1, 12}));
  EXPECT_FALSE(parse_alembic_version("1"));
  EXPECT_FALSE(parse_alembic_version("1.x"));
  EXPECT_FALSE(parse_alembic_version("1.8."));
  auto parsed = parse_config("alembic_version = \"1.8\"\n", "zerolock.toml");
  ASSERT_TRUE(std::holds_alternative<Config>(parsed));
  EXPECT_EQ(*std::get<Config>(parsed).alembic_version, "1.8");
  EXPECT_TRUE(std::holds_alternative<ConfigError>(parse_config("alembic_version = 18\n", "zerolock.toml")));
}

TEST(AlembicRender, ConcurrentIndexUsesOnlyTheTargetVersionsApi) {
  std::string text = std::string(kHead) +
                     "def upgrade():\n"
                     "    op.execute(\"SET lock_timeout = '2s'\")\n"
                     "    op.create_index(\"ix_users_email\", \"users\", [\"email\"])  # by email\n";
  std::string v18 = fixed(text, version("1.8"));
  EXPECT_EQ(v18, std::string(kHead) +
                     "def upgrade():\n"
                     "    op.execute(\"SET lock_timeout = '2s'\")\n"
                     "    with op.get_context().autocommit_block():\n"
                     "        op.create_index(\"ix_users_email\", \"users\", [\"email\"], postgresql_concurrently=True)  # by email\n");
  std::string v113 = fixed(text, version("1.13"));
  EXPECT_NE(v113.find("[\"email\"], postgresql_concurrently=True, if_not_exists=True)"), std::string::npos) << v113;
  EXPECT_FALSE(fires(v18, version("1.8"), "require-concurrent-index-creation"));
  EXPECT_EQ(fixed(v18, version("1.8")), v18);  // idempotent
}

TEST(AlembicRender, KeepsTabsSingleQuotesCrlfAndMultiLineCalls) {
  std::string text =
      "from alembic import op\r\n\r\nrevision = 'abc123'\r\ndown_revision = 'abc000'\r\n\r\n\r\n"
      "def upgrade():\r\n"
      "\top.execute(\"SET lock_timeout = '2s'\")\r\n"
      "\top.create_index(\r\n"
      "\t\t'ix_users_email',\r\n"
      "\t\t'users',\r\n"
      "\t\t['email'],\r\n"
      "\t)\r\n";
  std::string out = fixed(text, version("1.8"));
  EXPECT_EQ(out,
            "from alembic import op\r\n\r\nrevision = 'abc123'\r\ndown_revision = 'abc000'\r\n\r\n\r\n"
            "def upgrade():\r\n"
            "\top.execute(\"SET lock_timeout = '2s'\")\r\n"
            "\twith op.get_context().autocommit_block():\r\n"
            "\t\top.create_index(\r\n"
            "\t\t\t'ix_users_email',\r\n"
            "\t\t\t'users',\r\n"
            "\t\t\t['email'],\r\n"
            "\t\t\tpostgresql_concurrently=True,\r\n"
            "\t\t)\r\n");
}

TEST(AlembicRender, LockTimeoutGoesToTheStartOfTheFunctionOnce) {
  std::string text = std::string(kHead) +
                     "def upgrade():\n"
                     "    \"\"\"docstring\"\"\"\n"
                     "    op.add_column(\"users\", sa.Column(\"bio\", sa.Text()))\n"
                     "    op.drop_column(\"users\", \"legacy\")\n";
  std::string out = fixed(text, version("1.8"));
  EXPECT_EQ(out, std::string(kHead) +
                     "def upgrade():\n"
                     "    \"\"\"docstring\"\"\"\n"
                     "    op.execute(\"SET lock_timeout = '5s'\")\n"
                     "    op.add_column(\"users\", sa.Column(\"bio\", sa.Text()))\n"
                     "    op.drop_column(\"users\", \"legacy\")\n");
  EXPECT_FALSE(fires(out, version("1.8"), "missing-lock-timeout"));
}

// upgrade() and downgrade() run in separate sessions: upgrade()'s SET lock_timeout does not cover
// downgrade() (it used to, which hid missing-lock-timeout there).
TEST(AlembicRender, LockTimeoutOfUpgradeIsNotInForceInDowngrade) {
  std::string text = std::string(kHead) +
                     "def upgrade():\n"
                     "    op.execute(\"SET lock_timeout = '2s'\")\n"
                     "    op.add_column(\"users\", sa.Column(\"bio\", sa.Text()))\n\n\n"
                     "def downgrade():\n"
                     "    op.drop_column(\"users\", \"bio\")\n";
  Config config = version("1.8");
  int in_downgrade = 0;
  Analysis a = analyse(text, config);
  for (const Diagnostic& d : a.diagnostics)
    in_downgrade += d.rule == "missing-lock-timeout" && d.range.begin > text.find("def downgrade");
  EXPECT_EQ(in_downgrade, 1);
  std::string out = fixed(text, config);
  EXPECT_NE(out.find("def downgrade():\n    op.execute(\"SET lock_timeout = '5s'\")\n    op.drop_column("), std::string::npos) << out;
}

TEST(AlembicRender, ForeignKeyNotValidThenValidateInItsOwnTransaction) {
  std::string text = std::string(kHead) +
                     "def upgrade():\n"
                     "    op.execute(\"SET lock_timeout = '2s'\")\n"
                     "    op.create_foreign_key(None, \"orders\", \"users\", [\"user_id\"], [\"id\"])\n";
  std::string out = fixed(text, version("1.8"));
  EXPECT_EQ(out, std::string(kHead) +
                     "def upgrade():\n"
                     "    op.execute(\"SET lock_timeout = '2s'\")\n"
                     "    op.create_foreign_key(\"orders_user_id_fkey\", \"orders\", \"users\", [\"user_id\"], [\"id\"], "
                     "postgresql_not_valid=True)\n"
                     "    with op.get_context().autocommit_block():\n"
                     "        op.execute(\"ALTER TABLE orders VALIDATE CONSTRAINT orders_user_id_fkey\")\n");
}

// The revision names the constraint elsewhere (a naming convention: downgrade() drops it by the
// name Alembic gives it): the rewrite keeps that name, or downgrade() would no longer find it.
TEST(AlembicRender, UnnamedForeignKeyKeepsTheNameTheRevisionUses) {
  std::string text = std::string(kHead) +
                     "def upgrade():\n"
                     "    op.execute(\"SET lock_timeout = '2s'\")\n"
                     "    op.create_foreign_key(None, \"orders\", \"users\", [\"user_id\"], [\"id\"])\n\n\n"
                     "def downgrade():\n"
                     "    op.execute(\"SET lock_timeout = '2s'\")\n"
                     "    op.drop_constraint(\"fk_orders_user_id_users\", \"orders\")\n";
  Config config = version("1.8");
  EXPECT_FALSE(fires(text, config, "downgrade-not-inverse"));
  std::string out = fixed(text, config);
  EXPECT_EQ(out, std::string(kHead) +
                     "def upgrade():\n"
                     "    op.execute(\"SET lock_timeout = '2s'\")\n"
                     "    op.create_foreign_key(\"fk_orders_user_id_users\", \"orders\", \"users\", [\"user_id\"], [\"id\"], "
                     "postgresql_not_valid=True)\n"
                     "    with op.get_context().autocommit_block():\n"
                     "        op.execute(\"ALTER TABLE orders VALIDATE CONSTRAINT fk_orders_user_id_users\")\n\n\n"
                     "def downgrade():\n"
                     "    op.execute(\"SET lock_timeout = '2s'\")\n"
                     "    op.drop_constraint(\"fk_orders_user_id_users\", \"orders\")\n");
  EXPECT_FALSE(fires(out, config, "downgrade-not-inverse"));
  EXPECT_FALSE(fires(out, config, "adding-foreign-key"));
  // Two names that could be it (another referred table is not one): no guess, PostgreSQL's name.
  std::string two = text + "    op.drop_constraint(\"fk_orders_user_id_users_old\", \"orders\")\n"
                           "    op.drop_constraint(\"fk_orders_user_id_accounts\", \"orders\")\n";
  EXPECT_NE(fixed(two, config).find("op.create_foreign_key(\"orders_user_id_fkey\""), std::string::npos);
}

// downgrade() re-creating a unique constraint as the rewrite writes it (index built concurrently,
// then ADD CONSTRAINT ... USING INDEX): the index is the constraint's, so upgrade()'s drop of the
// constraint is undone and no index is left over.
TEST(AlembicRender, UniqueUsingIndexInDowngradeIsTheInverseOfTheDrop) {
  std::string text = std::string(kHead) +
                     "def upgrade():\n"
                     "    op.execute(\"SET lock_timeout = '2s'\")\n"
                     "    op.drop_constraint(\"uq_users_email\", \"users\", type_=\"unique\")\n\n\n"
                     "def downgrade():\n"
                     "    op.execute(\"SET lock_timeout = '2s'\")\n"
                     "    op.create_unique_constraint(\"uq_users_email\", \"users\", [\"email\"])\n";
  Config config = version("1.8");
  std::string out = fixed(text, config);
  EXPECT_NE(out.find("        op.create_index(\"uq_users_email\", \"users\", [\"email\"], unique=True, postgresql_concurrently=True)\n"
                     "        op.execute(\"ALTER TABLE users ADD CONSTRAINT uq_users_email UNIQUE USING INDEX uq_users_email\")\n"),
            std::string::npos)
      << out;
  EXPECT_FALSE(fires(out, config, "downgrade-not-inverse"));
  // The index alone (no constraint taking it) is still a leftover.
  std::string index_only = text.substr(0, text.find("    op.create_unique_constraint")) +
                           "    op.create_index(\"uq_users_email\", \"users\", [\"email\"], unique=True)\n";
  EXPECT_TRUE(fires(index_only, config, "downgrade-not-inverse"));
}

// rename-table: downgrade() drops the view under the old name before the user's rename back (which
// would collide with it); the contract revision's downgrade() re-creates the view.
TEST(AlembicRender, RenameTableDowngradeDropsTheViewFirst) {
  std::string text = std::string(kHead) +
                     "def upgrade():\n"
                     "    op.execute(\"SET lock_timeout = '2s'\")\n"
                     "    op.rename_table(\"events\", \"audit_events\")\n"
                     "    op.add_column(\"users\", sa.Column(\"bio\", sa.Text()))\n\n\n"
                     "def downgrade():\n"
                     "    op.execute(\"SET lock_timeout = '2s'\")\n"
                     "    op.drop_column(\"users\", \"bio\")\n"
                     "    op.rename_table(\"audit_events\", \"events\")\n";
  Config config = version("1.8");
  FixAllResult all;
  std::string out = fixed(text, config, true, &all);
  EXPECT_NE(out.find("def downgrade():\n"
                     "    op.execute(\"SET lock_timeout = '2s'\")\n"
                     "    op.drop_column(\"users\", \"bio\")\n"
                     "    op.execute(\"DROP VIEW IF EXISTS events\")\n"
                     "    op.rename_table(\"audit_events\", \"events\")\n"),
            std::string::npos)
      << out;
  EXPECT_FALSE(fires(text, config, "downgrade-not-inverse"));
  EXPECT_FALSE(fires(out, config, "downgrade-not-inverse"));
  ASSERT_EQ(all.new_files.size(), 1u);
  const std::string& contract = all.new_files[0].text;
  EXPECT_NE(contract.find("def upgrade():\n"
                          "    op.execute(\"SET lock_timeout = '5s'\")\n"
                          "    op.execute(\"DROP VIEW IF EXISTS events\")\n\n\n"
                          "def downgrade():\n"
                          "    op.execute(\"SET lock_timeout = '5s'\")\n"
                          "    op.execute(\"CREATE VIEW events AS SELECT * FROM audit_events\")\n"),
            std::string::npos)
      << contract;
  EXPECT_EQ(contract.find("zerolock-disable"), std::string::npos) << contract;
  EXPECT_FALSE(fires(contract, config, "missing-downgrade"));
  EXPECT_FALSE(fires(contract, config, "downgrade-not-inverse"));
  EXPECT_EQ(fixed(out, config, true), out);  // idempotent
}

// rename-column: the user's rename back would collide with the old column (still there until the
// contract ships): downgrade() drops the trigger, its function and the new column in its place and
// keeps the rest; the contract revision's downgrade() brings the old column back, synced and filled.
TEST(AlembicRender, RenameColumnDowngradeDropsWhatTheExpandAdded) {
  std::string text = std::string(kHead) +
                     "def upgrade():\n"
                     "    op.execute(\"SET lock_timeout = '2s'\")\n"
                     "    op.add_column(\"users\", sa.Column(\"bio\", sa.Text()))\n"
                     "    op.alter_column(\"users\", \"name\", new_column_name=\"full_name\")\n\n\n"
                     "def downgrade():\n"
                     "    op.execute(\"SET lock_timeout = '2s'\")\n"
                     "    op.alter_column(\"users\", \"full_name\", new_column_name=\"name\")  # back\n"
                     "    op.drop_column(\"users\", \"bio\")\n";
  Config config = version("1.8");
  FixAllResult all;
  std::string out = fixed(text, config, true, &all);
  EXPECT_NE(out.find("def downgrade():\n"
                     "    op.execute(\"SET lock_timeout = '2s'\")\n"
                     "    op.execute(\"DROP TRIGGER IF EXISTS users_name_zerolock_sync ON users\")\n"
                     "    op.execute(\"DROP FUNCTION IF EXISTS users_name_zerolock_sync()\")\n"
                     "    op.drop_column(\"users\", \"full_name\")  # back\n"
                     "    op.drop_column(\"users\", \"bio\")\n"),
            std::string::npos)
      << out;
  EXPECT_FALSE(fires(out, config, "renaming-column"));
  ASSERT_EQ(all.new_files.size(), 1u);
  const std::string& contract = all.new_files[0].text;
  size_t down = contract.find("def downgrade():\n    op.execute(\"SET lock_timeout = '5s'\")\n");
  ASSERT_NE(down, std::string::npos) << contract;
  EXPECT_NE(contract.find("EXECUTE format('ALTER TABLE %s ADD COLUMN %I %s', 'users'::regclass, 'name', t)", down), std::string::npos);
  EXPECT_NE(contract.find("CREATE OR REPLACE TRIGGER users_name_zerolock_sync", down), std::string::npos);
  EXPECT_NE(contract.find("    with op.get_context().autocommit_block():\n", down), std::string::npos);
  EXPECT_NE(contract.find("op.execute(\"CALL zerolock_backfill_users_name()\")", down), std::string::npos);
  EXPECT_EQ(contract.find("zerolock-disable"), std::string::npos) << contract;
  EXPECT_EQ(fixed(out, config, true), out);  // idempotent
  // The column used another way in downgrade() (inside a batch): no rewrite rather than a wrong one.
  std::string batch = text + "    with op.batch_alter_table(\"users\") as batch_op:\n"
                             "        batch_op.alter_column(\"full_name\", nullable=True)\n";
  EXPECT_NE(fixed(batch, config, true).find("new_column_name=\"full_name\")"), std::string::npos);
  EXPECT_TRUE(fires(fixed(batch, config, true), config, "renaming-column"));
}

// The table renamed in upgrade() and back in downgrade() before the column is: the rollback would
// drop the new column under the table's later name and the user's rename back would then fail.
TEST(AlembicRender, RenameColumnOfATableRenamedBackIsNotRewritten) {
  std::string text = std::string(kHead) +
                     "def upgrade():\n"
                     "    op.execute(\"SET lock_timeout = '2s'\")\n"
                     "    op.rename_table(\"a\", \"b\")\n"
                     "    op.alter_column(\"b\", \"x\", new_column_name=\"y\")\n\n\n"
                     "def downgrade():\n"
                     "    op.execute(\"SET lock_timeout = '2s'\")\n"
                     "    op.rename_table(\"b\", \"a\")\n"
                     "    op.alter_column(\"a\", \"y\", new_column_name=\"x\")\n";
  Config config = version("1.8");
  EXPECT_EQ(refusal(text, config, "renaming-column"),
            "downgrade() renames the table back before it uses the column the rollback of the rewrite drops: not rewritten");
  std::string out = fixed(text, config, true);
  EXPECT_NE(out.find("    op.alter_column(\"b\", \"x\", new_column_name=\"y\")\n"), std::string::npos) << out;
  EXPECT_EQ(out.find("op.drop_column(\"b\", \"y\")"), std::string::npos) << out;
}

TEST(AlembicRender, GeneratedDowngradeWhenMissing) {
  std::string text = std::string(kHead) +
                     "def upgrade() -> None:\n"
                     "    op.add_column(\"users\", sa.Column(\"bio\", sa.Text(), nullable=True))\n"
                     "    op.create_table(\"tags\", sa.Column(\"id\", sa.BigInteger(), primary_key=True))\n";
  Config config = version("1.8");
  EXPECT_TRUE(fires(text, config, "missing-downgrade"));
  std::string safe_only = fixed(text, config);
  EXPECT_EQ(safe_only.find("def downgrade"), std::string::npos);  // rolling back drops data: unsafe
  std::string out = fixed(text, config, true);
  // The lock_timeout upgrade() sets is not in force when downgrade() runs: it gets its own.
  EXPECT_NE(out.find("\n\n\ndef downgrade() -> None:\n"
                     "    op.execute(\"SET lock_timeout = '5s'\")\n"
                     "    op.drop_table(\"tags\")\n"
                     "    op.drop_column(\"users\", \"bio\")\n"),
            std::string::npos)
      << out;
  EXPECT_FALSE(fires(out, config, "missing-downgrade"));
  EXPECT_FALSE(fires(out, config, "downgrade-not-inverse"));
}

TEST(AlembicRender, NothingInsideLoopsOrConditionalsAndNoCrashOnBrokenPython) {
  // The loop and conditional calls must come out byte for byte; the plain call in the same file
  // proves the fix pipeline ran (so an unchanged file is not just "nothing fired").
  const std::string loop = "    for t in (\"a\", \"b\"):\n"
                           "        op.create_index(\"ix_\" + t, t, [\"x\"])\n";
  const std::string cond = "    if op.get_context().dialect.name == \"postgresql\":\n"
                           "        op.create_index(\"ix_c\", \"orders\", [\"c\"])\n";
  std::string text = std::string(kHead) + "def upgrade():\n" + loop + cond +
                     "    op.create_index(\"ix_plain\", \"accounts\", [\"p\"])\n";
  std::string out = fixed(text, version("1.8"));
  EXPECT_NE(out.find("postgresql_concurrently"), std::string::npos) << out;
  EXPECT_NE(out.find(loop), std::string::npos) << out;
  EXPECT_NE(out.find(cond), std::string::npos) << out;
  std::string only_cond = std::string(kHead) + "def upgrade():\n    op.execute(\"SET lock_timeout = '2s'\")\n" + cond;
  // A conditional's calls are not analysed (a not-analysed finding says so), so there is no finding
  // to rewrite; the renderer refuses such a call on its own too (enclosing_refusal).
  EXPECT_EQ(refusal(only_cond, version("1.8"), "require-concurrent-index-creation"), "no require-concurrent-index-creation finding");
  EXPECT_TRUE(fires(only_cond, version("1.8"), "alembic-not-analysed")) << "the conditional is said to be unanalysed";
  std::string broken = text + "def downgrade(:\n";
  EXPECT_NO_THROW(fixed(broken, version("1.8"), true));
}

// batch_alter_table on PostgreSQL runs each batch_op.X as op.X(table, ...) when the block exits:
// a rewritten call leaves the block as op.* code on the batch's table, between the calls before it
// (still in the block) and the calls after it (in a second block with the same header).
TEST(AlembicRender, BatchCallLeavesTheBlockInItsOrder) {
  std::string text = std::string(kHead) +
                     "def upgrade():\n"
                     "    op.execute(\"SET lock_timeout = '2s'\")\n"
                     "    with op.batch_alter_table(\"users\", schema=\"app\") as batch_op:\n"
                     "        batch_op.add_column(sa.Column(\"bio\", sa.Text()))\n"
                     "        # the lookup by email\n"
                     "        batch_op.create_index(batch_op.f(\"ix_users_email\"), [\"email\"])  # by email\n"
                     "        batch_op.alter_column(\"bio\", comment=\"about\")\n";
  Config config = version("1.8");
  std::string out = fixed(text, config);
  EXPECT_EQ(out, std::string(kHead) +
                     "def upgrade():\n"
                     "    op.execute(\"SET lock_timeout = '2s'\")\n"
                     "    with op.batch_alter_table(\"users\", schema=\"app\") as batch_op:\n"
                     "        batch_op.add_column(sa.Column(\"bio\", sa.Text()))\n"
                     "    # the lookup by email\n"
                     "    with op.get_context().autocommit_block():\n"
                     "        op.create_index(op.f(\"ix_users_email\"), \"users\", [\"email\"], postgresql_concurrently=True, "
                     "schema=\"app\")  # by email\n"
                     "    with op.batch_alter_table(\"users\", schema=\"app\") as batch_op:\n"
                     "        batch_op.alter_column(\"bio\", comment=\"about\")\n");
  EXPECT_FALSE(fires(out, config, "require-concurrent-index-creation"));
  EXPECT_EQ(fixed(out, config), out);  // idempotent
}

TEST(AlembicRender, BatchBlockOfOneCallIsReplaced) {
  std::string text = std::string(kHead) +
                     "def downgrade():\n"
                     "\top.execute(\"SET lock_timeout = '2s'\")\n"
                     "\twith op.batch_alter_table(\"users\") as b:\n"
                     "\t\tb.drop_index(\n"
                     "\t\t\t\"ix_users_email\",\n"
                     "\t\t)\n";
  std::string out = fixed(text, version("1.8"));
  EXPECT_EQ(out, std::string(kHead) +
                     "def downgrade():\n"
                     "\top.execute(\"SET lock_timeout = '2s'\")\n"
                     "\twith op.get_context().autocommit_block():\n"
                     "\t\top.drop_index(\n"
                     "\t\t\t\"ix_users_email\",\n"
                     "\t\t\tpostgresql_concurrently=True,\n"
                     "\t\t\ttable_name=\"users\",\n"
                     "\t\t)\n");
  // create_foreign_key takes the block's schema as source_schema (the referent keeps its own).
  std::string fk = std::string(kHead) +
                   "def upgrade():\n"
                   "    op.execute(\"SET lock_timeout = '2s'\")\n"
                   "    with op.batch_alter_table(\"orders\", schema=\"shop\") as batch_op:\n"
                   "        batch_op.create_foreign_key(\"orders_user_id_fkey\", \"users\", [\"user_id\"], [\"id\"])\n";
  EXPECT_EQ(fixed(fk, version("1.8")),
            std::string(kHead) +
                "def upgrade():\n"
                "    op.execute(\"SET lock_timeout = '2s'\")\n"
                "    op.create_foreign_key(\"orders_user_id_fkey\", \"orders\", \"users\", [\"user_id\"], [\"id\"], "
                "postgresql_not_valid=True, source_schema=\"shop\")\n"
                "    with op.get_context().autocommit_block():\n"
                "        op.execute(\"ALTER TABLE shop.orders VALIDATE CONSTRAINT orders_user_id_fkey\")\n");
  // The not-null recipe: the user's alter_column, now an op call on the table, in its phase.
  std::string nn = std::string(kHead) +
                   "def upgrade():\n"
                   "    op.execute(\"SET lock_timeout = '2s'\")\n"
                   "    with op.batch_alter_table(\"orders\") as batch_op:\n"
                   "        batch_op.alter_column(\"status\", existing_type=sa.Text(), nullable=False)\n";
  EXPECT_EQ(fixed(nn, version("1.8")),
            std::string(kHead) +
                "def upgrade():\n"
                "    op.execute(\"SET lock_timeout = '2s'\")\n"
                "    op.execute(\"ALTER TABLE orders ADD CONSTRAINT orders_status_not_null CHECK (status IS NOT NULL) NOT VALID\")\n"
                "    with op.get_context().autocommit_block():\n"
                "        op.execute(\"ALTER TABLE orders VALIDATE CONSTRAINT orders_status_not_null\")\n"
                "        op.alter_column(\"orders\", \"status\", existing_type=sa.Text(), nullable=False)\n"
                "        op.drop_constraint(\"orders_status_not_null\", \"orders\")\n");
}

TEST(AlembicRender, BatchCallsThatCannotLeaveTheBlockSayWhy) {
  Config config = version("1.8");
  auto revision = [](const std::string& with, const std::string& body) {
    return std::string(kHead) + "def upgrade():\n    op.execute(\"SET lock_timeout = '2s'\")\n    " + with + "\n" + body;
  };
  const std::string index = "        batch_op.create_index(\"ix_a\", [\"a\"])\n";
  EXPECT_EQ(refusal(revision("with op.batch_alter_table(\"users\", recreate=\"always\") as batch_op:", index), config,
                    "require-concurrent-index-creation"),
            "batch_alter_table with recreate=\"always\" copies the table: not rewritten");
  EXPECT_EQ(refusal(revision("with op.batch_alter_table(\"users\") as batch_op:",
                             "        op.execute(\"UPDATE users SET a = 1 WHERE id = 1\")\n" + index),
                    config, "require-concurrent-index-creation"),
            "the batch_alter_table block holds code other than batch_op calls (it runs before the batch's ALTERs): not "
            "rewritten");
  EXPECT_EQ(refusal(revision("for t in (\"users\", \"admins\"):",
                             "        with op.batch_alter_table(t) as batch_op:\n"
                             "            batch_op.create_index(\"ix_a\", [\"a\"])\n"),
                    config, "require-concurrent-index-creation"),
            "no require-concurrent-index-creation finding");  // the loop is not analysed at all
  EXPECT_EQ(refusal(revision("with op.batch_alter_table(\"users\") as batch_op:",
                             "        batch_op.add_column(sa.Column(\"a\", sa.Text(), nullable=False, server_default=sa.text(\"gen_random_uuid()::text\")), "
                             "insert_after=\"id\")\n"),
                    config, "adding-not-nullable-column"),
            "batch_op.add_column(insert_after=...) only means something when the table is recreated: not rewritten");
  // A rename's expand phase could leave the block, but its rollback would have to take the place of
  // the rename back, which is in a batch block of downgrade() too.
  std::string rename = revision("with op.batch_alter_table(\"users\") as batch_op:",
                                "        batch_op.alter_column(\"name\", new_column_name=\"full_name\")\n\n\n"
                                "def downgrade():\n"
                                "    op.execute(\"SET lock_timeout = '2s'\")\n"
                                "    with op.batch_alter_table(\"users\") as batch_op:\n"
                                "        batch_op.alter_column(\"full_name\", new_column_name=\"name\")\n");
  EXPECT_EQ(refusal(rename, config, "renaming-column"),
            "the rollback of the rewrite would replace the user's rename back in downgrade(), which is inside a "
            "batch_alter_table block: not rewritten");
  EXPECT_EQ(fixed(rename, config, true), rename);
  // Unchanged where refused.
  std::string always = revision("with op.batch_alter_table(\"users\", recreate=\"always\") as batch_op:", index);
  EXPECT_EQ(fixed(always, config), always);
}

TEST(AlembicRender, LspOffersTheAlembicRewrite) {
  auto text = std::make_shared<const std::string>(std::string(kHead) +
                                                  "def upgrade():\n"
                                                  "    op.execute(\"SET lock_timeout = '2s'\")\n"
                                                  "    op.create_index(\"ix_users_email\", \"users\", [\"email\"])\n");
  lsp::AnalyzedDocument doc;
  doc.text = text;
  doc.config = std::make_shared<const Config>(version("1.8"));
  doc.lines = LineIndex(*text);
  doc.analysis = analyse(*text, *doc.config);
  const auto& provider = lsp::rewrite_actions();
  bool found = false;
  for (const auto& d : doc.analysis.diagnostics) {
    if (d.rule != "require-concurrent-index-creation") continue;
    std::vector<lsp::ProposedAction> actions;
    provider.propose(doc, d, actions);
    for (const auto& a : actions) {
      found = true;
      EXPECT_EQ(a.kind, "quickfix");
      auto edits = provider.edits(doc, a.data).edits;
      ASSERT_FALSE(edits.empty());
      std::string all;
      for (const auto& e : edits) all += e.new_text;
      EXPECT_NE(all.find("autocommit_block"), std::string::npos) << all;
    }
  }
  EXPECT_TRUE(found);
}

}  // namespace
}  // namespace zerolock::fixes
