// Golden tests: every fixture under tests/fixtures/liquibase and tests/fixtures/flyway is
// analysed and its diagnostics compared with <file>.expected (one line per diagnostic:
// `line:col-line:col severity[rule] message`, 1-based UTF-8 columns). Set
// ZEROLOCK_UPDATE_GOLDEN=1 to (re)write the expectations.
#include <gtest/gtest.h>

#include <algorithm>

#include "support.h"

namespace zerolock {
namespace {

std::string render(const Analysis& a, std::string_view text) {
  std::string out;
  for (const Diagnostic& d : a.diagnostics) {
    out += lbtest::where(text, d.range.begin) + "-" + lbtest::where(text, d.range.end) + " " + severity_name(d.severity) +
           "[" + d.rule + "] " + d.message + "\n";
  }
  return out;
}

std::vector<std::filesystem::path> fixture_files() {
  std::vector<std::filesystem::path> out;
  for (const char* sub : {"liquibase", "flyway"}) {
    std::filesystem::path dir = lbtest::fixtures() / sub;
    std::error_code ec;
    for (const auto& e : std::filesystem::recursive_directory_iterator(dir, ec)) {
      std::string ext = e.path().extension().string();
      if (e.is_regular_file() && (ext == ".xml" || ext == ".yaml" || ext == ".yml" || ext == ".json" || ext == ".sql"))
        out.push_back(e.path());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST(Golden, FixturesMatchExpectations) {
  auto files = fixture_files();
  ASSERT_FALSE(files.empty());
  bool update = std::getenv("ZEROLOCK_UPDATE_GOLDEN") != nullptr;
  for (const auto& file : files) {
    std::string text = lbtest::read_file(file);
    // Paths relative to the source tree, so messages naming files do not depend on the checkout.
    std::string rel = std::filesystem::relative(file, lbtest::source_dir()).string();
    Analysis a = lbtest::analyze(text, file.string());
    std::string actual = render(a, text);
    std::string root = lbtest::source_dir().string() + "/";
    for (size_t at; (at = actual.find(root)) != std::string::npos;) actual.erase(at, root.size());
    std::filesystem::path expected_path = file.string() + ".expected";
    if (update) {
      std::ofstream(expected_path, std::ios::binary) << actual;
      continue;
    }
    ASSERT_TRUE(std::filesystem::exists(expected_path)) << rel << ": no .expected (run with ZEROLOCK_UPDATE_GOLDEN=1)";
    EXPECT_EQ(actual, lbtest::read_file(expected_path)) << rel;
  }
}

// The rule fixtures of this suite's rules (tests/fixtures/rules/<id>/bad*), in the format of the
// lead's harness (tests/unit/rule_fixtures_test.cpp): "line:col-line:col severity message" with
// UTF-16 columns, for the rule only. Checked here too; ZEROLOCK_UPDATE_GOLDEN=1 writes them.
TEST(Golden, OwnRuleFixtures) {
  bool update = std::getenv("ZEROLOCK_UPDATE_GOLDEN") != nullptr;
  for (const char* rule : {"missing-rollback", "multiple-concurrently-in-changeset", "flyway-mixed-transaction",
                           "missing-down-migration"}) {
    std::filesystem::path dir = lbtest::fixtures() / "rules" / rule;
    for (const auto& f : std::filesystem::directory_iterator(dir)) {
      std::string stem = f.path().stem().string();
      bool bad = stem == "bad" || stem.rfind("bad_", 0) == 0;
      bool good = stem == "good" || stem.rfind("good_", 0) == 0;
      if ((!bad && !good) || f.path().extension() == ".expected") continue;
      std::string text = lbtest::read_file(f.path());
      Config config;
      Analysis a = lbtest::analyze(text, f.path().string(), config);
      LineIndex lines(text);
      std::string found;
      for (const Diagnostic& d : a.diagnostics) {
        if (d.rule != rule) continue;
        TextPosition s = lines.position(d.range.begin, ColumnEncoding::Utf16);
        TextPosition e = lines.position(d.range.end, ColumnEncoding::Utf16);
        found += std::to_string(s.line + 1) + ":" + std::to_string(s.character + 1) + "-" + std::to_string(e.line + 1) +
                 ":" + std::to_string(e.character + 1) + " " + severity_name(d.severity) + " " + d.message + "\n";
      }
      if (good) {
        EXPECT_EQ(found, "") << f.path();
        continue;
      }
      EXPECT_FALSE(found.empty()) << rule << " did not fire on " << f.path();
      std::filesystem::path golden = f.path();
      golden.replace_extension(".expected");
      if (update) std::ofstream(golden, std::ios::binary) << found;
      else EXPECT_EQ(found, lbtest::read_file(golden)) << golden;
    }
  }
}

}  // namespace
}  // namespace zerolock
