// Registers the Liquibase front ends (XML, YAML, JSON, formatted SQL) and a format sniffer with
// the engine. The engine never includes liquibase/ headers.
#include <cctype>
#include <filesystem>

#include "engine/front_ends.h"
#include "liquibase/change_mapper.h"
#include "text/input_limits.h"

namespace zerolock::liquibase {
namespace {

Migration parse_tree_format(Format format, const DocumentInput& input, const Config& config, StatementCache& cache) {
  // Pathologically nested input is reported, never handed to the recursive readers.
  std::optional<limits::TooDeep> too_deep = format == Format::LiquibaseXml ? limits::xml_too_deep(input.text)
                                          : format == Format::LiquibaseJson ? limits::json_too_deep(input.text)
                                                                            : limits::yaml_too_deep(input.text);
  ReadResult r;
  if (too_deep) {
    r.error = ReadError{limits::too_deep_message(*too_deep), too_deep->offset};
  } else {
    r = format == Format::LiquibaseXml ? read_xml(input.text)
      : format == Format::LiquibaseJson ? read_json(input.text)
                                        : read_yaml(input.text);
  }
  if (r.root) return map_changelog(*r.root, input.text, input.path, format, config, cache);
  Migration m;
  m.path = input.path;
  m.format = format;
  m.tool = MigrationTool::Liquibase;
  m.tool_wraps_in_transaction = true;
  if (r.error) {
    Diagnostic d;
    d.rule = "syntax-error";
    d.severity = Severity::Error;
    d.message = std::string(format_name(format)) + ": " + r.error->message;
    uint32_t at = std::min<uint32_t>(r.error->offset, static_cast<uint32_t>(input.text.size()));
    d.range = {at, std::min<uint32_t>(at + 1, static_cast<uint32_t>(input.text.size()))};
    m.frontend_diagnostics.push_back(std::move(d));
  }
  // Not a changelog (no databaseChangeLog root): nothing to analyse, nothing to say.
  return m;
}

[[maybe_unused]] const bool xml = register_front_end(Format::LiquibaseXml, [](const DocumentInput& i, const Config& c, StatementCache& s) {
  return parse_tree_format(Format::LiquibaseXml, i, c, s);
});
[[maybe_unused]] const bool yaml = register_front_end(Format::LiquibaseYaml, [](const DocumentInput& i, const Config& c, StatementCache& s) {
  return parse_tree_format(Format::LiquibaseYaml, i, c, s);
});
[[maybe_unused]] const bool json = register_front_end(Format::LiquibaseJson, [](const DocumentInput& i, const Config& c, StatementCache& s) {
  return parse_tree_format(Format::LiquibaseJson, i, c, s);
});
[[maybe_unused]] const bool formatted = register_front_end(Format::LiquibaseSql, [](const DocumentInput& i, const Config& c, StatementCache& s) {
  return parse_formatted_sql(i.text, i.path, c, s);
});

// `--liquibase formatted sql` as the first non-blank line (any case, spaces after --, BOM).
[[maybe_unused]] const bool sniffer = register_format_sniffer([](const DocumentInput& input) -> std::optional<Format> {
  std::string_view t = input.text.substr(0, 512);
  if (t.substr(0, 3) == "\xEF\xBB\xBF") t.remove_prefix(3);
  while (!t.empty() && std::isspace(static_cast<unsigned char>(t.front()))) t.remove_prefix(1);
  if (t.substr(0, 2) != "--") return std::nullopt;
  t.remove_prefix(2);
  while (!t.empty() && (t.front() == ' ' || t.front() == '\t')) t.remove_prefix(1);
  std::string head(t.substr(0, 24));
  for (char& c : head) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (head.rfind("liquibase formatted sql", 0) == 0) return Format::LiquibaseSql;
  return std::nullopt;
});

}  // namespace
}  // namespace zerolock::liquibase
