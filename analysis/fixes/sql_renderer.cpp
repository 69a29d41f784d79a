// The SQL renderer: FixPlan -> text edits for SQL migration files (plain SQL run like psql -f,
// Flyway, golang-migrate, dbmate, Diesel). Where phases go:
//  * the statement is not in a transaction block: every phase in place (each statement commits);
//  * it is in an explicit BEGIN ... COMMIT: SameTransaction phases in place, the others after the
//    COMMIT (multi-statement OwnTransaction phases in their own BEGIN/COMMIT);
//  * the tool wraps the file in a transaction (Flyway): the others in a follow-up Flyway migration
//    (V<v>_1__...; with a .conf setting executeInTransaction=false when it holds Autocommit
//    phases). Other wrapping tools: no fix (ok = false), never a multi-phase recipe in one transaction;
//  * later_deploy phases: follow-up files (plain SQL: <stem>_phase<N>_<label>.sql, Flyway: V<v>_<N>__...).
#include <algorithm>
#include <filesystem>

#include "fixes/alembic_renderer.h"
#include "fixes/fix.h"
#include "fixes/sql_text.h"
#include "fixes/liquibase_renderer.h"

namespace zerolock::fixes {
namespace {

using sqltext::Tokens;

struct Ctx {
  const FixPlan& plan;
  const Analysis& analysis;
  std::string_view text;
  const Config& config;
  const Statement& s;
  Tokens toks;
  std::map<std::string, std::string> spelling;
};


std::string indent_of(std::string_view text, uint32_t offset) {
  uint32_t b = offset;
  while (b > 0 && (text[b - 1] == ' ' || text[b - 1] == '\t')) --b;
  if (b > 0 && text[b - 1] != '\n' && text[b - 1] != '\r') return "";
  return std::string(text.substr(b, offset - b));
}
std::string eol_of(std::string_view text) { return text.find("\r\n") != std::string_view::npos ? "\r\n" : "\n"; }
std::string reindent(std::string s, const std::string& indent, const std::string& eol) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\n') {
      out += eol;
      if (i + 1 < s.size() && s[i + 1] != '\n') out += indent;
    } else {
      out += s[i];
    }
  }
  return out;
}

// Edits that turn the original statement into `step.op` (keywords inserted at scanner positions).
std::vector<TextEdit> original_edits(const Ctx& c, const Step& step) {
  std::vector<TextEdit> edits;
  const Operation& orig = c.s.parsed->ops[static_cast<size_t>(c.plan.op_index)];
  const Operation& now = step.op;
  const Tokens& t = c.toks;
  if (now.kind == OpKind::CreateIndex || now.kind == OpKind::DropIndex) {
    size_t ix = t.find_word(0, t.toks.size(), "index");
    if (ix == std::string_view::npos) return edits;
    std::string insert;
    uint32_t at = t.toks[ix].end;
    size_t next = ix + 1;
    if (now.concurrently && !orig.concurrently) insert += " CONCURRENTLY";
    else if (t.word(next, "concurrently")) at = t.toks[next].end, ++next;
    if (now.kind == OpKind::CreateIndex && now.if_not_exists && !orig.if_not_exists) insert += " IF NOT EXISTS";
    if (now.kind == OpKind::DropIndex && now.if_exists && !orig.if_exists) insert += " IF EXISTS";
    if (!insert.empty()) edits.push_back({{at, at}, insert});
  } else if (now.kind == OpKind::AddConstraint && now.constraint && orig.constraint) {
    ByteRange r = c.s.doc_range(orig);
    if (orig.constraint->name.empty() && !now.constraint->name.empty()) {
      size_t add = t.at(r.begin);
      if (t.word(add, "add")) edits.push_back({{t.toks[add].end, t.toks[add].end}, " CONSTRAINT " + sqltext::quote_ident(now.constraint->name)});
    }
    if (now.constraint->not_valid && !orig.constraint->not_valid) edits.push_back({{r.end, r.end}, " NOT VALID"});
  }
  return edits;
}

std::string original_text(const Ctx& c, const Step& step) {
  ByteRange body = sqltext::body_range(c.toks, c.s.range);
  std::vector<TextEdit> edits = original_edits(c, step);
  for (auto& e : edits) e.range = e.range.shifted(-static_cast<int64_t>(body.begin));
  return apply_edits(c.text.substr(body.begin, body.size()), edits);
}

std::optional<std::string> step_sql(const Ctx& c, const Step& step) {
  if (step.original_changed) return original_text(c, step);
  auto parts = step_sql_parts(step, c.config, c.spelling);
  if (!parts) return std::nullopt;
  return step_sql_text(*parts);
}

