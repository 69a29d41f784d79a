// Replays every regression input (tests/fuzz/regressions/<target>/) and every seed file of each
// fuzz target through the target's function, without libFuzzer: a crash found once stays fixed,
// and CI checks it with the ordinary compiler. A failed invariant aborts the binary, naming the
// file on stderr first.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "targets/fuzz_support.h"

namespace fs = std::filesystem;
using zerolock::fuzz::Target;

namespace {

std::string source_dir() {
  const char* env = std::getenv("ZEROLOCK_SOURCE_DIR");
  return env ? env : ZEROLOCK_SOURCE_DIR;
}

bool wanted(const fs::path& file, const std::vector<std::string>& suffixes) {
  if (suffixes.empty()) return true;
  std::string name = file.filename().string();
  return std::any_of(suffixes.begin(), suffixes.end(), [&](const std::string& s) {
    return name.size() >= s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0;
  });
}

std::vector<fs::path> files_of(const Target& target) {
  std::vector<fs::path> out;
  fs::path regressions = fs::path(source_dir()) / "tests/fuzz/regressions" / target.name;
  if (fs::is_directory(regressions))
    for (const auto& e : fs::directory_iterator(regressions))
      if (e.is_regular_file() && e.path().filename() != "README.md") out.push_back(e.path());
  for (const auto& dir : target.seed_dirs) {
    fs::path root = fs::path(source_dir()) / dir;
    if (!fs::is_directory(root)) continue;
    for (const auto& e : fs::recursive_directory_iterator(root))
      if (e.is_regular_file() && wanted(e.path(), target.suffixes)) out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string read(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class Replay : public ::testing::TestWithParam<Target> {};

TEST_P(Replay, RegressionsAndSeeds) {
  const Target& target = GetParam();
  auto files = files_of(target);
  ASSERT_FALSE(files.empty()) << "no regression or seed files for " << target.name;
  for (const auto& file : files) {
    std::cerr << "replay " << target.name << " " << file.string() << "\n";
    std::string bytes = read(file);
    EXPECT_EQ(target.run(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()), 0) << file;
  }
  std::cout << target.name << ": " << files.size() << " files replayed\n";
}

INSTANTIATE_TEST_SUITE_P(Targets, Replay, ::testing::ValuesIn(zerolock::fuzz::targets()),
                         [](const ::testing::TestParamInfo<Target>& info) { return std::string(info.param.name); });

}  // namespace
