// Prints the figures behind the primitives' design goals (not a test, nothing is asserted):
// arena bytes per metadata object, uncontended lock cost, RSS after writing then truncating a body.

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>
#include <chrono>
#include <cstdio>
#include <vector>

#include "store/memory/body.h"
#include "store/memory/pinned_arena.h"
#include "store/sync/async_mutex.h"
#include "store/sync/async_shared_mutex.h"
#include "tests/store/primitives/proc_status.h"

namespace {

using Clock = std::chrono::steady_clock;

double nanoseconds_per(Clock::duration elapsed, long count) {
  return static_cast<double>(std::chrono::duration_cast<std::chrono::nanoseconds>(elapsed).count()) /
         static_cast<double>(count);
}

void arena_overhead() {
  constexpr int kObjects = 200000;
  std::printf("PinnedArena: bytes taken per object (%d objects, slabs included)\n", kObjects);
  for (const std::size_t size : {24u, 64u, 72u, 128u, 136u, 200u, 256u}) {
    p9::PinnedArena arena(p9::Pinning::off);
    std::vector<void*> objects;
    for (int i = 0; i < kObjects; ++i) objects.push_back(arena.allocate(size, 8));
    const double used = static_cast<double>(arena.used_bytes()) / kObjects;
    const double mapped = static_cast<double>(arena.mapped_bytes()) / kObjects;
    std::printf("  %3zu B object: %6.1f B used (class %zu), %6.1f B mapped -> overhead %5.1f B\n", size, used,
                p9::PinnedArena::block_size(size, 8), mapped, mapped - static_cast<double>(size));
    for (void* object : objects) arena.deallocate(object, size, 8);
  }
}

template <typename Mutex>
asio::awaitable<void> lock_loop(Mutex& mutex, long rounds, Clock::duration& elapsed) {
  const auto start = Clock::now();
  for (long i = 0; i < rounds; ++i) {
    co_await mutex.lock();
    mutex.unlock();
  }
  elapsed = Clock::now() - start;
}

void lock_cost() {
  constexpr long kRounds = 2'000'000;
  p9::AsyncMutex mutex;
  auto start = Clock::now();
  for (long i = 0; i < kRounds; ++i) {
    if (mutex.try_lock()) mutex.unlock();
  }
  std::printf("AsyncMutex uncontended try_lock+unlock: %.1f ns\n", nanoseconds_per(Clock::now() - start, kRounds));

  p9::AsyncSharedMutex shared;
  start = Clock::now();
  for (long i = 0; i < kRounds; ++i) {
    if (shared.try_lock_shared()) shared.unlock_shared();
  }
  std::printf("AsyncSharedMutex uncontended try_lock_shared+unlock_shared: %.1f ns\n",
              nanoseconds_per(Clock::now() - start, kRounds));

  asio::io_context io;
  Clock::duration elapsed{};
  asio::co_spawn(io, lock_loop(mutex, kRounds, elapsed), asio::detached);
  io.run();
  std::printf("AsyncMutex uncontended co_await lock()+unlock (coroutine frame included): %.1f ns\n",
              nanoseconds_per(elapsed, kRounds));
}

void body_rss() {
  constexpr std::uint64_t kMiB = 1 << 20;
  constexpr std::uint64_t kBytes = 1024 * kMiB;
  p9::PinnedArena arena(p9::Pinning::off);
  p9::SegmentPool pool;
  p9::SpaceAccount space;
  const p9::BodyStorage storage{pool, space, &arena};
  p9::Body body(storage);
  const std::vector<std::byte> chunk(kMiB, std::byte{1});
  const auto rss = [] { return p9::testing::proc_status_bytes("RssAnon") / kMiB; };
  const auto before = rss();
  for (std::uint64_t offset = 0; offset < kBytes; offset += kMiB) body.write(offset, chunk);
  const auto written = rss();
  const std::uint64_t index_bytes = arena.used_bytes();
  body.truncate(0);
  std::printf("Body: RssAnon %llu MiB before, %llu MiB after writing 1 GiB, %llu MiB after truncate(0); "
              "block index of the 1 GiB file: %llu KiB pinned\n",
              static_cast<unsigned long long>(before), static_cast<unsigned long long>(written),
              static_cast<unsigned long long>(rss()), static_cast<unsigned long long>(index_bytes / 1024));
}

}  // namespace

int main() {
  arena_overhead();
  lock_cost();
  body_rss();
}
