// Body: random writes, reads and truncates against a std::vector model; holes, partial pages, ENOSPC,
// EFBIG, exact accounting, and RSS returned to the OS on truncate.

#include "store/memory/body.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <random>
#include <vector>

#include "store/memory/pinned_arena.h"
#include "tests/store/primitives/proc_status.h"

namespace p9 {
namespace {

constexpr std::uint64_t kMiB = 1 << 20;

struct Storage {
  explicit Storage(std::uint64_t space_limit = SpaceAccount::kUnlimited,
                   std::uint64_t max_file_size = BodyStorage::kMaxFileSize)
      : space(space_limit), body_storage{pool, space, &arena, max_file_size} {}

  std::uint64_t page() const { return pool.page_size(); }

  PinnedArena arena{Pinning::off};
  SegmentPool pool{256 * kMiB};
  SpaceAccount space;
  BodyStorage body_storage;
};

std::uint64_t page_count_bytes(const Storage& storage, std::uint64_t pages) { return pages * storage.page(); }

std::vector<std::byte> pattern(std::size_t length, unsigned seed) {
  std::vector<std::byte> bytes(length);
  for (std::size_t i = 0; i < length; ++i) bytes[i] = static_cast<std::byte>((i * 131 + seed * 7 + 1) % 251 + 1);
  return bytes;
}

std::vector<std::byte> read_all(const Body& body) {
  std::vector<std::byte> out(body.size());
  EXPECT_EQ(body.read(0, out), out.size());
  return out;
}

bool all_zero(std::span<const std::byte> bytes) {
  return std::all_of(bytes.begin(), bytes.end(), [](std::byte b) { return b == std::byte{0}; });
}

TEST(Body, MatchesAVectorModelUnderRandomOperations) {
  Storage storage;
  for (unsigned seed = 1; seed <= 4; ++seed) {
    std::mt19937_64 random(seed);
    std::vector<std::byte> model;
    {
      Body body(storage.body_storage);
      const std::uint64_t span = 3 * kMiB;  // page blocks, then a dozen extents
      for (int step = 0; step < 1500; ++step) {
        const auto choice = random() % 100;
        if (choice < 50) {
          const std::uint64_t offset = random() % span;
          const std::size_t lengths[] = {1 + random() % 100, storage.page() - 1 + random() % 3,
                                         1 + random() % (600 * 1024)};
          const auto data = pattern(lengths[random() % 3], static_cast<unsigned>(step));
          ASSERT_EQ(body.write(offset, data), 0);
          if (model.size() < offset + data.size()) model.resize(offset + data.size());
          std::copy(data.begin(), data.end(), model.begin() + static_cast<std::ptrdiff_t>(offset));
        } else if (choice < 65) {
          const std::uint64_t new_size = random() % (span + span / 4);
          ASSERT_EQ(body.truncate(new_size), 0);
          model.resize(new_size);
        } else {
          const std::uint64_t offset = random() % (span + 1000);
          std::vector<std::byte> out(random() % (400 * 1024), std::byte{0x5a});
          const std::size_t got = body.read(offset, out);
          const std::size_t want = offset >= model.size() ? 0 : std::min<std::size_t>(out.size(), model.size() - offset);
          ASSERT_EQ(got, want);
          ASSERT_TRUE(std::equal(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(got),
                                 model.begin() + static_cast<std::ptrdiff_t>(offset)))
              << "seed " << seed << " step " << step;
        }
        ASSERT_EQ(body.size(), model.size());
        ASSERT_EQ(storage.space.used(), body.allocated_bytes());
        // Only pages below the end hold data: truncation freed the rest.
        ASSERT_LE(body.allocated_bytes(), (model.size() + storage.page() - 1) / storage.page() * storage.page());
        if (step % 100 == 0) {
          ASSERT_EQ(read_all(body), model) << "seed " << seed << " step " << step;
        }
      }
      ASSERT_EQ(read_all(body), model);
    }
    EXPECT_EQ(storage.space.used(), 0u);
    EXPECT_EQ(storage.pool.allocated_bytes(), 0u);
    EXPECT_EQ(storage.arena.used_bytes(), 0u) << "the block index lives in the arena and is freed";
  }
}

TEST(Body, HolesReadAsZerosAndCostNothing) {
  Storage storage;
  Body body(storage.body_storage);
  const auto data = pattern(10, 1);
  ASSERT_EQ(body.write(5 * kMiB, data), 0);
  EXPECT_EQ(body.size(), 5 * kMiB + 10);
  EXPECT_EQ(body.allocated_bytes(), storage.page());
  std::vector<std::byte> out(5 * kMiB + 10, std::byte{0x77});
  ASSERT_EQ(body.read(0, out), out.size());
  EXPECT_TRUE(all_zero(std::span(out).first(5 * kMiB)));
  EXPECT_TRUE(std::equal(data.begin(), data.end(), out.begin() + 5 * kMiB));

  ASSERT_EQ(body.truncate(100 * kMiB), 0);  // growing adds a hole, no pages
  EXPECT_EQ(body.allocated_bytes(), storage.page());
  EXPECT_EQ(body.read(100 * kMiB, out), 0u);
  EXPECT_EQ(body.write(7, {}), 0);
  EXPECT_EQ(body.size(), 100 * kMiB);
}

TEST(Body, ShrinkingZeroesThePartialPageSoGrowingReadsZeros) {
  Storage storage;
  for (const std::uint64_t base : {std::uint64_t{0}, 300 * std::uint64_t{1024}}) {  // page block, extent
    Body body(storage.body_storage);
    const auto data = pattern(3 * storage.page(), 2);
    ASSERT_EQ(body.write(base, data), 0);
    ASSERT_EQ(body.truncate(base + 100), 0);
    EXPECT_EQ(body.allocated_bytes(), storage.page()) << "whole pages past the end are freed";
    ASSERT_EQ(body.truncate(base + 3 * storage.page()), 0);
    std::vector<std::byte> out(3 * storage.page());
    ASSERT_EQ(body.read(base, out), out.size());
    EXPECT_TRUE(std::equal(data.begin(), data.begin() + 100, out.begin()));
    EXPECT_TRUE(all_zero(std::span(out).subspan(100))) << "base " << base;
  }
  EXPECT_EQ(storage.space.used(), 0u);
}

TEST(Body, NoSpaceLeavesContentsAndSizeUntouched) {
  Storage storage(8 * 4096);
  ASSERT_EQ(storage.page(), 4096u) << "the limit below counts 4 KiB pages";
  Body body(storage.body_storage);
  const auto first = pattern(7 * 4096, 3);
  ASSERT_EQ(body.write(0, first), 0);
  EXPECT_EQ(storage.space.used(), 7 * 4096u);

  const auto spanning = pattern(3 * 4096, 4);  // 1 page present in the range, 2 new: one too many
  EXPECT_EQ(body.write(6 * 4096, spanning), ENOSPC);
  EXPECT_EQ(body.size(), first.size());
  EXPECT_EQ(read_all(body), first);
  EXPECT_EQ(body.write(1 * kMiB, pattern(4097, 5)), ENOSPC);
  EXPECT_EQ(body.size(), first.size());
  EXPECT_EQ(storage.space.used(), 7 * 4096u);

  const auto overwrite = pattern(7 * 4096, 6);  // no new pages: always fits
  ASSERT_EQ(body.write(0, overwrite), 0);
  ASSERT_EQ(body.write(7 * 4096, pattern(4096, 7)), 0);  // exactly the last page
  EXPECT_EQ(storage.space.used(), storage.space.limit());
  ASSERT_EQ(body.truncate(0), 0);
  EXPECT_EQ(storage.space.used(), 0u);
  ASSERT_EQ(body.write(0, pattern(8 * 4096, 8)), 0);
}

TEST(Body, TooBigIsRefused) {
  Storage storage(SpaceAccount::kUnlimited, 1 * kMiB);
  Body body(storage.body_storage);
  EXPECT_EQ(body.write(kMiB - 1, pattern(2, 1)), EFBIG);
  EXPECT_EQ(body.size(), 0u);
  EXPECT_EQ(body.write(kMiB - 1, pattern(1, 1)), 0);
  EXPECT_EQ(body.truncate(kMiB + 1), EFBIG);
  EXPECT_EQ(body.size(), kMiB);

  Storage unlimited;
  Body huge(unlimited.body_storage);
  EXPECT_EQ(huge.write(BodyStorage::kMaxFileSize, pattern(1, 1)), EFBIG);
  EXPECT_EQ(huge.write(~std::uint64_t{0} - 1, pattern(4, 1)), EFBIG);  // offset + length overflows
  EXPECT_EQ(huge.write(BodyStorage::kMaxFileSize - 1, pattern(1, 1)), 0);  // the very last byte
  EXPECT_EQ(huge.size(), BodyStorage::kMaxFileSize);
  EXPECT_EQ(huge.allocated_bytes(), unlimited.page());
}

TEST(Body, ViewNamesTheBytesInPlaceWithZerosForHoles) {
  Storage storage;
  const std::uint64_t page = storage.page();
  const std::uint64_t extent_bytes = storage.pool.block_bytes(SegmentPool::BlockKind::extent);
  Body body(storage.body_storage);
  ASSERT_EQ(body.write(100, pattern(5000, 1)), 0);                          // page blocks
  ASSERT_EQ(body.write(extent_bytes + 3 * page + 7, pattern(2 * page, 2)), 0);  // inside an extent
  ASSERT_EQ(body.truncate(2 * kMiB), 0);                                      // a long hole at the end

  std::vector<std::span<const std::byte>> pieces;
  ASSERT_EQ(body.view(50, 4 * kMiB, pieces), 2 * kMiB - 50);  // stops at the end of file
  std::vector<std::byte> viewed;
  for (const auto piece : pieces) viewed.insert(viewed.end(), piece.begin(), piece.end());
  const std::vector<std::byte> all = read_all(body);
  ASSERT_EQ(viewed.size(), all.size() - 50);
  EXPECT_TRUE(std::equal(viewed.begin(), viewed.end(), all.begin() + 50));

  // The pieces are the body's memory, not a copy: a later write shows through them. The first piece
  // is file bytes [50, 100) (zeros) and the data after them, up to the end of the first page.
  const std::span<const std::byte> first = pieces.front();
  ASSERT_EQ(first.size(), page - 50);
  EXPECT_TRUE(all_zero(first.first(50)));
  ASSERT_EQ(body.write(100, pattern(5000, 3)), 0);
  EXPECT_EQ(std::memcmp(first.data() + 50, pattern(5000, 3).data(), first.size() - 50), 0);

  pieces.clear();
  EXPECT_EQ(body.view(2 * kMiB, page, pieces), 0u);  // at the end: nothing
  EXPECT_TRUE(pieces.empty());
}

TEST(Body, CountsItsDataBytesAsResident) {
  Storage storage;
  Body body(storage.body_storage);
  ASSERT_EQ(body.write(100, pattern(kMiB + 12345, 9)), 0);
  EXPECT_EQ(body.resident_bytes(), body.allocated_bytes());  // just written, no swap pressure
  EXPECT_EQ(storage.pool.resident_bytes(), body.allocated_bytes());
  EXPECT_EQ(storage.body_storage.data_bytes.load(), body.allocated_bytes());
  std::vector<PageRun> runs;
  body.paged_out(0, 2 * kMiB, runs);
  EXPECT_TRUE(runs.empty());
  ASSERT_EQ(body.truncate(page_count_bytes(storage, 3)), 0);
  EXPECT_EQ(storage.body_storage.data_bytes.load(), page_count_bytes(storage, 3));
  Body other(storage.body_storage);
  ASSERT_EQ(other.write(0, pattern(10, 1)), 0);
  EXPECT_EQ(storage.body_storage.data_bytes.load(), page_count_bytes(storage, 4));  // shared by bodies
}

TEST(Body, PagedOutNamesThePagesNotInRam) {
  Storage storage;
  const std::uint64_t page = storage.page();
  const std::uint64_t extent_bytes = storage.pool.block_bytes(SegmentPool::BlockKind::extent);
  // The body's first extent block will be this one: released blocks are reused last-in first-out.
  std::byte* block = storage.pool.allocate(SegmentPool::BlockKind::extent);
  storage.pool.release(block, SegmentPool::BlockKind::extent);
  Body body(storage.body_storage);
  ASSERT_EQ(body.write(extent_bytes, pattern(extent_bytes, 3)), 0);  // exactly that block
  // There is no swap in a unit test: dropped pages are "not in RAM" to mincore as swapped ones are.
  storage.pool.discard(block + 2 * page, 3 * page);
  storage.pool.discard(block + 10 * page, page);

  std::vector<PageRun> runs;
  body.paged_out(extent_bytes + page, 10 * page, runs);  // pages 1-10
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(runs[0].begin, block + 2 * page);
  EXPECT_EQ(runs[0].bytes, 3 * page);
  EXPECT_EQ(runs[1].begin, block + 10 * page);
  EXPECT_EQ(runs[1].bytes, page);
  runs.clear();
  body.paged_out(extent_bytes + 5 * page - 1, 2, runs);  // the last byte of page 4, the first of 5
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].begin, block + 4 * page);
  EXPECT_EQ(runs[0].bytes, page);
  runs.clear();
  body.paged_out(0, extent_bytes, runs);  // the hole before the block: no pages at all
  EXPECT_TRUE(runs.empty());
  EXPECT_EQ(body.resident_bytes(), extent_bytes - 4 * page);
  EXPECT_EQ(storage.pool.resident_bytes(), extent_bytes - 4 * page);
}

