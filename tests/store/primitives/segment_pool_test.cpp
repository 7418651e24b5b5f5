// SegmentPool: zeroed page-aligned blocks, released blocks read as zeros again, and many blocks
// share a few mappings.

#include "store/memory/segment_pool.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

namespace p9 {
namespace {

using Kind = SegmentPool::BlockKind;

// The number of mappings (VMAs in /proc/self/maps) that hold at least one of `blocks`.
std::size_t mappings_holding(std::vector<std::byte*> blocks) {
  std::sort(blocks.begin(), blocks.end());
  std::ifstream maps("/proc/self/maps");
  std::size_t count = 0;
  std::string line;
  while (std::getline(maps, line)) {
    const auto dash = line.find('-');
    const auto start = reinterpret_cast<std::byte*>(std::stoull(line.substr(0, dash), nullptr, 16));
    const auto end = reinterpret_cast<std::byte*>(std::stoull(line.substr(dash + 1), nullptr, 16));
    const auto first = std::lower_bound(blocks.begin(), blocks.end(), start);
    if (first != blocks.end() && *first < end) ++count;
  }
  return count;
}

bool all_zero(const std::byte* p, std::size_t n) {
  return std::all_of(p, p + n, [](std::byte b) { return b == std::byte{0}; });
}

TEST(SegmentPool, BlocksAreZeroedAlignedAndCounted) {
  SegmentPool pool(64u << 20);
  EXPECT_EQ(pool.block_bytes(Kind::page), pool.page_size());
  EXPECT_EQ(pool.block_bytes(Kind::extent), pool.page_size() * SegmentPool::kPagesPerExtent);
  std::byte* page = pool.allocate(Kind::page);
  std::byte* extent = pool.allocate(Kind::extent);
  ASSERT_NE(page, nullptr);
  ASSERT_NE(extent, nullptr);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(page) % pool.page_size(), 0u);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(extent) % pool.page_size(), 0u);
  EXPECT_TRUE(all_zero(page, pool.block_bytes(Kind::page)));
  EXPECT_TRUE(all_zero(extent, pool.block_bytes(Kind::extent)));
  EXPECT_EQ(pool.allocated_bytes(), pool.block_bytes(Kind::page) + pool.block_bytes(Kind::extent));
  EXPECT_EQ(pool.reserved_bytes(), 2u * (64u << 20));
  pool.release(page, Kind::page);
  pool.release(extent, Kind::extent);
  EXPECT_EQ(pool.allocated_bytes(), 0u);
}

TEST(SegmentPool, ReleasedBlocksComeBackAsZeros) {
  SegmentPool pool(64u << 20);
  std::byte* extent = pool.allocate(Kind::extent);
  std::memset(extent, 0xab, pool.block_bytes(Kind::extent));
  pool.release(extent, Kind::extent);
  std::byte* again = pool.allocate(Kind::extent);
  EXPECT_EQ(again, extent);  // reused, not a fresh reservation
  EXPECT_TRUE(all_zero(again, pool.block_bytes(Kind::extent)));

  std::memset(again, 0xcd, pool.block_bytes(Kind::extent));
  pool.discard(again + pool.page_size(), 2 * pool.page_size());
  EXPECT_EQ(again[0], std::byte{0xcd});
  EXPECT_TRUE(all_zero(again + pool.page_size(), 2 * pool.page_size()));
  EXPECT_EQ(again[3 * pool.page_size()], std::byte{0xcd});
  pool.release(again, Kind::extent);
}

TEST(SegmentPool, ManyBlocksShareFewMappings) {
  SegmentPool pool(256u << 20);
  std::vector<std::byte*> blocks;
  for (int i = 0; i < 100000; ++i) {  // address space only: nothing is touched
    blocks.push_back(pool.allocate(i % 16 == 0 ? Kind::extent : Kind::page));
    ASSERT_NE(blocks.back(), nullptr);
  }
  // 93,750 pages fill 2 page segments and 6,250 extents 7 extent segments (256 MiB each); the
  // kernel may merge neighbours.
  EXPECT_LE(mappings_holding(blocks), 9u) << "one mapping per block would exhaust vm.max_map_count";
  for (int i = 0; i < 100000; ++i) {
    pool.release(blocks[static_cast<std::size_t>(i)], i % 16 == 0 ? Kind::extent : Kind::page);
  }
  EXPECT_EQ(pool.allocated_bytes(), 0u);
}

}  // namespace
}  // namespace p9
