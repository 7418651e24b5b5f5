#include "client/tag_table.h"

#include <gtest/gtest.h>

#include <set>

namespace p9::client {
namespace {

TEST(TagTable, HandsOutEveryTagButNotagThenRunsOut) {
  TagTable tags;
  std::set<uint16_t> seen;
  for (std::size_t i = 0; i < NOTAG; ++i) {
    const std::optional<uint16_t> tag = tags.allocate();
    ASSERT_TRUE(tag);
    ASSERT_NE(*tag, NOTAG);
    seen.insert(*tag);
  }
  EXPECT_EQ(seen.size(), std::size_t{NOTAG});
  EXPECT_FALSE(tags.allocate());
  tags.release(1234);
  EXPECT_EQ(tags.allocate(), 1234);
}

TEST(TagTable, VersionUsesNotagOnceAtATime) {
  TagTable tags;
  EXPECT_EQ(tags.allocate_version(), NOTAG);
  EXPECT_TRUE(tags.in_use(NOTAG));
  EXPECT_FALSE(tags.allocate_version());
  tags.release(NOTAG);
  EXPECT_FALSE(tags.in_use(NOTAG));
  EXPECT_EQ(tags.allocate_version(), NOTAG);
}

TEST(TagTable, ReleaseResetsTheEntryForTheNextRequest) {
  TagTable tags;
  const uint16_t tag = *tags.allocate();
  tags[tag].answered = true;
  tags[tag].flushes = 2;
  tags.release(tag);
  EXPECT_FALSE(tags.in_use(tag));
  EXPECT_EQ(tags.in_flight(), 0u);
  ASSERT_EQ(tags.allocate(), tag);
  EXPECT_FALSE(tags[tag].answered);
  EXPECT_EQ(tags[tag].flushes, 0);
}

TEST(TagTable, ForEachInUseVisitsExactlyTheTagsInUse) {
  TagTable tags;
  const uint16_t a = *tags.allocate();
  const uint16_t b = *tags.allocate();
  const uint16_t c = *tags.allocate();
  tags.allocate_version();
  tags.release(b);
  std::set<uint16_t> visited;
  tags.for_each_in_use([&](uint16_t t) { visited.insert(t); });
  EXPECT_EQ(visited, (std::set<uint16_t>{a, c, NOTAG}));
}

}  // namespace
}  // namespace p9::client
