#include "sql/splitter.h"

#include <algorithm>

namespace zerolock::sql {
namespace {

// Splits [begin, end) of `text` (which must start in a clean lexer state: at the start of the
// text or right after a statement's ';'). `clean_end` tells whether the window ended right after a
// top-level ';' (or held no statement at all), so that scanning can stop there.
struct Window {
  std::vector<ByteRange> statements;
  std::vector<ByteRange> comments;
  std::optional<ScanError> error;
  bool clean_end = false;
};

Window split_window(std::string_view text, uint32_t begin, uint32_t end) {
  Window w;
  std::string_view slice = text.substr(begin, end - begin);
  ScanResult scanned = scan(slice);

  int paren_depth = 0;
  int atomic_depth = 0;  // BEGIN ATOMIC ... END bodies of SQL-standard functions hold ';'
  int case_depth = 0;    // CASE ... END inside such bodies
  bool in_statement = false;
  uint32_t statement_begin = 0;
  uint32_t last_end = 0;
  const Token* previous = nullptr;

  for (const Token& t : scanned.tokens) {
    if (t.is_comment()) {
      w.comments.push_back({begin + t.begin, begin + t.end});
      continue;
    }
    if (!in_statement) {
      if (t.is_char(';')) continue;  // empty statement
      in_statement = true;
      statement_begin = t.begin;
    }
    last_end = t.end;
    if (t.is_char('(')) {
      ++paren_depth;
    } else if (t.is_char(')')) {
      paren_depth = std::max(0, paren_depth - 1);
    } else if (t.cls == TokenClass::Keyword) {
      if (token_is_word(slice, t, "atomic") && previous && token_is_word(slice, *previous, "begin")) {
        ++atomic_depth;
      } else if (atomic_depth > 0 && token_is_word(slice, t, "case")) {
        ++case_depth;
      } else if (atomic_depth > 0 && token_is_word(slice, t, "end")) {
        if (case_depth > 0) --case_depth; else --atomic_depth;
      }
    }
    if (t.is_char(';') && paren_depth == 0 && atomic_depth == 0) {
      w.statements.push_back({begin + statement_begin, begin + t.end});
      in_statement = false;
      case_depth = 0;
    }
    previous = &t;
  }

  if (scanned.error) {
    // A lexical error (unterminated string or comment) swallows the rest, as in PostgreSQL.
    uint32_t from = in_statement ? statement_begin : scanned.error->offset;
    w.statements.push_back({begin + from, end});
    w.error = ScanError{scanned.error->message, begin + scanned.error->offset};
    return w;
  }
  if (in_statement) {
    w.statements.push_back({begin + statement_begin, begin + last_end});
    return w;
  }
  w.clean_end = true;
  return w;
}

}  // namespace

SplitResult split(std::string_view text) {
  Window w = split_window(text, 0, static_cast<uint32_t>(text.size()));
  return SplitResult{std::move(w.statements), std::move(w.comments), std::move(w.error)};
}

SplitResult resplit(const SplitResult& old_split, const TextEdit& edit, std::string_view new_text, SplitReuse* reuse) {
  if (reuse) *reuse = SplitReuse{0, 0, old_split.statements.size()};
  if (old_split.error) return split(new_text);
  const int64_t delta = static_cast<int64_t>(edit.new_length) - static_cast<int64_t>(edit.end - edit.begin);
  const auto& old = old_split.statements;

  // Start scanning after the last statement that ends at or before the edit: a clean lexer state.
  auto first_affected = std::find_if(old.begin(), old.end(), [&](const ByteRange& r) { return r.end > edit.begin; });
  // A statement without its ';' (the last one, being typed) continues past its end: text typed
  // after it, even after a space, belongs to it. Bytes before the edit are the same in both texts.
  while (first_affected != old.begin()) {
    const ByteRange& previous = *std::prev(first_affected);
    // ... and so may the last statement even if its last byte is a ';': that ';' may be nested
    // ("(;" is one unterminated statement). Found by the text_sync fuzz target.
    const bool last_of_old = std::prev(first_affected) == std::prev(old.end());
    if (!last_of_old && previous.end > 0 && previous.end <= new_text.size() && new_text[previous.end - 1] == ';') break;
    --first_affected;
  }
  uint32_t start = first_affected == old.begin() ? 0 : std::prev(first_affected)->end;

  // Candidate stops: ends of old statements lying wholly after the edit, in new coordinates.
  auto stop_it = std::find_if(first_affected, old.end(), [&](const ByteRange& r) { return r.end > edit.end; });
  while (true) {
    bool to_end = stop_it == old.end();
    uint32_t stop = to_end ? static_cast<uint32_t>(new_text.size()) : static_cast<uint32_t>(stop_it->end + delta);
    Window w = split_window(new_text, start, stop);
    bool synced = !to_end && !w.error && w.clean_end && !w.statements.empty() && w.statements.back().end == stop;
    // A lexical error (an unterminated quote or comment being typed) changes how the text before
    // it splits too (split() puts the error's statement from its own rules): re-split from
    // scratch, so the incremental result always equals split(new_text). Found by the text_sync
    // fuzz target (tests/fuzz/regressions/text_sync/).
    if (to_end && w.error) return split(new_text);
    if (synced || to_end) {
      SplitResult result;
      result.statements.assign(old.begin(), first_affected);
      result.statements.insert(result.statements.end(), w.statements.begin(), w.statements.end());
      if (synced) {
        for (auto it = std::next(stop_it); it != old.end(); ++it) result.statements.push_back(it->shifted(delta));
      }
      // Comments: keep those before the window, the window's own, and shifted ones after it.
      for (const ByteRange& c : old_split.comments) {
        if (c.end <= start) result.comments.push_back(c);
      }
      result.comments.insert(result.comments.end(), w.comments.begin(), w.comments.end());
      if (synced) {
        for (const ByteRange& c : old_split.comments) {
          if (c.begin >= stop_it->end) result.comments.push_back(c.shifted(delta));
        }
      }
      result.error = w.error;
      if (reuse) {
        reuse->head = static_cast<size_t>(first_affected - old.begin());
        reuse->tail = synced ? static_cast<size_t>(old.end() - std::next(stop_it)) : 0;
      }
      return result;
    }
    ++stop_it;
  }
}

}  // namespace zerolock::sql
