// The rewrite engine: fix_all (safe fixes, or unsafe ones too for odd-length inputs) on arbitrary
// SQL. Where the input parsed without a syntax error, the fixed text must parse too: a fix may
// change what a migration does, never turn it into something PostgreSQL rejects.
#include "fixes/fix.h"
#include "targets/fuzz_support.h"
#include "targets/fuzz_targets.h"

namespace {

bool has_syntax_error(const zerolock::Analysis& analysis) {
  for (const auto& s : analysis.migration.statements)
    if (s.parsed && s.parsed->error) return true;
  for (const auto& d : analysis.diagnostics)
    if (d.rule == "syntax-error") return true;
  return false;
}

}  // namespace

int fuzz_rewrite(const uint8_t* data, size_t size) {
  using namespace zerolock;
  static const std::string kPath = "/nonexistent-zerolock-fuzz/migrations/0001_fuzz.sql";
  std::string_view text = fuzz::as_text(data, size);
  Analysis before = fuzz::analyse_as(Format::Sql, kPath, text);
  if (has_syntax_error(before)) return 0;
  static StatementCache cache;
  fixes::FixAllResult fixed = fixes::fix_all(kPath, text, Config{}, /*unsafe=*/size % 2 == 1, cache);
  cache.sweep();
  Analysis after = fuzz::analyse_as(Format::Sql, kPath, fixed.text);
  FUZZ_CHECK(!has_syntax_error(after), "fix_all turned parsing SQL into text with a syntax error:\n" + fixed.text);
  for (const auto& file : fixed.new_files) {
    Analysis extra = fuzz::analyse_as(Format::Sql, "/nonexistent-zerolock-fuzz/migrations/" + file.path, file.text);
    FUZZ_CHECK(!has_syntax_error(extra), "fix_all wrote a new file with a syntax error: " + file.path + "\n" + file.text);
  }
  return 0;
}