// Statements of a phase, each terminated by ';' (notes are comment lines, no ';').
std::optional<std::string> phase_sql(const Ctx& c, const Phase& phase, bool wrap, bool lock_timeout = false) {
  std::string out;
  size_t statements = 0;
  for (const Step& step : phase.steps) {
    auto s = step_sql(c, step);
    if (!s) return std::nullopt;
    out += *s + (step.kind == StepKind::Note ? "\n" : ";\n");
    if (step.kind != StepKind::Note) ++statements;
  }
  if (wrap && statements > 1) {
    out = "BEGIN;\n" + (lock_timeout ? "SET LOCAL lock_timeout = " + sqltext::quote_literal(c.config.lock_timeout) + ";\n" : std::string()) + out +
          "COMMIT;\n";
  }
  return out;
}

bool marked(const FixPlan& p) { return p.applicability == FixApplicability::Unsafe && p.phases.size() > 1; }
std::string marker(const FixPlan& p, size_t i) {
  return "-- zerolock phase " + std::to_string(i + 1) + "/" + std::to_string(p.phases.size()) + ": " + p.phases[i].label + "\n";
}

std::string sanitize(std::string s) {
  std::string out;
  for (char ch : s) {
    if (std::isalnum(static_cast<unsigned char>(ch))) out += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    else if (!out.empty() && out.back() != '_') out += '_';
    if (out.size() >= 24) break;
  }
  while (!out.empty() && out.back() == '_') out.pop_back();
  return out;
}

// Name of the n-th follow-up file of a migration.
std::optional<std::string> follow_up_name(const Migration& m, int n, const std::string& label) {
  std::string file = std::filesystem::path(m.path.empty() ? "migration.sql" : m.path).filename().string();
  if (m.tool == MigrationTool::Flyway) {
    size_t sep = file.find("__");
    if (sep == std::string::npos || file[0] != 'V') return std::nullopt;
    std::string desc = file.substr(sep + 2);
    if (desc.size() > 4 && desc.substr(desc.size() - 4) == ".sql") desc.resize(desc.size() - 4);
    return file.substr(0, sep) + "_" + std::to_string(n) + "__" + desc + "_" + sanitize(label) + ".sql";
  }
  if (m.tool != MigrationTool::PlainSql) return std::nullopt;
  std::string stem = file.size() > 4 && file.substr(file.size() - 4) == ".sql" ? file.substr(0, file.size() - 4) : file;
  return stem + "_phase" + std::to_string(n) + "_" + sanitize(label) + ".sql";
}

uint32_t line_end_after(std::string_view text, uint32_t offset) {
  uint32_t e = offset;
  while (e < text.size() && text[e] != '\n' && text[e] != '\r') ++e;
  return e;
}

}  // namespace

// For renderers of other formats that write some steps as SQL (Alembic op.execute): the SQL of one
// step, names spelled by quote_ident (plus plan.spelling), statements separated by ";\n".
std::optional<std::string> sql_for_step(const FixPlan& plan, const Analysis& analysis, const Config& config, const Step& step) {
  static const Statement none;
  const auto& statements = analysis.migration.statements;
  bool has = plan.statement >= 0 && static_cast<size_t>(plan.statement) < statements.size();
  Ctx c{plan, analysis, {}, config, has ? statements[static_cast<size_t>(plan.statement)] : none, {}, plan.spelling};
  if (step.original_changed) return std::nullopt;
  return step_sql(c, step);
}
// The keyword edits that turn an SQL statement (at its document position, e.g. inside a Python
// string) into step.op.
std::vector<TextEdit> sql_original_edits(const FixPlan& plan, const Analysis& analysis, std::string_view text,
                                         const Config& config, const Step& step) {
  const Statement& s = analysis.migration.statements[static_cast<size_t>(plan.statement)];
  Ctx c{plan, analysis, text, config, s, sqltext::statement_tokens(text, s.range), {}};
  return original_edits(c, step);
}