TEST(Body, MovingTransfersTheBlocks) {
  Storage storage;
  Body first(storage.body_storage);
  ASSERT_EQ(first.write(0, pattern(500 * 1024, 1)), 0);
  const std::uint64_t allocated = first.allocated_bytes();
  Body second(std::move(first));
  EXPECT_EQ(second.allocated_bytes(), allocated);
  EXPECT_EQ(read_all(second), pattern(500 * 1024, 1));
}

TEST(Body, TruncatingReturnsMemoryToTheOs) {
  Storage storage;
  Body body(storage.body_storage);
  const std::uint64_t before = testing::proc_status_bytes("RssAnon");
  const auto chunk = pattern(kMiB, 1);
  for (std::uint64_t offset = 0; offset < 256 * kMiB; offset += kMiB) ASSERT_EQ(body.write(offset, chunk), 0);
  const std::uint64_t written = testing::proc_status_bytes("RssAnon");
  ASSERT_EQ(body.truncate(0), 0);
  const std::uint64_t truncated = testing::proc_status_bytes("RssAnon");
  std::printf("RssAnon: %llu MiB before, %llu MiB after writing 256 MiB, %llu MiB after truncate(0)\n",
              static_cast<unsigned long long>(before / kMiB), static_cast<unsigned long long>(written / kMiB),
              static_cast<unsigned long long>(truncated / kMiB));
  EXPECT_GE(written, before + 240 * kMiB);
  EXPECT_LE(truncated, written - 240 * kMiB) << "truncate must give the pages back";
  EXPECT_EQ(storage.space.used(), 0u);
}

}  // namespace
}  // namespace p9
