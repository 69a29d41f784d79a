#include "server/cli/inputs.h"

#include <algorithm>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <system_error>

#include "engine/analysis.h"
#include "engine/front_ends.h"
#include "text/input_limits.h"

namespace zerolock::cli {
namespace fs = std::filesystem;
namespace {

std::optional<std::string> read_all(std::istream& in) {
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return std::nullopt;
  return text;
}

bool skipped_directory(const fs::path& dir) {
  std::string name = dir.filename().string();
  return (name.size() > 1 && name[0] == '.') || name == "node_modules" || name == "__pycache__" || name == "target" ||
         name == "build";
}

std::string head_of(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::string head(4096, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<size_t>(std::max<std::streamsize>(0, in.gcount())));
  return head;
}

}  // namespace

bool looks_like_migration(const fs::path& path, std::string_view head) {
  DocumentInput probe;
  std::string p = path.string();
  probe.path = p;
  probe.text = head;
  Format format = detect_format(probe);
  if (!has_front_end(format)) return false;
  std::string ext = path.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  if (ext == ".sql") return true;
  if (ext == ".py") return head.find("alembic") != std::string_view::npos;
  if (ext == ".xml" || ext == ".yaml" || ext == ".yml" || ext == ".json")
    return head.find("databaseChangeLog") != std::string_view::npos;
  return false;
}

Inputs collect_inputs(const CommonOptions& options) {
  Inputs inputs;
  auto add_file = [&](const fs::path& path) {
    std::error_code size_error;
    uintmax_t size = fs::file_size(path, size_error);
    if (!size_error && size > limits::kMaxDocumentBytes) {
      inputs.errors.push_back(path.string() + ": " + limits::too_large_message(size));
      return;
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      inputs.errors.push_back(path.string() + ": cannot read: " + std::strerror(errno));
      return;
    }
    auto text = read_all(in);
    if (!text) {
      inputs.errors.push_back(path.string() + ": read error");
      return;
    }
    inputs.files.push_back({path.string(), std::move(*text)});
  };

  for (const std::string& arg : options.paths) {
    if (arg == "-") {
      auto text = read_all(std::cin);
      if (!text) inputs.errors.push_back("<stdin>: read error");
      else if (text->size() > limits::kMaxDocumentBytes) inputs.errors.push_back("<stdin>: " + limits::too_large_message(text->size()));
      else inputs.files.push_back({options.stdin_filename.value_or("<stdin>.sql"), std::move(*text)});
      continue;
    }
    std::error_code ec;
    fs::file_status status = fs::status(arg, ec);
    if (ec || !fs::exists(status)) {
      inputs.errors.push_back(arg + ": no such file or directory");
      continue;
    }
    if (!fs::is_directory(status)) {
      add_file(arg);  // explicit files are always read
      continue;
    }
    std::vector<fs::path> found;
    fs::recursive_directory_iterator it(arg, fs::directory_options::skip_permission_denied, ec), end;
    if (ec) {
      inputs.errors.push_back(arg + ": cannot list: " + ec.message());
      continue;
    }
    for (; it != end; it.increment(ec)) {
      if (ec) {
        inputs.errors.push_back(arg + ": " + ec.message());
        break;
      }
      if (it->is_directory(ec) && skipped_directory(it->path())) {
        it.disable_recursion_pending();
        continue;
      }
      if (!it->is_regular_file(ec)) continue;
      if (looks_like_migration(it->path(), head_of(it->path()))) found.push_back(it->path());
    }
    std::sort(found.begin(), found.end());  // stable, reproducible order
    for (const fs::path& p : found) add_file(p);
  }
  return inputs;
}

std::optional<Config> ConfigResolver::load(const fs::path& file) {
  auto key = file.string();
  auto it = by_file_.find(key);
  if (it != by_file_.end()) return it->second;
  std::optional<Config> result;
  auto loaded = load_config_file(file);
  if (auto* config = std::get_if<Config>(&loaded)) {
    result = *config;
  } else {
    errors_.push_back(std::get<ConfigError>(loaded).message);
  }
  by_file_[key] = result;
  return result;
}

std::optional<Config> ConfigResolver::config_for(const std::string& path) {
  Config config;
  if (options_.config_file) {
    auto loaded = load(*options_.config_file);
    if (!loaded) return std::nullopt;
    config = *loaded;
  } else if (!options_.no_config) {
    fs::path start = path.rfind("<stdin>", 0) == 0 ? fs::current_path() : fs::path(path).parent_path();
    if (start.empty()) start = fs::current_path();
    if (auto file = find_config(start)) {
      auto loaded = load(*file);
      if (!loaded) return std::nullopt;
      config = *loaded;
    }
  }
  apply_overrides(options_, config);
  return config;
}

}  // namespace zerolock::cli