RenderedFix render_sql(const FixPlan& plan, const Analysis& analysis, std::string_view text, const Config& config) {
  RenderedFix out;
  const auto& statements = analysis.migration.statements;
  if (plan.statement < 0 || static_cast<size_t>(plan.statement) >= statements.size()) return out;
  const Statement& s = statements[static_cast<size_t>(plan.statement)];
  if (!s.parsed || s.parsed->error) return out;
  Ctx c{plan, analysis, text, config, s, sqltext::statement_tokens(text, s.range), {}};
  sqltext::collect_spelling(c.toks, c.spelling);
  for (const auto& [folded, written] : plan.spelling) c.spelling[folded] = written;
  const std::string eol = eol_of(text);
  const std::string indent = indent_of(text, s.range.begin);
  ByteRange body = sqltext::body_range(c.toks, s.range);
  bool has_semicolon = !c.toks.toks.empty() && c.toks.toks.back().is_char(';');

  bool explicit_tx = s.in_transaction && s.transaction_opened_by >= 0;
  bool tool_tx = s.in_transaction && !explicit_tx;
  int32_t commit_at = explicit_tx ? analysis.facts[static_cast<size_t>(plan.statement)].transaction_ends_at : -1;
  if (explicit_tx) {
    // Only a COMMIT ends it usefully; a ROLLBACK or a missing COMMIT: no fix.
    if (commit_at < 0) return out.why_not = "the transaction has no COMMIT", out;
    const auto& end_ops = statements[static_cast<size_t>(commit_at)].parsed;
    if (!end_ops || end_ops->ops.empty() || end_ops->ops.front().kind != OpKind::Commit)
      return out.why_not = "the transaction does not end with COMMIT", out;
  }

  // Sort phases: before-original steps, in place, after the transaction, later files.
  std::string before, in_place, after;
  std::vector<std::pair<std::string, std::string>> later;  // label, text
  bool original_in_place = false, original_moved = false;
  bool moved_out = false;  // once a phase leaves the transaction, the following ones do too
  bool after_needs_autocommit = false;
  std::optional<Step> original_step;
  bool replaces = false;  // some step other than before-original ones: the statement is rewritten
  for (size_t i = 0; i < plan.phases.size(); ++i) {
    const Phase& phase = plan.phases[i];
    std::string mark = marked(plan) ? marker(plan, i) : "";
    if (phase.later_deploy) {
      auto sql = phase_sql(c, phase, !tool_tx, true);
      if (!sql) return out.why_not = "cannot write a step in SQL", out;
      later.emplace_back(std::to_string(i + 1) + "|" + phase.label, mark + *sql);
      continue;
    }
    // Steps inserted before the original statement.
    Phase rest = phase;
    rest.steps.clear();
    for (const Step& st : phase.steps) {
      if (st.before_original) {
        auto sql = step_sql(c, st);
        if (!sql) return out.why_not = "cannot write a step in SQL", out;
        before += *sql + ";" + eol + indent;
      } else {
        rest.steps.push_back(st);
      }
    }
    if (rest.steps.empty()) continue;
    replaces = true;
    bool here = !moved_out && (!s.in_transaction || phase.run == PhaseRun::SameTransaction);
    if (!here) moved_out = true;
    for (const Step& st : rest.steps) {
      if (st.original_changed) {
        original_step = st;
        (here ? original_in_place : original_moved) = true;
      }
    }
    if (phase.run == PhaseRun::Autocommit && !here) after_needs_autocommit = true;
    if (here) {
      std::string sql;
      for (const Step& st : rest.steps) {
        if (st.original_changed) {
          sql += "\x02";  // the original statement, edited in place
          continue;
        }
        auto one = step_sql(c, st);
        if (!one) return out.why_not = "cannot write a step in SQL", out;
        sql += *one + (st.kind == StepKind::Note ? "\n" : ";\n");
      }
      if (phase.atomic && !s.in_transaction) sql = "BEGIN;\n" + sql + "COMMIT;\n";
      in_place += mark + sql;
    } else {
      auto sql = phase_sql(c, rest, explicit_tx, true);
      if (!sql) return out.why_not = "cannot write a step in SQL", out;
      after += mark + *sql;
    }
  }

  std::vector<TextEdit> edits;
  if (!before.empty()) edits.push_back({{s.range.begin, s.range.begin}, before});

  if (original_in_place) {
    // The original statement stays: keyword edits inside it; in-place text around it.
    std::vector<TextEdit> own = original_edits(c, *original_step);
    size_t mark_at = in_place.find('\x02');
    std::string head = in_place.substr(0, mark_at), tail = in_place.substr(mark_at + 1);
    if (!head.empty()) edits.push_back({{s.range.begin, s.range.begin}, reindent(head, indent, eol) + (head.back() == '\n' ? indent : "")});
    edits.insert(edits.end(), own.begin(), own.end());
    if (!tail.empty()) {
      // tail starts with ";\n" (the original's terminator, already in the text)
      if (tail.rfind(";\n", 0) == 0) tail = tail.substr(2);
      while (!tail.empty() && tail.back() == '\n') tail.pop_back();
      if (!tail.empty()) {
        std::string t = (has_semicolon ? "" : ";") + eol + indent + reindent(tail, indent, eol);
        edits.push_back({{s.range.end, s.range.end}, t});
      }
    }
  } else if (!replaces) {
    // Only insertions before the statement.
  } else if (!in_place.empty()) {
    // Replace the statement's body; its own ';' terminates the last statement written.
    std::string t = in_place;
    while (!t.empty() && t.back() == '\n') t.pop_back();
    if (!t.empty() && t.back() == ';') t.pop_back();
    edits.push_back({body, reindent(t, indent, eol)});
  } else {
    // Everything moved: delete the statement (and its line when nothing else is on it).
    if (!before.empty()) return out.why_not = "nothing left in place to insert before", out;
    uint32_t b = s.range.begin, e = s.range.end;
    uint32_t ls = b;
    while (ls > 0 && (text[ls - 1] == ' ' || text[ls - 1] == '\t')) --ls;
    bool line_start = ls == 0 || text[ls - 1] == '\n' || text[ls - 1] == '\r';
    uint32_t le = line_end_after(text, e);
    bool rest_blank = true;
    for (uint32_t k = e; k < le; ++k) rest_blank = rest_blank && (text[k] == ' ' || text[k] == '\t');
    if (line_start && rest_blank) {
      b = ls;
      e = le;
      if (e < text.size() && text[e] == '\r') ++e;
      if (e < text.size() && text[e] == '\n') ++e;
    }
    edits.push_back({{b, e}, ""});
  }
  (void)original_moved;

  if (!after.empty()) {
    while (!after.empty() && after.back() == '\n') after.pop_back();
    if (explicit_tx) {
      const Statement& commit = statements[static_cast<size_t>(commit_at)];
      uint32_t at = commit.range.end;
      uint32_t le = line_end_after(text, at);
      bool next_on_line = static_cast<size_t>(commit_at) + 1 < statements.size() &&
                          statements[static_cast<size_t>(commit_at) + 1].range.begin < le;
      if (!next_on_line) at = le;
      edits.push_back({{at, at}, eol + eol + reindent(after, "", eol)});
    } else if (tool_tx && analysis.migration.tool == MigrationTool::Flyway) {
      auto name = follow_up_name(analysis.migration, 1, plan.phases.back().label);
      if (!name) return out.why_not = "cannot name a follow-up Flyway migration", out;
      out.new_files.push_back({*name, "-- zerolock: split from " + std::filesystem::path(analysis.migration.path).filename().string() +
                                          " (" + plan.title + ")\n" + after + "\n"});
      if (after_needs_autocommit) out.new_files.push_back({*name + ".conf", "executeInTransaction=false\n"});
    } else {
      out.why_not = std::string(migration_tool_name(analysis.migration.tool)) +
                    " runs this file in one transaction: move the statement to a migration of its own by hand";
      return out;
    }
  }
  int n = static_cast<int>(out.new_files.empty() ? 1 : 2);
  for (auto& [numbered, sql] : later) {
    size_t bar = numbered.find('|');
    std::string label = numbered.substr(bar + 1);
    // Plain SQL files are named by phase number; Flyway ones by the next free minor version.
    int number = analysis.migration.tool == MigrationTool::Flyway ? n++ : std::stoi(numbered.substr(0, bar));
    auto name = follow_up_name(analysis.migration, number, label);
    if (!name) return out.why_not = "this tool has no follow-up migration zerolock can name", out;
    out.new_files.push_back({*name, "-- zerolock: later phase of " + std::filesystem::path(analysis.migration.path).filename().string() +
                                        " (" + plan.title + "); deploy it after the application no longer needs the old schema\n" + sql});
  }
  std::stable_sort(edits.begin(), edits.end(), [](const TextEdit& a, const TextEdit& b) { return a.range.begin < b.range.begin; });
  for (size_t i = 1; i < edits.size(); ++i)
    if (edits[i].range.begin < edits[i - 1].range.end) return out.why_not = "overlapping edits", out;
  out.edits = std::move(edits);
  out.ok = true;
  return out;
}

RenderedFix render(const FixPlan& plan, const Analysis& analysis, std::string_view text, const Config& config) {
  if (analysis.migration.format == Format::Sql) return render_sql(plan, analysis, text, config);
  if (analysis.migration.format == Format::Alembic) return render_alembic(plan, analysis, text, config);
  if (analysis.migration.tool == MigrationTool::Liquibase) return render_liquibase(plan, analysis, text, config);
  RenderedFix out;
  out.why_not = std::string("no ") + format_name(analysis.migration.format) + " renderer yet";
  return out;
}

std::string apply_edits(std::string_view text, std::vector<TextEdit> edits) {
  std::stable_sort(edits.begin(), edits.end(), [](const TextEdit& a, const TextEdit& b) { return a.range.begin < b.range.begin; });
  std::string out;
  uint32_t at = 0;
  for (const TextEdit& e : edits) {
    if (e.range.begin < at || e.range.end > text.size()) continue;  // overlapping: skipped (callers avoid it)
    out.append(text.substr(at, e.range.begin - at));
    out += e.new_text;
    at = e.range.end;
  }
  out.append(text.substr(at));
  return out;
}

}  // namespace zerolock::fixes
