// AsyncSharedMutex: readers share, writers exclude, FIFO keeps writers from starving, cancellation
// of a queued writer lets the readers behind it in.

#include "store/sync/async_shared_mutex.h"

#include <gtest/gtest.h>

#include <asio/post.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>
#include <atomic>
#include <string>

#include "tests/store/primitives/coro_test_support.h"

namespace p9 {
namespace {

using testing::drain;
using testing::spawn;
using testing::spawn_cancellable;

asio::awaitable<void> yield() {
  co_await asio::post(co_await asio::this_coro::executor, asio::use_awaitable);
}

struct Occupancy {
  std::atomic<int> readers{0};
  std::atomic<int> writers{0};
  std::atomic<int> max_readers{0};
  std::atomic<bool> violated{false};
};

asio::awaitable<void> read_often(AsyncSharedMutex& mutex, Occupancy& inside, int rounds) {
  for (int round = 0; round < rounds; ++round) {
    SharedLock guard = co_await mutex.scoped_lock_shared();
    const int readers = ++inside.readers;
    if (inside.writers.load() != 0) inside.violated = true;
    int seen = inside.max_readers.load();
    while (readers > seen && !inside.max_readers.compare_exchange_weak(seen, readers)) {
    }
    co_await yield();
    --inside.readers;
  }
}

asio::awaitable<void> write_often(AsyncSharedMutex& mutex, Occupancy& inside, long& counter, int rounds) {
  for (int round = 0; round < rounds; ++round) {
    UniqueLock guard = co_await mutex.scoped_lock();
    if (++inside.writers != 1 || inside.readers.load() != 0) inside.violated = true;
    const long seen = counter;
    co_await yield();
    counter = seen + 1;
    --inside.writers;
  }
}

TEST(AsyncSharedMutex, ReadersShareWritersExcludeOnSeveralThreads) {
  asio::io_context io;
  AsyncSharedMutex mutex;
  Occupancy inside;
  long counter = 0;
  std::vector<std::shared_ptr<testing::Outcome>> outcomes;
  for (int i = 0; i < 16; ++i) {
    outcomes.push_back(spawn(io, read_often(mutex, inside, 100)));
    outcomes.push_back(spawn(io, write_often(mutex, inside, counter, 50)));
  }
  testing::run_on_threads(io, 4);
  for (const auto& outcome : outcomes) EXPECT_TRUE(outcome->ok());
  EXPECT_FALSE(inside.violated);
  EXPECT_EQ(counter, 16 * 50);
  EXPECT_GT(inside.max_readers.load(), 1) << "readers never overlapped";
  EXPECT_TRUE(mutex.try_lock());
  mutex.unlock();
}

TEST(AsyncSharedMutex, TryLockRules) {
  AsyncSharedMutex mutex;
  ASSERT_TRUE(mutex.try_lock_shared());
  EXPECT_TRUE(mutex.try_lock_shared());
  EXPECT_FALSE(mutex.try_lock());
  mutex.unlock_shared();
  mutex.unlock_shared();
  ASSERT_TRUE(mutex.try_lock());
  EXPECT_FALSE(mutex.try_lock_shared());
  EXPECT_FALSE(mutex.try_lock());
  mutex.unlock();
  EXPECT_TRUE(mutex.try_lock_shared());
  mutex.unlock_shared();
}

asio::awaitable<void> take(AsyncSharedMutex& mutex, bool exclusive, std::string& log, char name) {
  if (exclusive) {
    UniqueLock guard = co_await mutex.scoped_lock();
    log += name;
    co_await yield();
    log += name;
  } else {
    SharedLock guard = co_await mutex.scoped_lock_shared();
    log += name;
    co_await yield();
    log += name;
  }
}

TEST(AsyncSharedMutex, QueuedWriterBlocksNewReaders) {
  asio::io_context io;
  AsyncSharedMutex mutex;
  ASSERT_TRUE(mutex.try_lock_shared());
  std::string log;
  spawn(io, take(mutex, true, log, 'W'));
  drain(io);
  EXPECT_FALSE(mutex.try_lock_shared()) << "a reader may not overtake a waiting writer";
  spawn(io, take(mutex, false, log, 'r'));
  drain(io);
  EXPECT_EQ(log, "");
  mutex.unlock_shared();
  drain(io);
  EXPECT_EQ(log, "WWrr");
}

TEST(AsyncSharedMutex, GrantsConsecutiveReadersTogetherInFifoOrder) {
  asio::io_context io;
  AsyncSharedMutex mutex;
  ASSERT_TRUE(mutex.try_lock());
  std::string log;
  spawn(io, take(mutex, false, log, 'a'));
  spawn(io, take(mutex, false, log, 'b'));
  spawn(io, take(mutex, true, log, 'W'));
  spawn(io, take(mutex, false, log, 'c'));
  drain(io);
  mutex.unlock();
  drain(io);
  // a and b hold it together, then W alone, then c.
  EXPECT_EQ(log, "ababWWcc");
}

asio::awaitable<void> take_once(AsyncSharedMutex& mutex, bool& acquired) {
  UniqueLock guard = co_await mutex.scoped_lock();
  acquired = true;
}

TEST(AsyncSharedMutex, CancellingAQueuedWriterAdmitsTheReadersBehindIt) {
  asio::io_context io;
  AsyncSharedMutex mutex;
  ASSERT_TRUE(mutex.try_lock_shared());
  asio::cancellation_signal signal;
  bool writer_acquired = false;
  std::string log;
  auto writer = spawn_cancellable(io, take_once(mutex, writer_acquired), signal);
  spawn(io, take(mutex, false, log, 'r'));
  drain(io);
  EXPECT_EQ(log, "");

  signal.emit(asio::cancellation_type::terminal);
  drain(io);
  EXPECT_TRUE(writer->aborted());
  EXPECT_FALSE(writer_acquired);
  EXPECT_EQ(log, "rr") << "the reader waited only for the cancelled writer";
  mutex.unlock_shared();
  EXPECT_TRUE(mutex.try_lock());
  mutex.unlock();
}

}  // namespace
}  // namespace p9
