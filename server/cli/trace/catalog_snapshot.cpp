#include "server/cli/trace/catalog_snapshot.h"

#include <cctype>

namespace zerolock::trace {
namespace {

constexpr const char* kRelationsQuery = R"(
SELECT c.oid::text,
       CASE WHEN n.nspname = 'public' THEN c.relname::text ELSE n.nspname || '.' || c.relname END,
       c.relkind::text, c.relfilenode::text,
       (SELECT CASE WHEN tn.nspname = 'public' THEN t.relname::text ELSE tn.nspname || '.' || t.relname END
          FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace tn ON tn.oid = t.relnamespace
         WHERE i.indexrelid = c.oid)
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%')";

constexpr const char* kLocksQuery = R"(
SELECT l.relation::oid::text, l.mode, l.granted::text FROM pg_locks l
 WHERE l.locktype = 'relation' AND l.pid = $1::int
   AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()))";

}  // namespace

std::variant<Relations, PgError> read_relations(PgConnection& conn) {
  PgResult r = conn.run(kRelationsQuery);
  if (auto* e = std::get_if<PgError>(&r)) return *e;
  Relations out;
  for (const auto& row : std::get<PgRows>(r).rows) {
    RelationInfo info;
    info.name = row[1].value_or("");
    info.kind = row[2] && !row[2]->empty() ? (*row[2])[0] : 'r';
    info.filenode = row[3].value_or("0");
    info.table = row[4].value_or("");
    out.emplace(row[0].value_or(""), std::move(info));
  }
  return out;
}

std::variant<std::vector<HeldLock>, PgError> read_locks(PgConnection& conn, int pid) {
  PgResult r = conn.run(kLocksQuery, {std::to_string(pid)});
  if (auto* e = std::get_if<PgError>(&r)) return *e;
  std::vector<HeldLock> out;
  for (const auto& row : std::get<PgRows>(r).rows) {
    auto mode = lock_mode_from_name(row[1].value_or(""));
    if (!mode) continue;
    out.push_back({row[0].value_or(""), *mode, row[2].value_or("true") == "true"});
  }
  return out;
}

std::string fold_relation(std::string_view name) {
  std::string out;
  for (char c : name) {
    if (c == '"') continue;
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  if (out.rfind("public.", 0) == 0) out.erase(0, 7);
  return out;
}

}  // namespace zerolock::trace
