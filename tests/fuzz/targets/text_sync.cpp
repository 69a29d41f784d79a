// Incremental text sync: a random script of didChange content changes (range edits in UTF-8,
// UTF-16 or UTF-32 columns, whole-text replacements, positions past line ends and past the end)
// applied through the server's apply_changes, checked against a reference document kept as code
// points with LSP's position rules written out independently here. After each change (or a
// coalesced run of them, as the worker sees them) the incremental SQL split (sql::resplit over
// the composed edit) must equal a split of the new text from scratch.
//
// The text is built from a small alphabet of SQL-ish pieces (quotes, dollar quotes, comments,
// semicolons, CR/LF, multi-byte characters) so that edits land on interesting boundaries.
#include <string>

#include "server/lsp/text_edit.h"
#include "sql/splitter.h"
#include "targets/fuzz_support.h"
#include "targets/fuzz_targets.h"

namespace {

using zerolock::ColumnEncoding;
using zerolock::fuzz::ByteReader;

const char* const kPieces[] = {"select 1", ";", " ", "\n", "\r\n", "\r", "'", "''", "$$", "$f$", "--", "/*", "*/",
                               "e'\\'", "\"", "é", "€", "😀", "create index i on t (a)", "begin", "commit",
                               "x", "(", ")", "\t", "\\"};
constexpr size_t kPieceCount = sizeof(kPieces) / sizeof(kPieces[0]);

std::u32string decode(const std::string& utf8) {
  std::u32string out;
  for (size_t i = 0; i < utf8.size();) {
    unsigned char c = utf8[i];
    size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : 4;
    char32_t cp = len == 1 ? c : len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
    for (size_t k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(utf8[i + k]) & 0x3F);
    out.push_back(cp);
    i += len;
  }
  return out;
}

std::string encode(const std::u32string& text) {
  std::string out;
  for (char32_t cp : text) {
    if (cp < 0x80) {
      out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }
  return out;
}

uint32_t units(char32_t cp, ColumnEncoding encoding) {
  switch (encoding) {
    case ColumnEncoding::Utf8: return static_cast<uint32_t>(encode(std::u32string(1, cp)).size());
    case ColumnEncoding::Utf16: return cp >= 0x10000 ? 2 : 1;
    case ColumnEncoding::Utf32: return 1;
  }
  return 1;
}

// LSP 3.17: lines end at \n, \r\n or \r; a column past the line's end means its end; a column
// inside a character means that character's start (our documented choice); (line count, 0) is the
// end of the text; any other line past the end is an error.
std::optional<size_t> reference_offset(const std::u32string& text, uint32_t line, uint32_t character,
                                       ColumnEncoding encoding) {
  std::vector<size_t> starts{0};
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == U'\n' || (text[i] == U'\r' && (i + 1 >= text.size() || text[i + 1] != U'\n'))) starts.push_back(i + 1);
  }
  if (line == starts.size() && character == 0) return text.size();
  if (line >= starts.size()) return std::nullopt;
  size_t i = starts[line];
  uint32_t column = 0;
  while (i < text.size() && text[i] != U'\n' && text[i] != U'\r') {
    uint32_t u = units(text[i], encoding);
    if (column + u > character) break;
    column += u;
    ++i;
  }
  return i;
}

std::string piece_text(ByteReader& in, size_t max_pieces) {
  std::string out;
  size_t n = in.number(static_cast<uint32_t>(max_pieces + 1));
  for (size_t i = 0; i < n && !in.empty(); ++i) out += kPieces[in.byte() % kPieceCount];
  return out;
}

bool same_split(const zerolock::sql::SplitResult& a, const zerolock::sql::SplitResult& b) {
  if (a.statements != b.statements || a.comments != b.comments) return false;
  if (a.error.has_value() != b.error.has_value()) return false;
  return !a.error || (a.error->offset == b.error->offset && a.error->message == b.error->message);
}

