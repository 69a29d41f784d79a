#include "engine/conventions.h"
#include "text/trim.h"

#include <toml++/toml.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "sql/splitter.h"

namespace zerolock {
namespace fs = std::filesystem;
namespace {

bool flyway_versioned(std::string_view name) {
  // V1__x.sql, V1_2__x.sql, U3__x.sql, R__x.sql
  if (name.size() < 4 || (name[0] != 'V' && name[0] != 'U' && name[0] != 'R')) return false;
  size_t sep = name.find("__");
  if (sep == std::string_view::npos) return false;
  if (name[0] == 'R') return sep == 1;
  if (sep < 2) return false;
  for (size_t i = 1; i < sep; ++i) {
    char c = name[i];
    if (!std::isdigit(static_cast<unsigned char>(c)) && c != '.' && c != '_') return false;
  }
  return true;
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}


// Reads a sibling file of `path` (same directory, a regular file, not a symlink leaving the
// directory). nullopt when absent or refused.
std::optional<std::string> read_sibling(const Config& config, std::string_view path, const std::string& name,
                                        size_t limit = 1 << 20) {
  if (path.empty() || name.find('/') != std::string::npos || name.find("..") != std::string::npos) return std::nullopt;
  std::error_code ec;
  fs::path dir = fs::path(std::string(path)).parent_path();
  fs::path file = dir / name;
  if (!fs::is_regular_file(file, ec)) return std::nullopt;
  fs::path canon_dir = fs::weakly_canonical(dir.empty() ? fs::path(".") : dir, ec);
  fs::path canon = fs::weakly_canonical(file, ec);
  if (ec || canon.parent_path() != canon_dir || !config.may_read(canon)) return std::nullopt;
  if (fs::file_size(canon, ec) > limit) return std::nullopt;
  std::ifstream in(canon, std::ios::binary);
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

bool sibling_exists(const Config& config, std::string_view path, const std::string& name) {
  std::error_code ec;
  fs::path file = fs::path(std::string(path)).parent_path() / name;
  return config.may_read(file) && fs::is_regular_file(file, ec);
}

// No statement in the text (comments and blanks only).
bool sql_empty(std::string_view text) { return sql::split(text).statements.empty(); }

CompanionFile companion(const Config& config, std::string_view path, const std::string& role, const std::string& name) {
  CompanionFile c;
  c.role = role;
  c.path = (fs::path(std::string(path)).parent_path() / name).string();
  if (auto text = read_sibling(config, path, name, 64 << 20)) {
    c.exists = true;
    c.empty = sql_empty(*text);
  } else {
    c.exists = sibling_exists(config, path, name);
  }
  return c;
}

// Flyway script config: key=value lines, `executeInTransaction` (or flyway.executeInTransaction).
std::optional<bool> flyway_execute_in_transaction(const std::string& conf) {
  std::istringstream in(conf);
  std::string line;
  std::optional<bool> result;
  while (std::getline(in, line)) {
    std::string t = trim_copy(line);
    if (t.empty() || t[0] == '#') continue;
    size_t eq = t.find('=');
    if (eq == std::string::npos) continue;
    std::string key = trim_copy(t.substr(0, eq)), value = lower(trim_copy(t.substr(eq + 1)));
    if (key == "executeInTransaction" || key == "flyway.executeInTransaction") result = value != "false";
  }
  return result;
}

// Diesel metadata.toml: run_in_transaction = false
std::optional<bool> diesel_run_in_transaction(const std::string& toml_text) {
  try {
    toml::table t = toml::parse(toml_text);
    if (auto v = t["run_in_transaction"].value<bool>()) return *v;
  } catch (const std::exception&) {
  }
  return std::nullopt;
}

struct DbmateSection {
  uint32_t begin = 0;   // the marker line
  uint32_t line_end = 0;
  bool down = false;
  bool transaction = true;
};

std::vector<DbmateSection> dbmate_sections(std::string_view text) {
  std::vector<DbmateSection> out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    size_t end = nl == std::string_view::npos ? text.size() : nl;
    std::string_view line = text.substr(pos, end - pos);
    size_t i = 0;
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    std::string l = lower(line.substr(i));
    if (l.rfind("-- migrate:up", 0) == 0 || l.rfind("-- migrate:down", 0) == 0) {
      DbmateSection s;
      s.begin = static_cast<uint32_t>(pos);
      s.line_end = static_cast<uint32_t>(end);
      s.down = l.rfind("-- migrate:down", 0) == 0;
      s.transaction = l.find("transaction:false") == std::string::npos;
      out.push_back(s);
    }
    if (nl == std::string_view::npos) break;
    pos = nl + 1;
  }
  return out;
}

}  // namespace

bool has_placeholders(std::string_view text) {
  size_t at = text.find("${");
  return at != std::string_view::npos && text.find('}', at) != std::string_view::npos;
}

std::string replace_placeholders(std::string_view text) {
  std::string out(text);
  size_t at = 0;
  while ((at = out.find("${", at)) != std::string::npos) {
    size_t end = out.find('}', at + 2);
    if (end == std::string::npos || end - at > 128 || out.find('\n', at) < end) {
      at += 2;
      continue;
    }
    // ${flyway:user} (14 bytes) -> flyway_user___ : the name with non-identifier bytes as '_',
    // padded with '_' to the same length; starts with a letter.
    std::string name = out.substr(at + 2, end - at - 2);
    std::string repl;
    for (char c : name) repl += (std::isalnum(static_cast<unsigned char>(c)) || c == '_') ? c : '_';
    if (repl.empty() || !std::isalpha(static_cast<unsigned char>(repl[0]))) repl = "p" + repl;
    size_t len = end - at + 1;
    repl.resize(len, '_');
    out.replace(at, len, repl);
    at += len;
  }
  return out;
}

ToolConvention sql_tool_convention(std::string_view path, std::string_view text, const Config& config) {
  ToolConvention c;
  std::string name = fs::path(std::string(path)).filename().string();
  if (config.tool) {
    const std::string& t = *config.tool;
    if (t == "flyway") c.tool = MigrationTool::Flyway;
    else if (t == "golang-migrate") c.tool = MigrationTool::GolangMigrate;
    else if (t == "dbmate") c.tool = MigrationTool::Dbmate;
    else if (t == "diesel") c.tool = MigrationTool::Diesel;
    else if (t == "liquibase") c.tool = MigrationTool::Liquibase;
    else return c;
  } else if (flyway_versioned(name)) {
    c.tool = MigrationTool::Flyway;
  } else if (text.find("-- migrate:up") != std::string_view::npos) {
    c.tool = MigrationTool::Dbmate;
  } else if (name == "up.sql" || name == "down.sql") {
    c.tool = MigrationTool::Diesel;
  } else if (ends_with(name, ".up.sql") || ends_with(name, ".down.sql")) {
    // golang-migrate sends the file as one multi-statement query, which PostgreSQL runs as one
    // implicit transaction.
    c.tool = MigrationTool::GolangMigrate;
  } else if (ends_with(name, ".sql") && (sibling_exists(config, path, "flyway.conf") || sibling_exists(config, path, "flyway.toml"))) {
    // A directory with a Flyway configuration: its SQL files are Flyway migrations.
    c.tool = MigrationTool::Flyway;
  } else {
    return c;
  }
  c.wraps_in_transaction = true;

  switch (c.tool) {
    case MigrationTool::Flyway: {
      if (flyway_versioned(name) && name[0] == 'U') {
        c.section = Section::Downgrade;
        c.forward_file = "V" + name.substr(1);
      }
      // flyway.mixed=true (flyway.conf) / mixed = true (flyway.toml) next to the script.
      if (auto conf = read_sibling(config, path, "flyway.conf")) {
        std::istringstream in(*conf);
        for (std::string line; std::getline(in, line);) {
          size_t eq = line.find('=');
          if (eq == std::string::npos) continue;
          std::string key = trim_copy(line.substr(0, eq));
          if ((key == "flyway.mixed" || key == "mixed") && lower(trim_copy(line.substr(eq + 1))) == "true") c.flyway_mixed = true;
        }
      }
      if (auto conf = read_sibling(config, path, "flyway.toml")) {
        try {
          toml::table t = toml::parse(*conf);
          if (t["flyway"]["mixed"].value<bool>().value_or(false) || t["mixed"].value<bool>().value_or(false))
            c.flyway_mixed = true;
        } catch (const std::exception&) {
        }
      }
      if (auto conf = read_sibling(config, path, name + ".conf")) {
        if (auto in_tx = flyway_execute_in_transaction(*conf); in_tx && !*in_tx) {
          c.wraps_in_transaction = false;
          c.transaction_source = name + ".conf: executeInTransaction=false";
        }
      }
      if (flyway_versioned(name) && name[0] == 'V' && ends_with(name, ".sql")) {
        c.companions.push_back(companion(config, path, "undo", "U" + name.substr(1)));
      }
      break;
    }
    case MigrationTool::Diesel: {
      if (name == "down.sql") c.section = Section::Downgrade, c.forward_file = "up.sql";
      if (auto meta = read_sibling(config, path, "metadata.toml")) {
        if (auto in_tx = diesel_run_in_transaction(*meta); in_tx && !*in_tx) {
          c.wraps_in_transaction = false;
          c.transaction_source = "metadata.toml: run_in_transaction = false";
        }
      }
      if (name == "up.sql") c.companions.push_back(companion(config, path, "down", "down.sql"));
      break;
    }
    case MigrationTool::GolangMigrate: {
      if (ends_with(name, ".down.sql")) {
        c.section = Section::Downgrade;
        c.forward_file = name.substr(0, name.size() - 9) + ".up.sql";
      } else if (ends_with(name, ".up.sql")) {
        c.companions.push_back(companion(config, path, "down", name.substr(0, name.size() - 7) + ".down.sql"));
      }
      break;
    }
    default:
      break;
  }
  return c;
}

std::optional<std::string> read_forward_file(const Config& config, std::string_view path,
                                             const ToolConvention& convention) {
  if (convention.forward_file.empty()) return std::nullopt;
  return read_sibling(config, path, convention.forward_file, 64 << 20);
}

void apply_sql_convention(const ToolConvention& convention, std::string_view text, Migration& migration) {
  migration.tool = convention.tool;
  migration.tool_wraps_in_transaction = convention.wraps_in_transaction;
  migration.companions = convention.companions;
  if (convention.section == Section::Downgrade)
    for (Statement& s : migration.statements) s.section = Section::Downgrade;
  if (!convention.forward_file.empty()) {
    // A down / undo file is the rollback of its forward file; the SQL front end adds the forward
    // file's operations (forward_ops) when it can read it.
    RollbackInfo rollback;
    rollback.present = true;
    rollback.empty = migration.statements.empty();
    rollback.upgrade_complete = false;  // until forward_ops are read
    rollback.rollback_anchor = migration.statements.empty() ? ByteRange{0, 0} : migration.statements.front().range;
    rollback.anchor = rollback.rollback_anchor;
    rollback.forward_label = convention.forward_file;
    rollback.rollback_label = fs::path(migration.path).filename().string();
    migration.rollback = rollback;
  }

  if (convention.tool == MigrationTool::Flyway && convention.flyway_mixed && convention.wraps_in_transaction) {
    // mixed=true: a script holding a non-transactional statement runs entirely without a transaction.
    bool non_transactional = false;
    for (const Statement& s : migration.statements) {
      if (!s.parsed || s.parsed->error) continue;
      for (const Operation& op : s.parsed->ops)
        if (op.concurrently || op.kind == OpKind::Vacuum || op.kind == OpKind::VacuumFull) non_transactional = true;
    }
    if (non_transactional) {
      migration.tool_wraps_in_transaction = false;
      for (Statement& s : migration.statements) s.in_transaction = false;
    }
  }
  if (convention.tool != MigrationTool::Dbmate) return;
  std::vector<DbmateSection> sections = dbmate_sections(text);
  if (sections.empty()) return;
  // Each section is a unit; statements before the first marker belong to none (dbmate ignores them).
  for (size_t k = 0; k < sections.size(); ++k) {
    const DbmateSection& sec = sections[k];
    uint32_t end = k + 1 < sections.size() ? sections[k + 1].begin : static_cast<uint32_t>(text.size());
    MigrationUnit unit;
    unit.id = static_cast<int32_t>(k);
    unit.name = sec.down ? "migrate:down" : "migrate:up";
    unit.range = {sec.begin, end};
    unit.header = {sec.begin, sec.line_end};
    unit.in_transaction = sec.transaction;
    unit.has_rollback = true;
    if (!sec.transaction) unit.attributes.emplace_back("transaction", "false");
    migration.units.push_back(unit);
    for (Statement& s : migration.statements) {
      if (s.range.begin < sec.begin || s.range.begin >= end) continue;
      s.unit = unit.id;
      s.in_transaction = sec.transaction;
      if (sec.down) s.section = Section::Downgrade;
    }
  }
  bool has_up = false, has_down = false, down_empty = true;
  for (size_t k = 0; k < sections.size(); ++k) {
    has_up = has_up || !sections[k].down;
    if (!sections[k].down) continue;
    has_down = true;
    for (const Statement& s : migration.statements)
      if (s.unit == static_cast<int32_t>(k) && s.section == Section::Downgrade) down_empty = false;
  }
  if (has_up && has_down && !down_empty) {
    // The down section is the rollback of the up section(s) of the same file (a missing or empty
    // one is missing-down-migration's, so no RollbackInfo then: missing-downgrade stays quiet).
    RollbackInfo rollback;
    rollback.present = true;
    rollback.forward_label = "the `-- migrate:up` section";
    rollback.rollback_label = "the `-- migrate:down` section";
    bool down_seen = false, up_seen = false;
    for (const DbmateSection& sec : sections) {
      ByteRange header{sec.begin, sec.line_end};
      if (sec.down && !down_seen) rollback.rollback_anchor = header, down_seen = true;
      if (!sec.down && !up_seen) rollback.anchor = header, up_seen = true;
    }
    migration.rollback = rollback;
  }
  if (has_up) {
    CompanionFile down;
    down.role = "down";
    down.path = migration.path;
    down.exists = has_down;
    down.empty = has_down && down_empty;
    migration.companions.push_back(down);
  }
}

}  // namespace zerolock
