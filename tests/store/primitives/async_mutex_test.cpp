// AsyncMutex: exclusion on several threads, FIFO hand-over, try_lock, and cancellation of waiters.

#include "store/sync/async_mutex.h"

#include <gtest/gtest.h>

#include <asio/post.hpp>
#include <asio/steady_timer.hpp>
#include <asio/strand.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>
#include <deque>
#include <functional>
#include <random>

#include "tests/store/primitives/coro_test_support.h"

namespace p9 {
namespace {

using testing::drain;
using testing::spawn;
using testing::spawn_cancellable;

asio::awaitable<void> yield() {
  co_await asio::post(co_await asio::this_coro::executor, asio::use_awaitable);
}

// A read-modify-write split by a suspension: only mutual exclusion keeps `counter` exact.
asio::awaitable<void> increment(AsyncMutex& mutex, long& counter, int rounds) {
  for (int round = 0; round < rounds; ++round) {
    // Not `c ? UniqueLock(...) : co_await ...`: g++ 12 destroys such a result twice (see lock_guards.h).
    UniqueLock<AsyncMutex> guard;
    if (round % 3 == 0 && mutex.try_lock()) {
      guard = UniqueLock<AsyncMutex>(mutex, std::adopt_lock);
    } else {
      guard = co_await mutex.scoped_lock();
    }
    const long seen = counter;
    co_await yield();
    counter = seen + 1;
  }
}

TEST(AsyncMutex, ExcludesManyCoroutinesOnSeveralThreads) {
  asio::io_context io;
  AsyncMutex mutex;
  long counter = 0;  // deliberately not atomic
  constexpr int kCoroutines = 64;
  constexpr int kRounds = 100;
  std::vector<std::shared_ptr<testing::Outcome>> outcomes;
  for (int i = 0; i < kCoroutines; ++i) outcomes.push_back(spawn(io, increment(mutex, counter, kRounds)));
  testing::run_on_threads(io, 4);
  for (const auto& outcome : outcomes) EXPECT_TRUE(outcome->ok());
  EXPECT_EQ(counter, long{kCoroutines} * kRounds);
  EXPECT_TRUE(mutex.try_lock());
  mutex.unlock();
}

asio::awaitable<void> lock_and_record(AsyncMutex& mutex, std::vector<int>& order, int id) {
  UniqueLock guard = co_await mutex.scoped_lock();
  order.push_back(id);
  co_await yield();  // hold it across a suspension
}

TEST(AsyncMutex, HandsOverInArrivalOrderAndNeverInline) {
  asio::io_context io;
  AsyncMutex mutex;
  std::vector<int> order;
  ASSERT_TRUE(mutex.try_lock());
  for (int id = 0; id < 5; ++id) spawn(io, lock_and_record(mutex, order, id));
  drain(io);
  EXPECT_TRUE(order.empty());

  mutex.unlock();
  EXPECT_TRUE(order.empty()) << "a waiter was resumed inside unlock()";
  EXPECT_FALSE(mutex.try_lock()) << "the lock must go to the queued waiter, not to a newcomer";
  drain(io);
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3, 4}));
  EXPECT_TRUE(mutex.try_lock());
  mutex.unlock();
}

TEST(AsyncMutex, TryLockAndGuards) {
  AsyncMutex mutex;
  {
    ASSERT_TRUE(mutex.try_lock());
    UniqueLock<AsyncMutex> guard(mutex, std::adopt_lock);
    EXPECT_FALSE(mutex.try_lock());
    UniqueLock<AsyncMutex> moved = std::move(guard);
    EXPECT_FALSE(guard.owns_lock());
    EXPECT_TRUE(moved.owns_lock());
    EXPECT_EQ(moved.mutex(), &mutex);
    EXPECT_FALSE(mutex.try_lock());
  }
  EXPECT_TRUE(mutex.try_lock());
  mutex.unlock();
}

TEST(AsyncMutex, UncontendedLockDoesNotSuspend) {
  asio::io_context io;
  AsyncMutex mutex;
  bool locked = false;
  auto outcome = spawn(io, [](AsyncMutex& m, bool& flag) -> asio::awaitable<void> {
    UniqueLock guard = co_await m.scoped_lock();
    flag = true;
  }(mutex, locked));
  // One handler runs the coroutine from its start past the lock: the lock did not post anything.
  io.run_one();
  EXPECT_TRUE(locked);
  drain(io);
  EXPECT_TRUE(outcome->ok());
}

asio::awaitable<void> lock_once(AsyncMutex& mutex, bool& acquired) {
  UniqueLock guard = co_await mutex.scoped_lock();
  acquired = true;
}

