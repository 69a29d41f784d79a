// StatementCache keeps what a document uses and bounds what it does not: after many edits that
// each replace one statement's text, the map holds the live statements plus a bounded slack, and
// every live statement is still served from the cache.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "engine/statement_cache.h"

namespace zerolock {
namespace {

ParsedStatement parse_stub(std::string_view) { return ParsedStatement{}; }

TEST(StatementCache, StaleEntriesAreBoundedAndLiveOnesStay) {
  StatementCache cache;
  constexpr int kLive = 1000;
  auto live_text = [](int i) { return "SELECT " + std::to_string(i) + ";"; };
  for (int i = 0; i < kLive; ++i) cache.get(live_text(i), parse_stub);
  cache.sweep();
  for (int edit = 0; edit < 5000; ++edit) {
    // One statement's text changes per edit; the other 999 are looked up again.
    for (int i = 1; i < kLive; ++i) cache.get(live_text(i), parse_stub);
    cache.get("SELECT edited " + std::to_string(edit) + ";", parse_stub);
    cache.sweep();
    ASSERT_LE(cache.size(), kLive + kLive / 2 + 256 + 8) << "after edit " << edit;
  }
  uint64_t misses = cache.misses();
  for (int i = 1; i < kLive; ++i) cache.get(live_text(i), parse_stub);
  EXPECT_EQ(cache.misses(), misses) << "a live statement was dropped";
}

TEST(StatementCache, StaleEntriesGoOnceTheMapHasGrownByHalf) {
  StatementCache cache;
  for (int i = 0; i < 600; ++i) cache.get("SELECT " + std::to_string(i) + ";", parse_stub);
  cache.sweep();
  // Content that shares nothing with the first: the first 600 become stale; the sweep that the
  // growth triggers drops them.
  for (int round = 0; round < 12; ++round) {
    for (int i = 0; i < 100; ++i) cache.get("SELECT other " + std::to_string(round * 100 + i) + ";", parse_stub);
    cache.sweep();
  }
  uint64_t misses = cache.misses();
  cache.get("SELECT 1;", parse_stub);
  EXPECT_EQ(cache.misses(), misses + 1) << "a stale entry survived the sweeps";
  EXPECT_LT(cache.size(), 1200u + 1u);
}

TEST(StatementCache, AParseStillHeldElsewhereIsKeptWithoutLookups) {
  // The language server reuses the parses of unchanged statements by position (no lookup); the
  // cache must not forget them while the document's migration holds them.
  StatementCache cache;
  std::vector<std::shared_ptr<const ParsedStatement>> held;
  for (int i = 0; i < 600; ++i) held.push_back(cache.get("SELECT " + std::to_string(i) + ";", parse_stub));
  cache.sweep();
  for (int round = 0; round < 12; ++round) {
    for (int i = 0; i < 100; ++i) cache.get("SELECT other " + std::to_string(round * 100 + i) + ";", parse_stub);
    cache.sweep();
  }
  uint64_t misses = cache.misses();
  for (int i = 0; i < 600; ++i) EXPECT_EQ(cache.get("SELECT " + std::to_string(i) + ";", parse_stub), held[static_cast<size_t>(i)]);
  EXPECT_EQ(cache.misses(), misses);
}

}  // namespace
}  // namespace zerolock
