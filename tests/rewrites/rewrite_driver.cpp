// Test driver: `rewrite_driver [--unsafe] [--pg-version N] FILE` prints fix_all's result as JSON
// ({"text","new_files":[{"path","text"}],"applied":[...],"passes"}) with the stand-in rules registered.
#include <fstream>
#include <iostream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "fixes/fix.h"
#include "standin_rules.h"

int main(int argc, char** argv) {
  zerolock::test::register_standin_rules();
  bool unsafe = false;
  zerolock::Config config;
  std::string file;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--unsafe") unsafe = true;
    else if (a == "--pg-version" && i + 1 < argc) config.pg_version = std::stoi(argv[++i]);
    else file = a;
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    std::cerr << "cannot read " << file << "\n";
    return 2;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  zerolock::StatementCache cache;
  auto r = zerolock::fixes::fix_all(file, ss.str(), config, unsafe, cache);
  nlohmann::json files = nlohmann::json::array();
  for (const auto& f : r.new_files) files.push_back({{"path", f.path}, {"text", f.text}});
  std::cout << nlohmann::json{{"text", r.text}, {"new_files", files}, {"applied", r.applied}, {"passes", r.passes}}.dump(2) << "\n";
  return 0;
}
