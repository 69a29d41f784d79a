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

}  // namespace
}  // namespace zerolock
