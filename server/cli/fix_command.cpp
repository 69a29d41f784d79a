// zerolock fix [--unsafe] [--diff] PATH...: applies the safe rewrites (and the unsafe ones with
// --unsafe) in place, atomically (temp file in the same directory + rename), or prints a unified
// diff. Exit status like check: 0 no error-level finding left, 1 some left, 2 usage/config/I-O error.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <sstream>

#include "fixes/fix.h"
#include "server/cli/commands.h"
#include "server/cli/inputs.h"
#include "server/cli/options.h"

namespace zerolock::cli {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  size_t at = 0;
  while (at < text.size()) {
    size_t nl = text.find('\n', at);
    if (nl == std::string::npos) {
      lines.push_back(text.substr(at));
      break;
    }
    lines.push_back(text.substr(at, nl - at + 1));
    at = nl + 1;
  }
  return lines;
}

// A unified diff (3 lines of context) from an LCS of lines; migrations are small.
void unified_diff(std::ostream& out, const std::string& from_name, const std::string& to_name, const std::string& a_text,
                  const std::string& b_text) {
  auto a = split_lines(a_text), b = split_lines(b_text);
  size_t n = a.size(), m = b.size();
  // ops: ' ' keep, '-' delete, '+' insert, with indexes
  struct Op { char kind; size_t ai, bi; };
  std::vector<Op> ops;
  if (n * m <= 25'000'000) {
    std::vector<std::vector<uint32_t>> lcs(n + 1, std::vector<uint32_t>(m + 1, 0));
    for (size_t i = n; i-- > 0;)
      for (size_t j = m; j-- > 0;) lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
    size_t i = 0, j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && a[i] == b[j]) ops.push_back({' ', i++, j++});
      else if (i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1])) ops.push_back({'-', i++, j});
      else ops.push_back({'+', i, j++});
    }
  } else {
    for (size_t i = 0; i < n; ++i) ops.push_back({'-', i, 0});
    for (size_t j = 0; j < m; ++j) ops.push_back({'+', n, j});
  }
  out << "--- " << from_name << "\n+++ " << to_name << "\n";
  const size_t ctx = 3;
  size_t k = 0;
  while (k < ops.size()) {
    while (k < ops.size() && ops[k].kind == ' ') ++k;
    if (k == ops.size()) break;
    size_t start = k >= ctx ? k - ctx : 0;
    size_t end = k;
    // extend while changes are within 2*ctx of each other
    size_t last_change = k;
    for (size_t q = k; q < ops.size(); ++q) {
      if (ops[q].kind != ' ') last_change = q;
      else if (q - last_change > 2 * ctx) break;
      end = q + 1;
    }
    end = std::min(ops.size(), last_change + 1 + ctx);
    size_t a_start = ops[start].ai, b_start = ops[start].bi, a_len = 0, b_len = 0;
    for (size_t q = start; q < end; ++q) {
      if (ops[q].kind != '+') ++a_len;
      if (ops[q].kind != '-') ++b_len;
    }
    out << "@@ -" << (a_len ? a_start + 1 : a_start) << "," << a_len << " +" << (b_len ? b_start + 1 : b_start) << "," << b_len
        << " @@\n";
    for (size_t q = start; q < end; ++q) {
      const std::string& line = ops[q].kind == '+' ? b[ops[q].bi] : a[ops[q].ai];
      out << ops[q].kind << line;
      if (line.empty() || line.back() != '\n') out << "\n\\ No newline at end of file\n";
    }
    k = end;
  }
}

// Writes `text` to `path` atomically: a temp file in the same directory, fsync, rename. The
// original's permissions are kept. `must_not_exist`: refuse to replace an existing file.
bool write_atomically(const fs::path& path, const std::string& text, bool must_not_exist, std::string& error) {
  fs::path dir = path.has_parent_path() ? path.parent_path() : fs::path(".");
  struct stat st{};
  bool exists = ::stat(path.c_str(), &st) == 0;
  if (exists && must_not_exist) {
    error = path.string() + ": already exists; not overwritten";
    return false;
  }
  std::string tmpl = (dir / ("." + path.filename().string() + ".zerolock-XXXXXX")).string();
  std::vector<char> name(tmpl.begin(), tmpl.end());
  name.push_back('\0');
  int fd = ::mkstemp(name.data());
  if (fd < 0) {
    error = path.string() + ": cannot create a temporary file: " + std::strerror(errno);
    return false;
  }
  bool ok = true;
  size_t done = 0;
  while (ok && done < text.size()) {
    ssize_t w = ::write(fd, text.data() + done, text.size() - done);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) ok = false;
    else done += static_cast<size_t>(w);
  }
  if (ok) ::fchmod(fd, exists ? (st.st_mode & 07777) : 0644);
  if (ok && ::fsync(fd) != 0) ok = false;
  if (::close(fd) != 0) ok = false;
  if (ok && must_not_exist) {
    // link() fails if the target appeared meanwhile: never replaces a file.
    ok = ::link(name.data(), path.c_str()) == 0;
    ::unlink(name.data());
  } else if (ok) {
    ok = ::rename(name.data(), path.c_str()) == 0;
  }
  if (!ok) {
    error = path.string() + ": cannot write: " + std::strerror(errno);
    ::unlink(name.data());
  }
  return ok;
}

}  // namespace

