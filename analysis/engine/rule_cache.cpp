#include "engine/rule_cache.h"

namespace zerolock {
namespace {

bool inside(ByteRange r, ByteRange statement) { return r.begin >= statement.begin && r.end <= statement.end; }

ByteRange relative(ByteRange r, uint32_t base) { return {r.begin - base, r.end - base}; }

}  // namespace

void RuleResultCache::begin(const Config& config, const Migration& migration) {
  bool same = config_ && *config_ == config && path_ == migration.path && format_ == migration.format &&
              tool_ == migration.tool && tool_wraps_ == migration.tool_wraps_in_transaction;
  if (!same) {
    config_ = config;
    path_ = migration.path;
    format_ = migration.format;
    tool_ = migration.tool;
    tool_wraps_ = migration.tool_wraps_in_transaction;
    current_.clear();
    previous_.clear();
    return;
  }
  // Entries stay across analyses (rebuilding the map per edit would cost as much as the rules).
  // Each edit adds at most the entries of the statements it changed; once the map holds about
  // twice the document's statements it becomes the previous generation, from which the next
  // analysis carries over what it still uses. Memory stays bounded, and no edit re-checks more
  // than the statements it changed.
  if (current_.size() > 2 * migration.statements.size() + 1024) {
    previous_ = std::move(current_);
    current_.clear();
  }
}

bool RuleResultCache::same_context(const Statement& s, const StatementFacts& f, const Context& c) {
  return s.section == c.section && s.in_transaction == c.in_transaction &&
         s.transaction_opened_by == c.transaction_opened_by && s.unit == c.unit && s.origin == c.origin && f == c.facts;
}

const RuleResultCache::Entry* RuleResultCache::find(const Map& map, const Statement& s, const StatementFacts& f) const {
  auto it = map.find(s.parsed.get());
  if (it == map.end()) return nullptr;
  for (const auto& entry : it->second)
    if (same_context(s, f, entry->context)) return entry.get();
  return nullptr;
}

bool RuleResultCache::replay(const Migration& migration, const std::vector<StatementFacts>& facts, size_t index,
                             std::vector<Diagnostic>& out) {
  const Statement& s = migration.statements[index];
  if (!s.parsed) return false;
  const Entry* entry = find(current_, s, facts[index]);
  if (!entry && !previous_.empty()) {
    // Carry the previous generation's entry over.
    auto it = previous_.find(s.parsed.get());
    if (it != previous_.end()) {
      for (const auto& candidate : it->second) {
        if (!same_context(s, facts[index], candidate->context)) continue;
        current_[s.parsed.get()].push_back(candidate);
        entry = candidate.get();
        break;
      }
    }
  }
  if (!entry) {
    ++misses_;
    return false;
  }
  ++hits_;
  for (const Diagnostic& cached : entry->findings) {
    Diagnostic& d = out.emplace_back(cached);
    d.range = d.range.shifted(s.range.begin);
    for (RelatedLocation& r : d.related) r.range = r.range.shifted(s.range.begin);
    d.statement = static_cast<int32_t>(index);
  }
  return true;
}

void RuleResultCache::store(const Migration& migration, const std::vector<StatementFacts>& facts, size_t index,
                            const Diagnostic* found, size_t count) {
  const Statement& s = migration.statements[index];
  if (!s.parsed) return;
  auto entry = std::make_shared<Entry>();
  entry->parsed = s.parsed;
  entry->context = Context{s.section, s.in_transaction, s.transaction_opened_by, s.unit, s.origin, facts[index]};
  entry->findings.reserve(count);
  for (size_t k = 0; k < count; ++k) {
    const Diagnostic& d = found[k];
    // A finding outside its statement cannot move with it: leave this statement uncached.
    if (d.statement != static_cast<int32_t>(index) || !inside(d.range, s.range)) return;
    Diagnostic& stored = entry->findings.emplace_back(d);
    stored.range = relative(d.range, s.range.begin);
    for (RelatedLocation& r : stored.related) {
      if (!inside(r.range, s.range)) return;
      r.range = relative(r.range, s.range.begin);
    }
    stored.statement = -1;
  }
  current_[s.parsed.get()].push_back(std::move(entry));
}

size_t RuleResultCache::size() const {
  size_t n = 0;
  for (const auto& [key, entries] : current_) n += entries.size();
  return n;
}

}  // namespace zerolock
