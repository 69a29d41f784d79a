// Formatted SQL changelogs: the edits that place the renderer's layout (liquibase_renderer.cpp)
// as changeset text. New changesets go after the rewritten one; each holds its statements and
// --rollback lines, with runInTransaction:false and one statement per changeset where a phase
// must run outside a transaction, and splitStatements:false where a statement has a $ body.
#include <algorithm>

#include "fixes/liquibase_renderer.h"
#include "fixes/sql_text.h"

namespace zerolock::fixes::lbfix {
namespace {

// Liquibase 4.3 splits formatted-SQL rollbacks at every ';' whatever splitStatements says, but not
// inside '...' strings: dollar-quoted bodies of rollback statements are written as string literals.
std::string single_quoted_bodies(const std::string& q) {
  static const std::string tag = "$zerolock$";
  std::string out;
  size_t at = 0;
  while (true) {
    size_t b = q.find(tag, at);
    size_t e = b == std::string::npos ? b : q.find(tag, b + tag.size());
    if (e == std::string::npos) break;
    out += q.substr(at, b - at) + "'";
    for (char c : q.substr(b + tag.size(), e - b - tag.size())) out += c == '\'' ? std::string("''") : std::string(1, c);
    out += "'";
    at = e + tag.size();
  }
  return out + q.substr(at);
}
std::vector<std::string> single_quoted_bodies(std::vector<std::string> v) {
  for (std::string& q : v) q = single_quoted_bodies(q);
  return v;
}

// `--rollback` lines of one statement (one line per line of it).
std::string rollback_lines(const std::string& q, const std::string& eol) {
  std::string out, full = q + ";";
  size_t at = 0;
  while (true) {
    size_t nl = full.find('\n', at);
    out += "--rollback " + full.substr(at, nl == std::string::npos ? std::string::npos : nl - at) + eol;
    if (nl == std::string::npos) return out;
    at = nl + 1;
  }
}

}  // namespace

FormattedSqlEdits formatted_sql_edits(FormattedSqlInput in) {
  FormattedSqlEdits out;
  auto refuse = [&](std::string why) {
    FormattedSqlEdits f;
    f.why_not = std::move(why);
    return f;
  };
  std::string_view text = in.text;
  const Statement& s = in.s;
  const MigrationUnit* unit = &in.unit;
  const std::vector<const Statement*>& unit_statements = in.unit_statements;
  const std::string &eol = in.eol, &id = in.id, &author = in.author, &title = in.title;
  const auto& copied = in.copied;
  const bool replaces_change = in.replaces_change, takeover = in.takeover, moving_out = in.moving_out, sole = in.sole,
             cs_in_tx = in.cs_in_tx;
  std::optional<std::vector<std::string>>& cs_rollback = in.cs_rollback;
  std::vector<Group>& groups = in.groups;
  std::set<std::string>& ids = in.ids;
  const std::vector<std::string>* first_items = takeover ? &groups.front().statements : nullptr;
  std::vector<TextEdit>& edits = out.edits;

  if (cs_rollback) cs_rollback = single_quoted_bodies(*cs_rollback);
  for (Group& g : groups) g.rollback = single_quoted_bodies(g.rollback);
  auto t = sqltext::statement_tokens(text, s.range);
  ByteRange body = sqltext::body_range(t, s.range);
  auto join = [&](const std::vector<std::string>& stmts) {
    std::string o;
    for (size_t i = 0; i < stmts.size(); ++i) o += (i ? ";" + eol : "") + stmts[i];
    return o;
  };
  std::vector<std::string> pre = in.before;
  if (replaces_change || takeover) {
    const std::vector<std::string>& b = takeover ? *first_items : in.in_place_pre;
    pre.insert(pre.end(), b.begin(), b.end());
    if (pre.empty()) return refuse("nothing left in place");
    edits.push_back({body, join(pre)});
  } else if (!pre.empty()) {
    edits.push_back({{s.range.begin, s.range.begin}, join(pre) + ";" + eol});
  }
  bool need_no_split = false;
  auto has_dollar = [](const std::vector<std::string>& v) {
    return std::any_of(v.begin(), v.end(), [](const std::string& q) { return q.find('$') != std::string::npos; });
  };
  if (has_dollar(pre) || (cs_rollback && has_dollar(*cs_rollback))) need_no_split = true;
  // Split (liquibase_split.cpp): [kept_end, unit end) is replaced by the end of this changeset,
  // the new changesets, and the changeset <id>-rest holding text[copy_from, unit end).
  const bool split = !in.moved_after.empty();
  uint32_t kept_end = 0, copy_from = 0;
  if (split) {
    kept_end = copy_from = line_end(text, s.range.end);
    if (!only_space(text.substr(s.range.end, kept_end - s.range.end))) return refuse("cannot split the changeset: text after the statement");
    if (kept_end < text.size() && text[kept_end] == '\r') ++kept_end;
    if (kept_end < text.size() && text[kept_end] == '\n') ++kept_end;
    copy_from = kept_end;
  }
  if (moving_out) {
    edits.clear();
    uint32_t b = s.range.begin, e = s.range.end;
    uint32_t ls = line_start(text, b), le = line_end(text, e);
    bool whole_lines = only_space(text.substr(ls, b - ls)) && only_space(text.substr(e, le - e));
    if (whole_lines) {
      b = ls, e = le;
      if (e < text.size() && text[e] == '\n') ++e;
    }
    if (!split) {
      edits.push_back({{b, e}, ""});
    } else {
      if (!whole_lines) return refuse("cannot split the changeset: the statement shares its lines");
      kept_end = b;
    }
  }
  // Header attributes of the original changeset.
  std::string header_add;
  std::string_view header = text.substr(unit->header.begin, unit->header.size());
  if (takeover && groups.front().in_transaction != cs_in_tx) {
    if (header.find("runInTransaction:") != std::string_view::npos) return refuse("cannot change runInTransaction in the header");
    header_add += std::string(" runInTransaction:") + (groups.front().in_transaction ? "true" : "false");
  }
  if (need_no_split && header.find("splitStatements:") == std::string_view::npos) header_add += " splitStatements:false";
  if (!header_add.empty()) edits.push_back({{unit->header.end, unit->header.end}, header_add});
  std::string kept_rollback;  // split: the --rollback lines of the changeset that keeps the change
  if (cs_rollback) {
    // Replace the changeset's --rollback lines (sole statement) or add them after the statement.
    std::string rb;
    if (cs_rollback->empty()) rb = "--rollback -- nothing to undo" + eol;
    for (const std::string& q : *cs_rollback) rb += rollback_lines(q, eol);
    uint32_t pos = unit->header.end + 1;
    bool placed = false;
    while (pos < unit->range.end) {
      uint32_t le = line_end(text, pos);
      std::string_view line = text.substr(pos, le - pos);
      size_t k = line.find_first_not_of(" \t");
      bool is_rb = false;
      if (k != std::string_view::npos && line.substr(k, 2) == "--") {
        size_t w = line.find_first_not_of(" \t", k + 2);
        is_rb = w != std::string_view::npos && lower(std::string(line.substr(w, 8))) == "rollback";
      }
      uint32_t next = le < text.size() ? le + 1 : le;
      if (is_rb && sole) {
        edits.push_back({{pos, next}, placed ? "" : rb});
        placed = true;
      }
      pos = next;
    }
    if (split) {
      kept_rollback = rb;
    } else if (!placed) {
      uint32_t at = line_end(text, s.range.end);
      at = at < text.size() ? at + 1 : at;
      edits.push_back({{at, at}, (at == text.size() && (text.empty() || text.back() != '\n') ? eol : "") + rb});
    }
  }
  // New changesets at the end of this one.
  std::string add;
  for (size_t g = takeover ? 1 : 0; g < groups.size(); ++g) {
    const Group& gr = groups[g];
    // A non-transactional changeset sends each statement alone only when split: one statement each.
    std::vector<std::vector<std::string>> parts;
    if (!gr.in_transaction && gr.statements.size() > 1) {
      for (const std::string& q : gr.statements) parts.push_back({q});
    } else {
      parts.push_back(gr.statements);
    }
    for (size_t p = 0; p < parts.size(); ++p) {
      size_t position = static_cast<size_t>(std::find(unit_statements.begin(), unit_statements.end(), &s) - unit_statements.begin()) + 1;
      std::string nid = unique_id(ids, id + (sole ? "" : "-" + std::to_string(position)) + "-" + slug(gr.label) +
                                    (parts.size() > 1 ? "-" + std::to_string(p + 1) : ""));
      std::vector<std::string> rbk = p + 1 == parts.size() ? gr.rollback : std::vector<std::string>{};
      std::string h = "--changeset " + author + ":" + nid;
      if (!gr.in_transaction) h += " runInTransaction:false";
      if (has_dollar(parts[p]) || has_dollar(rbk)) h += " splitStatements:false";
      for (const auto& [k, v] : copied) h += " " + k + ":" + v;
      add += h + eol + "--comment: zerolock: " + title + " (" + gr.label + (gr.later_deploy ? ", deploy later" : "") + ")" + eol;
      add += join(parts[p]) + ";" + eol;
      if (rbk.empty()) add += "--rollback -- nothing to undo" + eol;
      for (const std::string& q : rbk) add += rollback_lines(q, eol);
      add += eol;
    }
  }
  if (split) {
    // --changeset author:<id>-rest with the header's attributes as written.
    std::string head(header);
    size_t at_name = head.find(unit->name);
    if (at_name == std::string::npos) return refuse("cannot copy the changeset header");
    head.replace(at_name, unit->name.size(), author + ":" + in.rest_id);
    uint32_t unit_end = unit->range.end;
    // Its --rollback lines go after its last statement (before blank lines and comments that
    // precede the next changeset).
    uint32_t rb_at = line_end(text, in.moved_after.back()->range.end);
    if (rb_at < text.size() && text[rb_at] == '\r') ++rb_at;
    if (rb_at < text.size() && text[rb_at] == '\n') ++rb_at;
    if (rb_at > unit_end || copy_from > rb_at) return refuse("cannot split the changeset");
    std::string rest_rb;
    if (in.rest_rollback) {
      if (in.rest_rollback->empty()) rest_rb = "--rollback -- nothing to undo" + eol;
      for (const std::string& q : single_quoted_bodies(*in.rest_rollback)) rest_rb += rollback_lines(q, eol);
    }
    std::string moved(text.substr(copy_from, rb_at - copy_from));
    if (!moved.empty() && moved.back() != '\n') moved += eol;  // the last statement ended the file
    std::string tail = kept_rollback + eol + add + head + eol + "--comment: zerolock: the statements after the rewritten one of changeset " +
                       id + ", split off to run after the rewrite" + eol + moved + rest_rb +
                       std::string(text.substr(rb_at, unit_end - rb_at));
    edits.push_back({{kept_end, unit_end}, tail});
  } else if (!add.empty()) {
    uint32_t at = unit->range.end;
    std::string prefix;
    if (at == text.size()) {
      if (!text.empty() && text.back() != '\n') prefix = eol;
      prefix += eol;
      add.resize(add.size() - eol.size());  // no blank line at the end of the file
    } else if (at >= 2 && !(text[at - 1] == '\n' && text[at - 2] == '\n')) {
      prefix = eol;
    }
    edits.push_back({{at, at}, prefix + add});
  }
  return out;
}

}  // namespace zerolock::fixes::lbfix
