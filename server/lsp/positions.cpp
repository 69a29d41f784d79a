#include "server/lsp/positions.h"

namespace zerolock::lsp {

ColumnEncoding column_encoding(protocol::PositionEncoding encoding) {
  switch (encoding) {
    case protocol::PositionEncoding::Utf8: return ColumnEncoding::Utf8;
    case protocol::PositionEncoding::Utf32: return ColumnEncoding::Utf32;
    case protocol::PositionEncoding::Utf16: break;
  }
  return ColumnEncoding::Utf16;
}

protocol::Position to_position(const LineIndex& lines, uint32_t offset, ColumnEncoding encoding) {
  TextPosition p = lines.position(offset, encoding);
  return {p.line, p.character};
}

protocol::Range to_range(const LineIndex& lines, ByteRange range, ColumnEncoding encoding) {
  return {to_position(lines, range.begin, encoding), to_position(lines, range.end, encoding)};
}

std::optional<uint32_t> to_offset(const LineIndex& lines, protocol::Position position, ColumnEncoding encoding) {
  if (position.line == lines.line_count() && position.character == 0)
    return static_cast<uint32_t>(lines.text().size());
  return lines.offset(TextPosition{position.line, position.character}, encoding);
}

}  // namespace zerolock::lsp
