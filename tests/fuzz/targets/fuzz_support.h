#pragma once
// Shared by the fuzz targets: the target table, an invariant check that aborts (libFuzzer and the
// replay test both report an abort with the input that caused it), a byte reader for targets that
// turn their input into a script, and the analysis invariants every front end must keep.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <algorithm>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "engine/analysis.h"
#include "engine/migration.h"

#define FUZZ_CHECK(cond, what)                                                           \
  do {                                                                                   \
    if (!(cond)) ::zerolock::fuzz::check_failed(__FILE__, __LINE__, #cond, (what));      \
  } while (0)

namespace zerolock::fuzz {

using FuzzFunction = int (*)(const uint8_t* data, size_t size);

struct Target {
  const char* name;
  FuzzFunction run;
  // Seed sources for run_all.sh and the replay test: directories under the source tree and the
  // file name suffixes taken from them (empty: every file).
  std::vector<std::string> seed_dirs;
  std::vector<std::string> suffixes;
};

// Every target, in tests/fuzz/CMakeLists.txt order.
const std::vector<Target>& targets();

[[noreturn]] void check_failed(const char* file, int line, const char* condition, std::string_view what);

// The body of `frame`, which must be exactly one well-formed frame (Transport::send_frame's input).
std::string single_frame_body(const std::string& frame);

inline std::string_view as_text(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// Reads a fuzz input front to back; past the end every read returns zero / empty.
class ByteReader {
 public:
  ByteReader(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  [[nodiscard]] bool empty() const { return pos_ >= size_; }
  uint8_t byte() { return pos_ < size_ ? data_[pos_++] : 0; }
  uint32_t number(uint32_t bound) {  // in [0, bound)
    if (bound == 0) return 0;
    uint32_t v = byte();
    v = (v << 8) | byte();
    return v % bound;
  }
  std::string_view bytes(size_t n) {
    n = std::min(n, size_ - std::min(pos_, size_));
    std::string_view out(reinterpret_cast<const char*>(data_) + pos_, n);
    pos_ += n;
    return out;
  }
  std::string_view rest() { return bytes(size_); }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

// Ranges inside the text, statements in order, diagnostics inside the text.
void check_analysis(const Analysis& analysis, std::string_view text);
// Runs one front end and the engine on `text` as the file `path`, then check_analysis.
Analysis analyse_as(Format format, const std::string& path, std::string_view text);

}  // namespace zerolock::fuzz