std::string describe(const zerolock::sql::SplitResult& split) {
  std::string out;
  for (auto r : split.statements) out += "[" + std::to_string(r.begin) + "," + std::to_string(r.end) + ")";
  out += " comments";
  for (auto r : split.comments) out += "[" + std::to_string(r.begin) + "," + std::to_string(r.end) + ")";
  if (split.error) out += " error@" + std::to_string(split.error->offset);
  return out;
}

}  // namespace

int fuzz_text_sync(const uint8_t* data, size_t size) {
  namespace lsp = zerolock::lsp;
  namespace sql = zerolock::sql;
  ByteReader in(data, size);
  const ColumnEncoding encodings[] = {ColumnEncoding::Utf16, ColumnEncoding::Utf8, ColumnEncoding::Utf32};
  ColumnEncoding encoding = encodings[in.byte() % 3];

  std::string text = piece_text(in, 64);
  std::u32string reference = decode(text);
  sql::SplitResult split = sql::split(text);
  std::optional<sql::TextEdit> pending;  // edits not yet seen by the "worker" (coalescing)

  for (int round = 0; round < 64 && !in.empty(); ++round) {
    std::vector<zerolock::protocol::ContentChange> changes(1 + in.byte() % 3);
    std::u32string expected = reference;
    bool expect_error = false;
    for (auto& change : changes) {
      uint8_t kind = in.byte();
      change.text = piece_text(in, 6);
      if (kind % 16 == 0) {
        expected = decode(change.text);  // whole-document replacement
        continue;
      }
      zerolock::protocol::Range range;
      range.start.line = in.number(12);
      range.start.character = in.number(24);
      bool same_line = in.byte() % 2 == 0;
      range.end.line = same_line ? range.start.line : in.number(12);
      range.end.character = same_line ? range.start.character + in.number(8) : in.number(24);
      change.range = range;
      if (expect_error) continue;
      auto begin = reference_offset(expected, range.start.line, range.start.character, encoding);
      auto end = reference_offset(expected, range.end.line, range.end.character, encoding);
      if (!begin || !end || *begin > *end) {
        expect_error = true;
        continue;
      }
      expected = expected.substr(0, *begin) + decode(change.text) + expected.substr(*end);
    }

    auto applied = lsp::apply_changes(text, changes, encoding);
    if (auto* error = std::get_if<lsp::EditError>(&applied)) {
      FUZZ_CHECK(expect_error, "apply_changes rejected a valid change: " + error->message);
      continue;  // the document keeps its text
    }
    FUZZ_CHECK(!expect_error, "apply_changes accepted a change the reference rejects");
    auto& result = std::get<lsp::AppliedChanges>(applied);
    FUZZ_CHECK(result.text == encode(expected), "text after the changes differs from the reference");

    // The composed edit must describe the change: same prefix before it, same suffix after it.
    const sql::TextEdit& edit = result.edit;
    FUZZ_CHECK(edit.begin <= edit.end && edit.end <= text.size(), "edit outside the old text");
    FUZZ_CHECK(edit.begin + edit.new_length <= result.text.size(), "edit outside the new text");
    FUZZ_CHECK(text.size() - edit.end == result.text.size() - edit.begin - edit.new_length, "edit lengths inconsistent");
    FUZZ_CHECK(text.compare(0, edit.begin, result.text, 0, edit.begin) == 0, "text before the edit changed");
    FUZZ_CHECK(text.compare(edit.end, std::string::npos, result.text, edit.begin + edit.new_length, std::string::npos) == 0,
               "text after the edit changed");

    text = std::move(result.text);
    reference = std::move(expected);
    pending = lsp::compose_edits(pending, edit);
    if (in.byte() % 4 != 0) {  // the worker analyses now (else the next change is coalesced with this one)
      split = sql::resplit(split, *pending, text);
      sql::SplitResult fresh = sql::split(text);
      FUZZ_CHECK(same_split(split, fresh), "incremental split " + describe(split) + " != fresh split " + describe(fresh) +
                                               " of text [" + text + "] (composed edit " + std::to_string(pending->begin) +
                                               ".." + std::to_string(pending->end) + " +" +
                                               std::to_string(pending->new_length) + ")");
      pending.reset();
    }
  }
  return 0;
}
