#include "text/line_index.h"

#include <algorithm>
#include <cstring>

namespace zerolock {
namespace {

// Length in bytes of the UTF-8 sequence starting with `lead`; 1 for invalid lead bytes so that
// broken text still advances.
uint32_t sequence_length(unsigned char lead) {
  if (lead < 0x80) return 1;
  if ((lead >> 5) == 0x6) return 2;
  if ((lead >> 4) == 0xE) return 3;
  if ((lead >> 3) == 0x1E) return 4;
  return 1;
}

uint32_t units_of(uint32_t sequence_bytes, ColumnEncoding encoding) {
  switch (encoding) {
    case ColumnEncoding::Utf8: return sequence_bytes;
    case ColumnEncoding::Utf16: return sequence_bytes == 4 ? 2 : 1;
    case ColumnEncoding::Utf32: return 1;
  }
  return 1;
}

}  // namespace

LineIndex::LineIndex(std::string_view text) : text_(text) {
  line_starts_.reserve(text.size() / 32 + 1);
  line_starts_.push_back(0);
  // Built on every edit of every open document: memchr finds the line ends (vectorised) when
  // there is no \r, which is all but Windows-edited files; otherwise the byte loop below.
  if (std::memchr(text.data(), '\r', text.size()) == nullptr) {
    const char* begin = text.data();
    const char* end = begin + text.size();
    for (const char* p = begin; p < end;) {
      const void* nl = std::memchr(p, '\n', static_cast<size_t>(end - p));
      if (!nl) break;
      p = static_cast<const char*>(nl) + 1;
      line_starts_.push_back(static_cast<uint32_t>(p - begin));
    }
    return;
  }
  for (uint32_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\n') {
      line_starts_.push_back(i + 1);
    } else if (c == '\r') {
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
      line_starts_.push_back(i + 1);
    }
  }
}

uint32_t LineIndex::line_of(uint32_t offset) const {
  auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
  return static_cast<uint32_t>(it - line_starts_.begin()) - 1;
}

uint32_t LineIndex::line_content_end(uint32_t line) const {
  uint32_t end = line + 1 < line_starts_.size() ? line_starts_[line + 1] : static_cast<uint32_t>(text_.size());
  while (end > line_starts_[line] && (text_[end - 1] == '\n' || text_[end - 1] == '\r')) --end;
  return end;
}

TextPosition LineIndex::position(uint32_t offset, ColumnEncoding encoding) const {
  offset = std::min<uint32_t>(offset, static_cast<uint32_t>(text_.size()));
  uint32_t line = line_of(offset);
  uint32_t column = 0;
  for (uint32_t i = line_starts_[line]; i < offset;) {
    uint32_t len = sequence_length(static_cast<unsigned char>(text_[i]));
    if (i + len > offset) break;  // offset inside a sequence: count up to its start
    column += units_of(len, encoding);
    i += len;
  }
  return {line, column};
}

std::optional<uint32_t> LineIndex::offset(TextPosition position, ColumnEncoding encoding) const {
  if (position.line >= line_starts_.size()) {
    // LSP clients address the position just past the last line ending as (line_count, 0).
    if (position.line == line_starts_.size() && position.character == 0 && !text_.empty() &&
        (text_.back() == '\n' || text_.back() == '\r'))
      return static_cast<uint32_t>(text_.size());
    return std::nullopt;
  }
  uint32_t i = line_starts_[position.line];
  uint32_t end = line_content_end(position.line);
  uint32_t column = 0;
  while (i < end && column < position.character) {
    uint32_t len = std::min<uint32_t>(sequence_length(static_cast<unsigned char>(text_[i])), end - i);
    uint32_t units = units_of(len, encoding);
    if (column + units > position.character) break;  // inside a surrogate pair / sequence
    column += units;
    i += len;
  }
  return i;
}

uint32_t utf16_length(std::string_view utf8) {
  uint32_t n = 0;
  for (size_t i = 0; i < utf8.size();) {
    uint32_t len = sequence_length(static_cast<unsigned char>(utf8[i]));
    n += len == 4 ? 2 : 1;
    i += len;
  }
  return n;
}

uint32_t code_point_length(std::string_view utf8) {
  uint32_t n = 0;
  for (size_t i = 0; i < utf8.size(); i += sequence_length(static_cast<unsigned char>(utf8[i]))) ++n;
  return n;
}

}  // namespace zerolock
