// Pager: faults pages in on its helper threads and resumes the awaiting coroutine on its own thread.

#include "store/memory/pager.h"

#include <gtest/gtest.h>
#include <sys/mman.h>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>
#include <cstring>
#include <thread>
#include <vector>

#include "store/memory/segment_pool.h"

namespace p9 {
namespace {

bool in_ram(const std::byte* page, std::size_t page_size) {
  unsigned char in_core = 0;
  EXPECT_EQ(mincore(const_cast<std::byte*>(page), page_size, &in_core), 0);
  return (in_core & 1) != 0;
}

asio::awaitable<void> page_in_and_note(Pager* pager, std::vector<PageRun> runs, std::thread::id* resumed_on) {
  co_await pager->page_in(std::move(runs));
  *resumed_on = std::this_thread::get_id();
}

TEST(Pager, FaultsRunsInAndResumesOnTheCallersThread) {
  SegmentPool pool(16u << 20);
  const std::size_t page = pool.page_size();
  std::byte* block = pool.allocate(SegmentPool::BlockKind::extent);
  std::memset(block, 0x5a, pool.block_bytes(SegmentPool::BlockKind::extent));
  pool.discard(block + page, 2 * page);  // out of RAM, as if swapped out
  ASSERT_FALSE(in_ram(block + page, page));

  Pager pager(1);
  asio::io_context io;
  std::thread::id resumed_on;
  asio::co_spawn(io, page_in_and_note(&pager, {PageRun{block + page, 2 * page}}, &resumed_on), asio::detached);
  io.run();
  EXPECT_EQ(resumed_on, std::this_thread::get_id());
  EXPECT_TRUE(in_ram(block + page, page));
  EXPECT_TRUE(in_ram(block + 2 * page, page));
  EXPECT_EQ(pager.paged_in_bytes(), 2 * page);
  EXPECT_EQ(pager.major_faults(), 0u);  // dropped pages come back as zeros, not from swap
  pool.release(block, SegmentPool::BlockKind::extent);
}

TEST(Pager, ManyWaitersAllComplete) {
  SegmentPool pool(16u << 20);
  const std::size_t page = pool.page_size();
  std::byte* block = pool.allocate(SegmentPool::BlockKind::extent);
  Pager pager(2);
  asio::io_context io;
  std::vector<std::thread::id> resumed(64);
  for (std::size_t i = 0; i < resumed.size(); ++i)
    asio::co_spawn(io, page_in_and_note(&pager, {PageRun{block + i * page, page}}, &resumed[i]), asio::detached);
  io.run();
  for (const auto& id : resumed) EXPECT_EQ(id, std::this_thread::get_id());
  EXPECT_EQ(pager.paged_in_bytes(), 64 * page);
  pool.release(block, SegmentPool::BlockKind::extent);
}

}  // namespace
}  // namespace p9