int fix_command(const Args& args) {
  bool unsafe = false, diff = false;
  Args rest;
  for (const std::string& a : args) {
    if (a == "-h" || a == "--help") {
      std::cout << "usage: zerolock fix [--unsafe] [--diff] [options] PATH... (- reads standard input)\n\n"
                   "Rewrites dangerous statements into their safe multi-step forms. Only safe fixes (same end\n"
                   "state, no behaviour change) unless --unsafe. Files are replaced atomically; follow-up\n"
                   "migrations (later phases, non-transactional Flyway files) are created next to them.\n"
                   "--diff prints a unified diff instead of writing. Exit status: 0 no error-level finding\n"
                   "left, 1 some left, 2 usage, configuration or I/O error.\n\noptions:\n"
                   "  --unsafe                also apply fixes that need a human decision\n"
                   "  --diff                  print a unified diff, write nothing\n"
                << common_options_help();
      return 0;
    }
    if (a == "--unsafe") unsafe = true;
    else if (a == "--diff") diff = true;
    else rest.push_back(a);
  }
  ParseOutcome parsed = parse_common_options(rest, {"text"});
  if (!parsed.options) {
    std::cerr << "zerolock fix: " << parsed.error << "\n(see zerolock fix --help)\n";
    return 2;
  }
  const CommonOptions& options = *parsed.options;
  if (options.paths.empty()) {
    std::cerr << "zerolock fix: no input: give files, directories or - for standard input\n";
    return 2;
  }
  bool from_stdin = std::find(options.paths.begin(), options.paths.end(), "-") != options.paths.end();
  std::string stdin_name = options.stdin_filename.value_or("<stdin>.sql");
  Inputs inputs = collect_inputs(options);
  std::vector<std::string> errors = inputs.errors;
  ConfigResolver configs(options);
  StatementCache cache;
  size_t remaining_errors = 0;
  for (InputFile& file : inputs.files) {
    std::optional<Config> config = configs.config_for(file.path);
    if (!config) continue;
    fixes::FixAllResult r = fixes::fix_all(file.path, file.text, *config, unsafe, cache);
    bool is_stdin = from_stdin && file.path == stdin_name;
    if (diff) {
      if (r.text != file.text) unified_diff(std::cout, "a/" + file.path, "b/" + file.path, file.text, r.text);
      for (const auto& nf : r.new_files) {
        std::string p = (fs::path(file.path).parent_path() / nf.path).string();
        unified_diff(std::cout, "/dev/null", "b/" + p, "", nf.text);
      }
    } else if (is_stdin) {
      std::cout << r.text;
    } else {
      std::string error;
      bool ok = true;
      for (const auto& nf : r.new_files) {
        fs::path p = fs::path(file.path).parent_path() / nf.path;
        if (!write_atomically(p, nf.text, true, error)) {
          errors.push_back(error);
          ok = false;
          break;
        }
      }
      if (ok && r.text != file.text && !write_atomically(file.path, r.text, false, error)) errors.push_back(error);
      if (!options.quiet)
        for (const auto& title : r.applied) std::cerr << file.path << ": " << title << "\n";
    }
    // What a fix changes in behaviour or cannot restore on rollback, whichever way it was output.
    if (!options.quiet)
      for (const auto& note : r.notes) std::cerr << file.path << ": note: " << note << "\n";
    // Exit status from what is left.
    DocumentInput input;
    input.path = file.path;
    input.text = r.text;
    Analysis after = analyze_document(input, *config, cache);
    for (const Diagnostic& d : after.diagnostics)
      if (d.severity == Severity::Error) ++remaining_errors;
    cache.sweep();
  }
  errors.insert(errors.end(), configs.errors().begin(), configs.errors().end());
  for (const std::string& e : errors) std::cerr << "zerolock: " << e << "\n";
  std::cout.flush();
  if (!errors.empty()) return 2;
  return remaining_errors > 0 ? 1 : 0;
}

}  // namespace zerolock::cli
