#include "text/line_index.h"

#include <gtest/gtest.h>

using namespace zerolock;

TEST(LineIndex, Utf16ColumnsCountSurrogatePairs) {
  // "é" is 2 bytes / 1 UTF-16 unit; "😀" is 4 bytes / 2 UTF-16 units / 1 code point.
  std::string text = "a\xC3\xA9\xF0\x9F\x98\x80x\nb";
  LineIndex lines(text);
  uint32_t x = static_cast<uint32_t>(text.find('x'));
  EXPECT_EQ(lines.position(x, ColumnEncoding::Utf16), (TextPosition{0, 4}));
  EXPECT_EQ(lines.position(x, ColumnEncoding::Utf8), (TextPosition{0, 7}));
  EXPECT_EQ(lines.position(x, ColumnEncoding::Utf32), (TextPosition{0, 3}));
  EXPECT_EQ(lines.offset({0, 4}, ColumnEncoding::Utf16), x);
  EXPECT_EQ(lines.offset({0, 7}, ColumnEncoding::Utf8), x);
  // Inside the surrogate pair rounds down to the code point's start.
  EXPECT_EQ(lines.offset({0, 3}, ColumnEncoding::Utf16), 3u);
  EXPECT_EQ(lines.position(static_cast<uint32_t>(text.size()) - 1, ColumnEncoding::Utf16), (TextPosition{1, 0}));
}

TEST(LineIndex, CrLfAndLoneCrAreLineEnds) {
  std::string text = "ab\r\ncd\ref\n";
  LineIndex lines(text);
  EXPECT_EQ(lines.line_count(), 4u);
  EXPECT_EQ(lines.position(4, ColumnEncoding::Utf16), (TextPosition{1, 0}));
  EXPECT_EQ(lines.position(7, ColumnEncoding::Utf16), (TextPosition{2, 0}));
  EXPECT_EQ(lines.line_content_end(0), 2u);
  // A character past the end of the line clamps to the line's end, before \r\n.
  EXPECT_EQ(lines.offset({0, 99}, ColumnEncoding::Utf16), 2u);
  EXPECT_EQ(lines.offset({9, 0}, ColumnEncoding::Utf16), std::nullopt);
  EXPECT_EQ(lines.offset({3, 0}, ColumnEncoding::Utf16), text.size());
}

TEST(LineIndex, RoundTripsEveryCodePointBoundary) {
  std::string text = "SELECT '\xE2\x82\xAC';\r\n-- \xF0\x9D\x84\x9E note\nCREATE INDEX i ON t (c);";
  LineIndex lines(text);
  for (uint32_t i = 0; i <= text.size(); ++i) {
    if (i < text.size() && (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;
    if (i < text.size() && text[i] == '\n' && i > 0 && text[i - 1] == '\r') continue;
    for (auto enc : {ColumnEncoding::Utf8, ColumnEncoding::Utf16, ColumnEncoding::Utf32}) {
      TextPosition p = lines.position(i, enc);
      EXPECT_EQ(lines.offset(p, enc), i) << "offset " << i;
    }
  }
}
