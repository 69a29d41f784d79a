#pragma once
// Maps byte offsets of a UTF-8 text to (line, column) positions and back, with columns
// counted in UTF-16 code units (LSP's default), UTF-8 bytes or code points. Line ends are
// \n, \r\n and lone \r, as LSP defines them.
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace zerolock {

enum class ColumnEncoding { Utf8, Utf16, Utf32 };

struct TextPosition {
  uint32_t line = 0;
  uint32_t character = 0;
  friend bool operator==(const TextPosition&, const TextPosition&) = default;
};

class LineIndex {
 public:
  LineIndex() = default;
  explicit LineIndex(std::string_view text);

  [[nodiscard]] TextPosition position(uint32_t offset, ColumnEncoding encoding) const;
  // nullopt when the line is past the end of the text. A character past the end of its
  // line clamps to the line end (as LSP says); a position inside a multi-byte sequence or
  // a surrogate pair rounds down to the code point's start.
  [[nodiscard]] std::optional<uint32_t> offset(TextPosition position, ColumnEncoding encoding) const;
  [[nodiscard]] uint32_t line_count() const { return static_cast<uint32_t>(line_starts_.size()); }
  [[nodiscard]] uint32_t line_start(uint32_t line) const { return line_starts_.at(line); }
  // Byte offset just past the line's content, before its line terminator.
  [[nodiscard]] uint32_t line_content_end(uint32_t line) const;
  [[nodiscard]] uint32_t line_of(uint32_t offset) const;
  [[nodiscard]] std::string_view text() const { return text_; }

 private:
  std::string_view text_;
  std::vector<uint32_t> line_starts_;
};

// Number of UTF-16 code units / code points in a UTF-8 byte string (invalid bytes count one each).
uint32_t utf16_length(std::string_view utf8);
uint32_t code_point_length(std::string_view utf8);

}  // namespace zerolock
