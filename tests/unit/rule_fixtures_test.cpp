// Golden tests per rule: tests/fixtures/rules/<rule-id>/bad.<ext> must trigger the rule (its
// findings are compared with bad.expected), good.<ext> must not. Regenerate goldens with
// ZEROLOCK_UPDATE_GOLDENS=1; a missing golden fails the test otherwise.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "rules/rule.h"
#include "test_support.h"
#include "text/line_index.h"

namespace fs = std::filesystem;
using namespace zerolock;

namespace {

fs::path fixtures_root() { return fs::path(ZEROLOCK_SOURCE_DIR) / "tests" / "fixtures" / "rules"; }

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// One line per finding of `rule`: "3:1-3:45 error message".
std::string render(const Analysis& a, const std::string& text, const std::string& rule) {
  LineIndex lines(text);
  std::string out;
  for (const Diagnostic& d : a.diagnostics) {
    if (d.rule != rule) continue;
    TextPosition s = lines.position(d.range.begin, ColumnEncoding::Utf16);
    TextPosition e = lines.position(d.range.end, ColumnEncoding::Utf16);
    out += std::to_string(s.line + 1) + ":" + std::to_string(s.character + 1) + "-" + std::to_string(e.line + 1) + ":" +
           std::to_string(e.character + 1) + " " + severity_name(d.severity) + " " + d.message + "\n";
  }
  return out;
}

Analysis analyze_fixture(const fs::path& file, const std::string& text) {
  StatementCache cache;
  DocumentInput input;
  std::string path = file.string();
  input.path = path;
  input.text = text;
  Config config;
  // Fixtures are checked with every rule on, so rules that are off by default are tested too.
  for (const Rule* r : RuleRegistry::all()) config.rules[r->meta().id].enabled = true;
  return analyze_document(input, config, cache);
}

}  // namespace

TEST(RuleFixtures, EveryRuleHasFixturesAndEveryFixtureHasARule) {
  std::set<std::string> dirs;
  if (fs::exists(fixtures_root()))
    for (const auto& e : fs::directory_iterator(fixtures_root()))
      if (e.is_directory()) dirs.insert(e.path().filename().string());
  for (const Rule* r : RuleRegistry::all()) EXPECT_TRUE(dirs.count(r->meta().id)) << "no fixtures for rule " << r->meta().id;
  for (const std::string& d : dirs) EXPECT_NE(RuleRegistry::find(d), nullptr) << "fixtures for unknown rule " << d;
}

TEST(RuleFixtures, BadTriggersGoodDoesNot) {
  const bool update = std::getenv("ZEROLOCK_UPDATE_GOLDENS") != nullptr;
  ASSERT_TRUE(fs::exists(fixtures_root()));
  for (const auto& dir : fs::directory_iterator(fixtures_root())) {
    if (!dir.is_directory()) continue;
    const std::string rule = dir.path().filename().string();
    if (!RuleRegistry::find(rule)) continue;  // reported by the test above
    bool saw_bad = false, saw_good = false;
    for (const auto& f : fs::directory_iterator(dir.path())) {
      const std::string stem = f.path().stem().string();
      if (f.path().extension() == ".expected") continue;
      SCOPED_TRACE(f.path().string());
      std::string text = read(f.path());
      Analysis a = analyze_fixture(f.path(), text);
      std::string found = render(a, text, rule);
      if (stem == "bad" || stem.rfind("bad_", 0) == 0) {
        saw_bad = true;
        EXPECT_FALSE(found.empty()) << rule << " did not fire on " << f.path();
        fs::path golden = f.path();
        golden.replace_extension(".expected");
        if (update) {
          std::ofstream(golden, std::ios::binary) << found;
        } else if (!fs::exists(golden)) {
          ADD_FAILURE() << "missing golden " << golden << " (run with ZEROLOCK_UPDATE_GOLDENS=1)";
        } else {
          EXPECT_EQ(found, read(golden)) << "golden mismatch for " << f.path();
        }
      } else if (stem == "good" || stem.rfind("good_", 0) == 0) {
        saw_good = true;
        EXPECT_EQ(found, "") << rule << " fired on its good fixture " << f.path();
      }
    }
    EXPECT_TRUE(saw_bad) << rule << " has no bad fixture";
    EXPECT_TRUE(saw_good) << rule << " has no good fixture";
  }
}
