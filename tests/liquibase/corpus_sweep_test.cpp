// Corpus sweep: every file under ../shared/corpus/liquibase and ../shared/corpus/sql is analysed
// without a crash; prints coverage (change types understood or not, files, statements, parse
// failures by cause, tools detected). Skips when the corpus is absent.
#include <gtest/gtest.h>

#include <map>

#include "liquibase/change_mapper.h"
#include "liquibase/changelog_tree.h"
#include "support.h"

namespace zerolock {
namespace {
namespace fs = std::filesystem;

fs::path corpus_root() {
  if (const char* env = std::getenv("ZEROLOCK_CORPUS")) return env;
  return lbtest::source_dir() / ".." / "shared" / "corpus";
}

void count_change_types(const liquibase::Node& n, bool in_change_set, std::map<std::string, std::pair<size_t, bool>>& types) {
  for (const liquibase::Node& c : n.children) {
    if (c.name == "changeSet") {
      count_change_types(c, true, types);
    } else if (in_change_set && c.name != "comment" && c.name != "preConditions" && c.name != "rollback" &&
               c.name != "validCheckSum" && c.name != "modifySql") {
      auto& e = types[c.name];
      ++e.first;
      e.second = liquibase::change_type_understood(c.name);
    }
  }
}

std::string cause_of(const std::string& message) {
  std::string m = message.substr(0, message.find(" at or near"));
  if (m.size() > 60) m = m.substr(0, 60);
  return m;
}

TEST(CorpusSweep, Liquibase) {
  fs::path root = corpus_root() / "liquibase";
  if (!fs::is_directory(root)) GTEST_SKIP() << "no corpus at " << root << "; skipped";
  std::map<std::string, std::pair<size_t, bool>> types;
  std::map<std::string, size_t> formats, rules, failures;
  size_t files = 0, statements = 0, units = 0, not_changelogs = 0;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    if (!e.is_regular_file()) continue;
    std::string ext = e.path().extension().string();
    if (ext != ".xml" && ext != ".yaml" && ext != ".yml" && ext != ".json" && ext != ".sql") continue;
    std::string text = lbtest::read_file(e.path());
    ++files;
    Analysis a;
    ASSERT_NO_THROW(a = lbtest::analyze(text, e.path().string())) << e.path();
    ++formats[format_name(a.migration.format)];
    statements += a.migration.statements.size();
    units += a.migration.units.size();
    if (a.migration.units.empty() && a.migration.statements.empty()) ++not_changelogs;
    for (const Diagnostic& d : a.diagnostics) {
      ++rules[d.rule];
      if (d.rule == "syntax-error") ++failures[cause_of(d.message)];
    }
    liquibase::ReadResult r = ext == ".xml" ? liquibase::read_xml(text)
                            : ext == ".json" ? liquibase::read_json(text)
                            : ext == ".sql" ? liquibase::ReadResult{}
                                            : liquibase::read_yaml(text);
    if (r.root) count_change_types(*r.root, false, types);
  }
  size_t understood = 0, total = 0;
  std::cout << "Liquibase corpus: " << files << " files, " << units << " changeSets, " << statements << " statements, "
            << not_changelogs << " files without changeSets\n  formats:";
  for (auto& [f, n] : formats) std::cout << " " << f << "=" << n;
  std::cout << "\n  change types (count, understood):\n";
  for (auto& [t, e] : types) {
    std::cout << "    " << t << " " << e.first << (e.second ? "" : "  NOT UNDERSTOOD") << "\n";
    total += e.first;
    if (e.second) understood += e.first;
  }
  std::cout << "  understood " << understood << "/" << total << " changes\n  diagnostics by rule:";
  for (auto& [r, n] : rules) std::cout << " " << r << "=" << n;
  std::cout << "\n  parse failures by cause:\n";
  for (auto& [c, n] : failures) std::cout << "    " << n << "  " << c << "\n";
  EXPECT_GT(files, 0u);
}

TEST(CorpusSweep, Sql) {
  fs::path root = corpus_root() / "sql";
  if (!fs::is_directory(root)) GTEST_SKIP() << "no corpus at " << root << "; skipped";
  std::map<std::string, size_t> tools, rules, failures;
  size_t files = 0, statements = 0, clean = 0, downgrade = 0;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    if (!e.is_regular_file() || e.path().extension() != ".sql") continue;
    std::string text = lbtest::read_file(e.path());
    ++files;
    Analysis a;
    ASSERT_NO_THROW(a = lbtest::analyze(text, e.path().string())) << e.path();
    ++tools[migration_tool_name(a.migration.tool)];
    statements += a.migration.statements.size();
    bool ok = true;
    for (const Statement& s : a.migration.statements) downgrade += s.section == Section::Downgrade;
    for (const Diagnostic& d : a.diagnostics) {
      ++rules[d.rule];
      if (d.rule == "syntax-error") ok = false, ++failures[cause_of(d.message)];
    }
    clean += ok;
  }
  std::cout << "SQL corpus: " << files << " files (" << clean << " parse cleanly), " << statements << " statements, "
            << downgrade << " in downgrades\n  tools:";
  for (auto& [t, n] : tools) std::cout << " " << t << "=" << n;
  std::cout << "\n  diagnostics by rule:";
  for (auto& [r, n] : rules) std::cout << " " << r << "=" << n;
  std::cout << "\n  parse failures by cause:\n";
  for (auto& [c, n] : failures) std::cout << "    " << n << "  " << c << "\n";
  EXPECT_GT(files, 0u);
}

}  // namespace
}  // namespace zerolock
