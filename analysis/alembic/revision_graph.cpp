#include "alembic/revision_graph.h"
#include "text/path_confinement.h"

#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <sstream>

#include "alembic/python_parser.h"

namespace zerolock::alembic {
namespace fs = std::filesystem;

RevisionIds revision_ids(std::string_view text) {
  RevisionIds ids;
  Module m = parse_module(text);
  for (const Stmt& st : m.body) {
    if ((st.kind != StmtKind::Assign && st.kind != StmtKind::AnnAssign) || st.targets.size() != 1 || !st.value ||
        st.targets[0]->kind != ExprKind::Name)
      continue;
    const std::string& name = st.targets[0]->text;
    const Expr& v = *st.value;
    if (name == "revision") {
      ids.revision_range = v.range;
      if (v.kind == ExprKind::String) ids.revision = v.str.value;
    } else if (name == "down_revision") {
      ids.has_down_revision = true;
      ids.down_revision_range = v.range;
      if (v.kind == ExprKind::String) ids.down_revisions.push_back(v.str.value);
      else if (v.kind == ExprKind::Tuple || v.kind == ExprKind::List) {
        for (const ExprPtr& item : v.items) {
          if (item->kind == ExprKind::String) ids.down_revisions.push_back(item->str.value);
          else ids.down_revision_dynamic = true;
        }
      } else if (!(v.kind == ExprKind::Constant && v.text == "None")) {
        ids.down_revision_dynamic = true;
      }
    }
  }
  return ids;
}

namespace {

struct Sibling {
  std::string path;
  RevisionIds ids;
};

// Identifiers of the revision files of a directory, cached by (path, size, mtime).
std::vector<Sibling> directory_revisions(const fs::path& dir) {
  static std::mutex mutex;
  static std::map<std::string, std::pair<std::pair<uintmax_t, fs::file_time_type>, RevisionIds>> cache;
  std::vector<Sibling> out;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (!it->is_regular_file(ec) || it->path().extension() != ".py") continue;
    // A symlink out of the versions directory is not one of its revisions: never read it.
    if (it->is_symlink(ec) && !resolves_inside(dir, it->path())) continue;
    std::string p = it->path().string();
    uintmax_t size = it->file_size(ec);
    fs::file_time_type mtime = it->last_write_time(ec);
    if (size > 1'000'000) continue;
    std::lock_guard<std::mutex> lock(mutex);
    auto c = cache.find(p);
    if (c == cache.end() || c->second.first != std::make_pair(size, mtime)) {
      std::ifstream in(p, std::ios::binary);
      std::stringstream ss;
      ss << in.rdbuf();
      std::string text = ss.str();
      RevisionIds ids = text.find("revision") == std::string::npos ? RevisionIds{} : revision_ids(text);
      c = cache.insert_or_assign(p, std::make_pair(std::make_pair(size, mtime), ids)).first;
    }
    if (c->second.second.revision) out.push_back({p, c->second.second});
  }
  return out;
}

Diagnostic finding(const char* rule, Severity severity, ByteRange range, std::string message, std::string help) {
  Diagnostic d;
  d.rule = rule;
  d.severity = severity;
  d.message = std::move(message);
  d.help = std::move(help);
  d.range = range;
  return d;
}

}  // namespace

void check_revision_graph(const std::string& path, const RevisionIds& ids, std::vector<Diagnostic>& out) {
  if (path.empty() || !ids.revision) return;
  fs::path file(path);
  bool in_versions = false;
  for (const fs::path& part : file.parent_path())
    if (part == "versions") in_versions = true;
  if (!in_versions) return;
  std::error_code ec;
  if (!fs::is_directory(file.parent_path(), ec)) return;
  std::vector<Sibling> siblings = directory_revisions(file.parent_path());
  fs::path self = fs::weakly_canonical(file, ec);
  std::set<std::string> defined;
  std::set<std::string> referenced;
  bool any_dynamic = ids.down_revision_dynamic;
  std::vector<std::string> duplicates;
  for (const Sibling& s : siblings) {
    bool is_self = fs::weakly_canonical(s.path, ec) == self;
    if (!is_self && s.ids.revision == ids.revision) duplicates.push_back(fs::path(s.path).filename().string());
    if (is_self) continue;
    defined.insert(*s.ids.revision);
    for (const std::string& d : s.ids.down_revisions) referenced.insert(d);
    any_dynamic = any_dynamic || s.ids.down_revision_dynamic;
  }
  defined.insert(*ids.revision);
  for (const std::string& d : ids.down_revisions) referenced.insert(d);
  if (!duplicates.empty()) {
    out.push_back(finding("alembic-duplicate-revision", Severity::Error, ids.revision_range,
                          "revision id " + *ids.revision + " is also defined by " + duplicates.front() +
                              (duplicates.size() > 1 ? " and others" : "") + ": Alembic refuses to build the revision graph",
                          "Give one of the revisions a new id (alembic revision generates one) and update its children."));
  }
  for (const std::string& d : ids.down_revisions) {
    if (!defined.count(d)) {
      out.push_back(finding("alembic-broken-down-revision", Severity::Error, ids.down_revision_range,
                            "down_revision " + d + " is not defined by any revision in " +
                                file.parent_path().filename().string() + "/: alembic upgrade fails with \"Can't locate revision\"",
                            "Point down_revision at the revision this one follows (alembic heads lists them)."));
    }
  }
  // Heads: revisions that no other revision names as its down_revision.
  if (any_dynamic || siblings.size() < 2) return;
  std::vector<std::string> heads;
  for (const Sibling& s : siblings)
    if (!referenced.count(*s.ids.revision)) heads.push_back(*s.ids.revision);
  if (heads.size() > 1 && !referenced.count(*ids.revision)) {
    std::string others;
    for (const std::string& h : heads)
      if (h != *ids.revision) others += (others.empty() ? "" : ", ") + h;
    out.push_back(finding("alembic-multiple-heads", Severity::Warning, ids.revision_range,
                          "revision " + *ids.revision + " is one of " + std::to_string(heads.size()) +
                              " heads (also " + others + "): `alembic upgrade head` refuses to run",
                          "Merge the heads with `alembic merge heads`, or set down_revision to the other head."));
  }
}

void check_env_py(std::string_view text, std::vector<Diagnostic>& out) {
  if (text.find("pg_advisory_lock") != std::string_view::npos || text.find("pg_advisory_xact_lock") != std::string_view::npos)
    return;
  size_t at = text.find("context.run_migrations(");
  if (at == std::string_view::npos) at = text.find("run_migrations(");
  if (at == std::string_view::npos) return;
  size_t end = text.find(')', at);
  end = end == std::string_view::npos ? at + 1 : end + 1;
  out.push_back(finding(
      "alembic-env-no-advisory-lock", Severity::Warning, {static_cast<uint32_t>(at), static_cast<uint32_t>(end)},
      "env.py runs the migrations without pg_advisory_lock: two deploys running `alembic upgrade` at once can apply the "
      "same revision twice or deadlock on each other's DDL",
      "Take an advisory lock around it: connection.execute(sa.text(\"SELECT pg_advisory_xact_lock(<app-specific "
      "number>)\")) inside context.begin_transaction(), before context.run_migrations()."));
}

}  // namespace zerolock::alembic
