#pragma once
// Conversion between the engine's byte ranges and LSP positions in the negotiated encoding.
#include <optional>

#include "analysis/text/line_index.h"
#include "analysis/text/source_range.h"
#include "protocol/lsp_types.h"

namespace zerolock::lsp {

ColumnEncoding column_encoding(protocol::PositionEncoding encoding);

protocol::Position to_position(const LineIndex& lines, uint32_t offset, ColumnEncoding encoding);
protocol::Range to_range(const LineIndex& lines, ByteRange range, ColumnEncoding encoding);

// nullopt when the position is past the end of the text. Columns past a line's end clamp to it
// (the spec's rule). The position one line past the last one, column 0, is the end of the text:
// clients send it for edits that reach the end of a document ending in a line break.
std::optional<uint32_t> to_offset(const LineIndex& lines, protocol::Position position, ColumnEncoding encoding);

}  // namespace zerolock::lsp