TEST(AsyncMutex, CancelledWaiterLeavesTheQueue) {
  asio::io_context io;
  AsyncMutex mutex;
  ASSERT_TRUE(mutex.try_lock());
  std::vector<int> order;
  asio::cancellation_signal signal;
  bool cancelled_acquired = false;
  spawn(io, lock_and_record(mutex, order, 1));
  auto cancelled = spawn_cancellable(io, lock_once(mutex, cancelled_acquired), signal);
  spawn(io, lock_and_record(mutex, order, 3));
  drain(io);
  ASSERT_FALSE(cancelled->done);

  signal.emit(asio::cancellation_type::terminal);
  drain(io);
  EXPECT_TRUE(cancelled->aborted());
  EXPECT_FALSE(cancelled_acquired);

  mutex.unlock();
  drain(io);
  EXPECT_EQ(order, (std::vector<int>{1, 3}));
  EXPECT_TRUE(mutex.try_lock()) << "the cancelled waiter must not hold or block the lock";
  mutex.unlock();
}

TEST(AsyncMutex, LockGrantedBeforeCancellationIsKept) {
  asio::io_context io;
  AsyncMutex mutex;
  ASSERT_TRUE(mutex.try_lock());
  asio::cancellation_signal signal;
  bool acquired = false;
  auto waiter = spawn_cancellable(io, lock_once(mutex, acquired), signal);
  drain(io);

  mutex.unlock();                                  // grants the waiter (resumption posted)...
  signal.emit(asio::cancellation_type::terminal);  // ...and the cancellation arrives before it runs
  drain(io);
  EXPECT_TRUE(waiter->ok());
  EXPECT_TRUE(acquired) << "a granted lock must reach its waiter";
  EXPECT_TRUE(mutex.try_lock()) << "and be released by it";
  mutex.unlock();
}

// Waiters on their own strands, cancelled at random moments from other threads while the lock changes
// hands: every waiter either acquires or is aborted, and the lock is free at the end.
struct CancellableWaiter {
  explicit CancellableWaiter(asio::io_context& io) : strand(asio::make_strand(io)) {}
  asio::strand<asio::io_context::executor_type> strand;
  asio::cancellation_signal signal;
  bool acquired = false;
  std::shared_ptr<testing::Outcome> outcome;
};

asio::awaitable<void> lock_briefly(AsyncMutex& mutex, long& counter, bool& acquired) {
  UniqueLock guard = co_await mutex.scoped_lock();
  acquired = true;
  ++counter;
  co_await yield();
}

TEST(AsyncMutex, RandomCancellationsNeverLoseTheLock) {
  asio::io_context io;
  AsyncMutex mutex;
  long counter = 0;
  ASSERT_TRUE(mutex.try_lock());  // everybody queues first
  std::deque<CancellableWaiter> waiters;
  for (int i = 0; i < 300; ++i) {
    CancellableWaiter& waiter = waiters.emplace_back(io);
    waiter.outcome = spawn_cancellable(waiter.strand, lock_briefly(mutex, counter, waiter.acquired), waiter.signal);
  }
  std::mt19937 random(7);
  const auto at = [&io](std::chrono::microseconds delay, std::function<void()> action) {
    auto timer = std::make_shared<asio::steady_timer>(io, delay);
    timer->async_wait([timer, action = std::move(action)](std::error_code) { action(); });
  };
  at(std::chrono::microseconds(1000), [&mutex] { mutex.unlock(); });
  for (CancellableWaiter& waiter : waiters) {
    if (random() % 2 == 0) continue;
    at(std::chrono::microseconds(random() % 3000), [&waiter] {
      asio::post(waiter.strand, [&waiter] { waiter.signal.emit(asio::cancellation_type::terminal); });
    });
  }
  testing::run_on_threads(io, 4);

  long acquired = 0;
  long aborted_in_queue = 0;
  for (const auto& waiter : waiters) {
    ASSERT_TRUE(waiter.outcome->done);
    EXPECT_TRUE(waiter.outcome->ok() || waiter.outcome->aborted());
    if (waiter.acquired) {
      ++acquired;
    } else {
      EXPECT_TRUE(waiter.outcome->aborted());
      ++aborted_in_queue;
    }
  }
  EXPECT_EQ(counter, acquired);
  EXPECT_GT(acquired, 0);
  EXPECT_GT(aborted_in_queue, 0) << "no cancellation reached a queued waiter: the test proved nothing";
  EXPECT_TRUE(mutex.try_lock());
  mutex.unlock();
}

}  // namespace
}  // namespace p9
