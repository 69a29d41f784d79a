#include <gtest/gtest.h>

#include "alembic/python_parser.h"

namespace zerolock::alembic {
namespace {

TEST(PythonParser, ModuleSubsetOfRevisions) {
  std::string src =
      "\"\"\"doc\"\"\"\n"
      "from alembic import op\nimport sqlalchemy as sa\nfrom sqlalchemy.dialects import postgresql\n"
      "revision: str = 'abc'\ndown_revision = ('x', 'y')\n"
      "@decorator\n"
      "def upgrade() -> None:\n"
      "    with op.batch_alter_table('t', schema=None) as batch_op:\n"
      "        batch_op.drop_column('c')\n"
      "    for x in y: pass\n"
      "    if a:\n        pass\n    elif b:\n        pass\n    else:\n        pass\n"
      "    try:\n        pass\n    except Exception as e:\n        raise\n    finally:\n        pass\n"
      "    x = [i for i in range(3)]; y = {'a': 1, **z}\n"
      "    f(*args, key=lambda v: v + 1, **kw)\n"
      "def downgrade(): pass\n";
  Module m = parse_module(src);
  EXPECT_TRUE(m.errors.empty()) << m.errors.front().message << " at " << m.errors.front().offset;
  ASSERT_EQ(m.body.size(), 8u);
  EXPECT_TRUE(is_docstring(m.body[0]));
  EXPECT_EQ(m.body[1].kind, StmtKind::ImportFrom);
  EXPECT_EQ(m.body[1].module, "alembic");
  EXPECT_EQ(m.body[2].names[0].alias, "sa");
  EXPECT_EQ(m.body[4].kind, StmtKind::AnnAssign);
  EXPECT_EQ(m.body[5].value->kind, ExprKind::Tuple);
  const Stmt& up = m.body[6];
  EXPECT_EQ(up.kind, StmtKind::Def);
  EXPECT_EQ(up.name, "upgrade");
  ASSERT_EQ(up.body.size(), 7u);
  EXPECT_EQ(up.body[0].kind, StmtKind::With);
  EXPECT_EQ(up.body[0].with_items[0].as_name, "batch_op");
  EXPECT_EQ(up.body[1].kind, StmtKind::For);
  EXPECT_EQ(up.body[2].kind, StmtKind::If);
  EXPECT_EQ(up.body[2].orelse.size(), 2u);
  EXPECT_EQ(up.body[3].kind, StmtKind::Try);
  EXPECT_EQ(up.body[4].kind, StmtKind::Assign);
  EXPECT_EQ(up.body[4].value->kind, ExprKind::Other);  // a comprehension
  EXPECT_EQ(up.body[5].value->kind, ExprKind::Dict);
  EXPECT_EQ(up.body[6].value->kind, ExprKind::Call);
  EXPECT_EQ(m.body[7].name, "downgrade");
  EXPECT_EQ(m.body[7].body.size(), 1u);
}

TEST(PythonParser, CallRangesAndArguments) {
  std::string src = "op.create_index(op.f('ix'), 't', ['a', 'b'], unique=True)\n";
  Module m = parse_module(src);
  ASSERT_EQ(m.body.size(), 1u);
  const Expr& c = *m.body[0].value;
  ASSERT_EQ(c.kind, ExprKind::Call);
  EXPECT_EQ(c.range, (ByteRange{0, static_cast<uint32_t>(src.size() - 1)}));
  EXPECT_EQ(c.value->dotted(), "op.create_index");
  ASSERT_EQ(c.items.size(), 3u);
  EXPECT_EQ(c.items[1]->str.value, "t");
  EXPECT_EQ(c.items[2]->items.size(), 2u);
  ASSERT_NE(c.keyword("unique"), nullptr);
  EXPECT_EQ(c.keyword("unique")->text, "True");
}

TEST(PythonParser, RecoversAfterASyntaxError) {
  std::string src = "def upgrade():\n    x = = 1\n    op.drop_table('t')\n\ndef downgrade():\n    pass\n";
  Module m = parse_module(src);
  ASSERT_FALSE(m.errors.empty());
  ASSERT_EQ(m.body.size(), 2u);
  ASSERT_EQ(m.body[0].body.size(), 2u);
  EXPECT_EQ(m.body[0].body[1].kind, StmtKind::Expr);
  EXPECT_EQ(m.body[1].name, "downgrade");
}

TEST(PythonParser, ImplicitConcatenationIsOneString) {
  Module m = parse_module("x = ('a'\n     \"b\" r'\\c')\n");
  ASSERT_EQ(m.body.size(), 1u);
  EXPECT_EQ(m.body[0].value->kind, ExprKind::String);
  EXPECT_EQ(m.body[0].value->str.value, "ab\\c");
}

}  // namespace
}  // namespace zerolock::alembic
