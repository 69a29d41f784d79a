#pragma once
// Parsed statements keyed by their exact text, so an edit re-parses only the statements whose
// text changed. An entry is dropped once it was not looked up for two generations and nothing else
// holds its parse (a document's current Migration keeps its statements alive even when the
// language server reuses them by position without a lookup). Sweeps run when the map has grown by
// half since the last one, so their cost is spread over the insertions that made them necessary.
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "engine/migration.h"

namespace zerolock {

class StatementCache {
 public:
  // Returns the cached parse of `text`, or calls parse(text) and caches it.
  template <typename ParseFn>
  std::shared_ptr<const ParsedStatement> get(std::string_view text, ParseFn&& parse) {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(text);  // heterogeneous lookup: no key string is built on a hit
    if (it != entries_.end()) {
      it->second.generation = generation_;
      ++hits_;
      return it->second.parsed;
    }
    ++misses_;
    auto parsed = std::make_shared<const ParsedStatement>(parse(text));
    entries_.emplace(std::string(text), Entry{parsed, generation_});
    return parsed;
  }
  // Ends a generation (call after each analysis of a document); drops stale entries (see above)
  // when the map has grown by half since the last sweep: a one-character edit of a 15,000-statement
  // document then costs no walk over the whole map.
  void sweep();
  void clear();
  [[nodiscard]] size_t size() const;
  [[nodiscard]] uint64_t hits() const { return hits_; }
  [[nodiscard]] uint64_t misses() const { return misses_; }

 private:
  struct Entry {
    std::shared_ptr<const ParsedStatement> parsed;
    uint64_t generation = 0;
  };
  struct TextHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Entry, TextHash, std::equal_to<>> entries_;
  uint64_t generation_ = 1;
  size_t kept_ = 0;  // entries left by the last sweep
  uint64_t hits_ = 0;
  uint64_t misses_ = 0;
};

}  // namespace zerolock
