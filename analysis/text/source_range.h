#pragma once
// Byte ranges into a document's UTF-8 text. Everything in analysis/ speaks byte offsets;
// conversion to (line, UTF-16/UTF-8 column) happens at the edges through LineIndex.
#include <cstdint>

namespace zerolock {

struct ByteRange {
  uint32_t begin = 0;
  uint32_t end = 0;  // exclusive

  [[nodiscard]] uint32_t size() const { return end - begin; }
  [[nodiscard]] bool contains(uint32_t offset) const { return offset >= begin && offset < end; }
  [[nodiscard]] ByteRange shifted(int64_t delta) const {
    return {static_cast<uint32_t>(begin + delta), static_cast<uint32_t>(end + delta)};
  }
  friend bool operator==(const ByteRange&, const ByteRange&) = default;
};

}  // namespace zerolock
