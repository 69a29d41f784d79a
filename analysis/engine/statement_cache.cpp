#include "engine/statement_cache.h"

namespace zerolock {

void StatementCache::sweep() {
  std::lock_guard lock(mutex_);
  const size_t in_use = used_;
  used_ = 0;
  if (entries_.size() <= in_use + in_use / 2 + 256) {
    ++generation_;
    return;
  }
  for (auto it = entries_.begin(); it != entries_.end();) {
    if (it->second.generation + 1 < generation_) it = entries_.erase(it);
    else ++it;
  }
  ++generation_;
}

void StatementCache::clear() {
  std::lock_guard lock(mutex_);
  entries_.clear();
}

size_t StatementCache::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

}  // namespace zerolock
