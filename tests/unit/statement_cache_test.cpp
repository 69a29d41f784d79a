// StatementCache keeps what a document uses and bounds what it does not: after many edits that
// each replace one statement's text, the map holds the live statements plus a bounded slack, and
// every live statement is still served from the cache.
#include <gtest/gtest.h>

#include <string>

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
    ASSERT_LE(cache.size(), kLive + kLive / 2 + 256 + 2) << "after edit " << edit;
  }
  uint64_t misses = cache.misses();
  for (int i = 1; i < kLive; ++i) cache.get(live_text(i), parse_stub);
  EXPECT_EQ(cache.misses(), misses) << "a live statement was dropped";
}

TEST(StatementCache, AnEntryUnusedForTwoGenerationsIsDroppedWhenTheySweep) {
  StatementCache cache;
  for (int i = 0; i < 600; ++i) cache.get("SELECT " + std::to_string(i) + ";", parse_stub);
  cache.sweep();
  // A new document content that shares nothing: the old 600 become stale and exceed the slack.
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 10; ++i) cache.get("SELECT other " + std::to_string(i) + ";", parse_stub);
    cache.sweep();
  }
  EXPECT_EQ(cache.size(), 10u);
}

}  // namespace
}  // namespace zerolock
