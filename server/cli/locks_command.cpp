// zerolock locks: every statement with the locks it takes, rewrite/scan flags and how long each
// lock is held. The same data backs hover and inlay hints.
#include <iostream>
#include <nlohmann/json.hpp>

#include "server/cli/analyze_inputs.h"
#include "server/cli/commands.h"

namespace zerolock::cli {

nlohmann::json position_json(const LineIndex& lines, uint32_t offset);

namespace {

std::string held_until(const FileReport& r, size_t i) {
  const Statement& s = r.analysis.migration.statements[i];
  if (!s.in_transaction) return "statement";
  return "commit";
}

nlohmann::json statement_json(const FileReport& r, size_t i) {
  const Statement& s = r.analysis.migration.statements[i];
  const StatementFacts& f = r.analysis.facts[i];
  nlohmann::json locks = nlohmann::json::array();
  for (const RelationLock& l : f.effect.locks)
    locks.push_back({{"relation", l.relation}, {"mode", std::string(lock_mode_name(l.mode))}});
  nlohmann::json commit = nullptr;
  if (s.in_transaction && f.transaction_ends_at >= 0) {
    const Statement& c = r.analysis.migration.statements[static_cast<size_t>(f.transaction_ends_at)];
    commit = {{"statement", f.transaction_ends_at}, {"line", r.lines.position(c.range.begin, ColumnEncoding::Utf16).line}};
  }
  return {{"range", {{"start", position_json(r.lines, s.range.begin)}, {"end", position_json(r.lines, s.range.end)}}},
          {"text", std::string(r.text.substr(s.range.begin, s.range.size()))},
          {"summary", s.parsed ? s.parsed->summary : ""},
          {"in_transaction", s.in_transaction},
          {"locks", locks},
          {"rewrite", f.effect.rewrite},
          {"scan", f.effect.scan},
          {"transactional", f.effect.transactional},
          {"known", f.effect.known && !(s.parsed && s.parsed->error)},
          {"held_until", held_until(r, i)},
          {"commit", commit},
          {"note", f.effect.note}};
}

void write_locks_json(std::ostream& out, const std::vector<std::unique_ptr<FileReport>>& reports) {
  nlohmann::json files = nlohmann::json::array();
  for (const auto& r : reports) {
    nlohmann::json statements = nlohmann::json::array();
    for (size_t i = 0; i < r->analysis.migration.statements.size(); ++i) statements.push_back(statement_json(*r, i));
    files.push_back({{"path", r->path}, {"pg_version", 0}, {"statements", statements}});
  }
  out << nlohmann::json{{"files", files}}.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
}

void write_locks_text(std::ostream& out, const std::vector<std::unique_ptr<FileReport>>& reports) {
  for (const auto& r : reports) {
    out << r->path << "\n";
    const auto& statements = r->analysis.migration.statements;
    for (size_t i = 0; i < statements.size(); ++i) {
      const Statement& s = statements[i];
      const StatementFacts& f = r->analysis.facts[i];
      uint32_t line = r->lines.position(s.range.begin, ColumnEncoding::Utf16).line + 1;
      out << "  " << line << ": " << (s.parsed ? s.parsed->summary : "") << (s.in_transaction ? "  [in transaction]" : "")
          << "\n";
      if (s.parsed && s.parsed->error) {
        out << "      not analysed: syntax error\n";
        continue;
      }
      if (!f.effect.known) out << "      locks not modelled for this statement\n";
      for (const RelationLock& l : f.effect.locks) {
        out << "      " << lock_mode_name(l.mode) << " on " << l.relation << " (" << blocked_work_phrase(l.mode) << "), held until ";
        if (!s.in_transaction) out << "the statement ends";
        else if (f.transaction_ends_at >= 0)
          out << "COMMIT at line " << r->lines.position(statements[f.transaction_ends_at].range.begin, ColumnEncoding::Utf16).line + 1;
        else out << "the migration's transaction commits";
        out << "\n";
      }
      if (f.effect.rewrite) out << "      rewrites the table\n";
      if (f.effect.scan) out << "      scans the table under the lock\n";
      if (!f.effect.transactional) out << "      cannot run inside a transaction block\n";
      if (!f.effect.note.empty()) out << "      note: " << f.effect.note << "\n";
    }
  }
}

}  // namespace

int locks_command(const Args& args) {
  for (const std::string& a : args) {
    if (a == "-h" || a == "--help") {
      std::cout << "usage: zerolock locks [options] FILE...\n\nEvery statement with the locks it takes.\n\noptions:\n"
                << common_options_help() << "formats: text (default), json\n";
      return 0;
    }
  }
  ParseOutcome parsed = parse_common_options(args, {"text", "json"});
  if (!parsed.options) {
    std::cerr << "zerolock locks: " << parsed.error << "\n";
    return 2;
  }
  if (parsed.options->paths.empty()) {
    std::cerr << "zerolock locks: no input files\n";
    return 2;
  }
  AnalyzedInputs result = analyze_inputs(*parsed.options);
  for (const std::string& e : result.errors) std::cerr << "zerolock: " << e << "\n";
  if (parsed.options->format == "json") write_locks_json(std::cout, result.reports);
  else write_locks_text(std::cout, result.reports);
  return result.errors.empty() ? 0 : 2;
}

}  // namespace zerolock::cli
