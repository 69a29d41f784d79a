#pragma once
// Limits on what zerolock reads, so that huge or pathologically nested input is reported with a
// clear message instead of exhausting memory or the stack. The pre-scans here run before a
// parser that recurses (yaml-cpp, the tree converters, the Python parser): they look only at
// bracket / element / indentation structure, never parse, and are linear in the text.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace zerolock::limits {

// Documents above this are not analysed (CLI: reported, exit status 2; LSP: one message).
inline constexpr size_t kMaxDocumentBytes = 16u * 1024u * 1024u;
// Deeper nesting than this in a changelog or a Python revision is reported, not parsed. Real
// migrations nest a few levels; 200 keeps every recursive parser far from the stack's end.
inline constexpr uint32_t kMaxNestingDepth = 200;

struct TooDeep {
  uint32_t offset = 0;  // where the limit was crossed
  uint32_t depth = 0;
};

// "[" / "{" outside strings.
std::optional<TooDeep> json_too_deep(std::string_view text, uint32_t limit = kMaxNestingDepth);
// Open elements: "<name" ... ">" opens unless it ends "/>"; "</" closes; comments, CDATA,
// processing instructions and declarations are skipped.
std::optional<TooDeep> xml_too_deep(std::string_view text, uint32_t limit = kMaxNestingDepth);
// Flow collections ("[" "{" outside quotes and comments) plus block structure: each "- " / "? "
// / ": " that opens a nested block on the same line, and the indentation levels open on a line.
std::optional<TooDeep> yaml_too_deep(std::string_view text, uint32_t limit = kMaxNestingDepth);
// Brackets outside strings and comments, plus unary operator chains and indentation levels.
std::optional<TooDeep> python_too_deep(std::string_view text, uint32_t limit = kMaxNestingDepth);

// "nesting deeper than 200 levels at byte 1234: not analysed"
std::string too_deep_message(const TooDeep& too_deep, uint32_t limit = kMaxNestingDepth);
// "file is 17.0 MB, more than the 16 MB zerolock analyses: not analysed"
std::string too_large_message(size_t bytes);

}  // namespace zerolock::limits
