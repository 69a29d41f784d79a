// Workspace confinement (issue 9): files named by a migration are read only inside its bound,
// never through a symlink pointing out of it, never through "../..". Each test plants the escape
// and a control (the same content inside the bound, which must be read), so it can fail.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "config/config.h"
#include "test_support.h"

namespace fs = std::filesystem;
using zerolock::testing::analyze_text;
using zerolock::testing::count_rule;

namespace {

class Confinement : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("zerolock_confine_" + std::to_string(::getpid()) + "_" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::create_directories(root_ / "outside");
    fs::create_directories(root_ / "ws");
  }
  void TearDown() override { fs::remove_all(root_); }
  fs::path write(const fs::path& rel, const std::string& text) {
    fs::path p = root_ / rel;
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
    return p;
  }
  zerolock::Analysis analyse_file(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    text_ = ss.str();
    return analyze_text(text_, p.string());
  }
  static bool mentions(const zerolock::Analysis& a, const std::string& what) {
    for (const auto& d : a.diagnostics)
      if (d.message.find(what) != std::string::npos) return true;
    return false;
  }
  fs::path root_;
  std::string text_;
};

const char* kIndex = "CREATE INDEX ix_users_email ON users (email);\n";

std::string sql_file_changelog(const std::string& path) {
  return "<databaseChangeLog>\n  <changeSet id=\"1\" author=\"a\">\n    <sqlFile path=\"" + path +
         "\" relativeToChangelogFile=\"true\"/>\n  </changeSet>\n</databaseChangeLog>\n";
}

}  // namespace

TEST_F(Confinement, LiquibaseSqlFileDotDotIsNotRead) {
  write("outside/evil.sql", kIndex);
  write("ws/db/inside.sql", kIndex);
  auto escaped = analyse_file(write("ws/db/changelog.xml", sql_file_changelog("../../outside/evil.sql")));
  EXPECT_EQ(count_rule(escaped, "require-concurrent-index-creation"), 0u);
  EXPECT_TRUE(mentions(escaped, "outside the changelog's directory tree"));
  auto control = analyse_file(write("ws/db/changelog.xml", sql_file_changelog("inside.sql")));
  EXPECT_EQ(count_rule(control, "require-concurrent-index-creation"), 1u);
}

TEST_F(Confinement, LiquibaseSqlFileSymlinkOutIsNotRead) {
  write("outside/evil.sql", kIndex);
  fs::create_directories(root_ / "ws/db");
  fs::create_symlink(root_ / "outside/evil.sql", root_ / "ws/db/link.sql");
  auto a = analyse_file(write("ws/db/changelog.xml", sql_file_changelog("link.sql")));
  EXPECT_EQ(count_rule(a, "require-concurrent-index-creation"), 0u);
}

TEST_F(Confinement, LiquibaseIncludeAllDoesNotFollowASymlinkOut) {
  // The outside changelog includes the top one back: an include cycle is reported iff it was read.
  std::string back = "<databaseChangeLog>\n  <include file=\"../ws/db/changelog.xml\" relativeToChangelogFile=\"true\"/>\n"
                     "</databaseChangeLog>\n";
  std::string top = "<databaseChangeLog>\n  <includeAll path=\"inc/\" relativeToChangelogFile=\"true\"/>\n</databaseChangeLog>\n";
  write("outside/evil.xml", back);
  fs::create_directories(root_ / "ws/db/inc");
  fs::create_symlink(root_ / "outside/evil.xml", root_ / "ws/db/inc/evil.xml");
  auto escaped = analyse_file(write("ws/db/changelog.xml", top));
  EXPECT_FALSE(mentions(escaped, "include cycle"));
  // Control: a changelog inside the bound including the top one back is read (cycle reported).
  fs::remove(root_ / "ws/db/inc/evil.xml");
  write("ws/db/inc/back.xml", "<databaseChangeLog>\n  <include file=\"../changelog.xml\" relativeToChangelogFile=\"true\"/>\n"
                              "</databaseChangeLog>\n");
  auto control = analyse_file(root_ / "ws/db/changelog.xml");
  EXPECT_TRUE(mentions(control, "include cycle"));
}

TEST_F(Confinement, AlembicSiblingSymlinkOutIsNotRead) {
  // 0001 names down_revision '0000'; only the outside file defines it.
  std::string rev0 = "from alembic import op\nrevision = '0000'\ndown_revision = None\n\ndef upgrade():\n    pass\n";
  std::string rev1 = "from alembic import op\nrevision = '0001'\ndown_revision = '0000'\n\ndef upgrade():\n    pass\n";
  write("outside/0000_base.py", rev0);
  fs::create_directories(root_ / "ws/alembic/versions");
  fs::create_symlink(root_ / "outside/0000_base.py", root_ / "ws/alembic/versions/0000_base.py");
  auto escaped = analyse_file(write("ws/alembic/versions/0001_next.py", rev1));
  EXPECT_EQ(count_rule(escaped, "alembic-broken-down-revision"), 1u);
  // Control: the same file really inside the directory defines the revision.
  fs::remove(root_ / "ws/alembic/versions/0000_base.py");
  write("ws/alembic/versions/0000_base.py", rev0);
  auto control = analyse_file(root_ / "ws/alembic/versions/0001_next.py");
  EXPECT_EQ(count_rule(control, "alembic-broken-down-revision"), 0u);
}

TEST_F(Confinement, ConfigLookupStaysInsideTheWorkspaceRoot) {
  write("outside/zerolock.toml", "pg_version = 12\n");
  fs::create_directories(root_ / "ws/db");
  fs::create_symlink(root_ / "outside/zerolock.toml", root_ / "ws/zerolock.toml");
  EXPECT_FALSE(zerolock::find_config(root_ / "ws/db", root_ / "ws")) << "followed a symlink out of the workspace";
  // A file outside the workspace root: nothing is looked up at all (not even outside/zerolock.toml).
  EXPECT_FALSE(zerolock::find_config(root_ / "outside", root_ / "ws"));
  // Control: a real zerolock.toml in the workspace is found.
  fs::remove(root_ / "ws/zerolock.toml");
  write("ws/zerolock.toml", "pg_version = 12\n");
  EXPECT_TRUE(zerolock::find_config(root_ / "ws/db", root_ / "ws"));
}
