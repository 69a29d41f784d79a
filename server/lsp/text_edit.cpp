#include "server/lsp/text_edit.h"

#include <algorithm>

#include "server/lsp/positions.h"

namespace zerolock::lsp {

sql::TextEdit compose_edits(const sql::TextEdit& first, const sql::TextEdit& second) {
  // `first` maps old[begin, end) to mid[begin, begin + new_length); text after it is shifted by
  // delta. The union of both regions, expressed in mid coordinates, is mapped back to old ones.
  int64_t first_mid_end = static_cast<int64_t>(first.begin) + first.new_length;
  int64_t delta = static_cast<int64_t>(first.end) - first_mid_end;  // mid -> old after the region
  int64_t union_begin = std::min<int64_t>(first.begin, second.begin);
  int64_t union_mid_end = std::max<int64_t>(first_mid_end, second.end);
  int64_t old_begin = union_begin;  // before first.begin, old and mid text coincide
  int64_t old_end = union_mid_end + delta;
  int64_t new_length = (union_mid_end - union_begin) - (static_cast<int64_t>(second.end) - second.begin) + second.new_length;
  return sql::TextEdit{static_cast<uint32_t>(old_begin), static_cast<uint32_t>(old_end), static_cast<uint32_t>(new_length)};
}

std::optional<sql::TextEdit> compose_edits(const std::optional<sql::TextEdit>& first,
                                           const std::optional<sql::TextEdit>& second) {
  if (!first) return second;
  if (!second) return first;
  return compose_edits(*first, *second);
}

std::variant<AppliedChanges, EditError> apply_changes(const std::string& text,
                                                      const std::vector<protocol::ContentChange>& changes,
                                                      ColumnEncoding encoding) {
  AppliedChanges result{text, {}};
  std::optional<sql::TextEdit> merged;
  for (const auto& change : changes) {
    sql::TextEdit edit;
    if (!change.range) {
      edit = {0, static_cast<uint32_t>(result.text.size()), static_cast<uint32_t>(change.text.size())};
      result.text = change.text;
    } else {
      LineIndex lines(result.text);
      auto begin = to_offset(lines, change.range->start, encoding);
      auto end = to_offset(lines, change.range->end, encoding);
      if (!begin || !end) return EditError{"change range is past the end of the document"};
      if (*begin > *end) return EditError{"change range ends before it starts"};
      edit = {*begin, *end, static_cast<uint32_t>(change.text.size())};
      result.text.replace(*begin, *end - *begin, change.text);
    }
    merged = compose_edits(merged, edit);
  }
  result.edit = merged.value_or(sql::TextEdit{0, 0, 0});
  return result;
}

}  // namespace zerolock::lsp
