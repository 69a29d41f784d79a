#include "engine/statement_cache.h"

namespace zerolock {

void StatementCache::sweep() {
  std::lock_guard lock(mutex_);
  if (entries_.size() > kept_ + kept_ / 2 + 256) {
    for (auto it = entries_.begin(); it != entries_.end();) {
      const bool stale = it->second.generation + 1 < generation_ && it->second.parsed.use_count() == 1;
      if (stale) it = entries_.erase(it);
      else ++it;
    }
    kept_ = entries_.size();
  }
  ++generation_;
}

void StatementCache::clear() {
  std::lock_guard lock(mutex_);
  entries_.clear();
  kept_ = 0;
}

size_t StatementCache::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

}  // namespace zerolock
