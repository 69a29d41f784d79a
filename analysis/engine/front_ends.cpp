#include "engine/front_ends.h"

#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace zerolock {
namespace {
struct Registry {
  std::map<Format, FrontEndFn> front_ends;
  std::vector<FormatSnifferFn> sniffers;
};
Registry& registry() {
  static Registry r;
  return r;
}

std::string lower_extension(const std::string& path) {
  std::string ext = std::filesystem::path(path).extension().string();
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ext;
}
}  // namespace

bool register_front_end(Format format, FrontEndFn parse) {
  registry().front_ends[format] = std::move(parse);
  return true;
}

bool register_format_sniffer(FormatSnifferFn sniff) {
  registry().sniffers.push_back(std::move(sniff));
  return true;
}

bool has_front_end(Format format) { return registry().front_ends.count(format) > 0; }

std::optional<Migration> parse_with_front_end(Format format, const DocumentInput& input, const Config& config,
                                              StatementCache& cache) {
  auto it = registry().front_ends.find(format);
  if (it == registry().front_ends.end()) return std::nullopt;
  return it->second(input, config, cache);
}

Format detect_format(const DocumentInput& input) {
  for (const FormatSnifferFn& sniff : registry().sniffers) {
    if (auto f = sniff(input)) return *f;
  }
  const std::string ext = lower_extension(input.path);
  const std::string& lang = input.language_id;
  if (lang == "python" || ext == ".py") return Format::Alembic;
  if (lang == "xml" || ext == ".xml") return Format::LiquibaseXml;
  if (lang == "yaml" || ext == ".yaml" || ext == ".yml") return Format::LiquibaseYaml;
  if (lang == "json" || ext == ".json") return Format::LiquibaseJson;
  if (input.text.substr(0, 64).find("--liquibase formatted sql") != std::string_view::npos)
    return Format::LiquibaseSql;
  return Format::Sql;
}

}  // namespace zerolock
