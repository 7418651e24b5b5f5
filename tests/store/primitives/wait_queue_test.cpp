// WaitQueue: notify_one/notify_all wake parked coroutines in order, cancellation removes one, and
// wait(guard) loses no notification under several threads.

#include "store/sync/wait_queue.h"

#include <gtest/gtest.h>

#include <asio/post.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>

#include "store/sync/async_mutex.h"
#include "tests/store/primitives/coro_test_support.h"

namespace p9 {
namespace {

using testing::drain;
using testing::spawn;
using testing::spawn_cancellable;

asio::awaitable<void> wait_and_record(WaitQueue& queue, std::vector<int>& woken, int id) {
  co_await queue.wait();
  woken.push_back(id);
}

TEST(WaitQueue, NotifyOneWakesTheOldestNotifyAllTheRest) {
  asio::io_context io;
  WaitQueue queue;
  std::vector<int> woken;
  for (int id = 0; id < 4; ++id) spawn(io, wait_and_record(queue, woken, id));
  drain(io);
  EXPECT_TRUE(woken.empty());

  queue.notify_one();
  EXPECT_TRUE(woken.empty()) << "resumed inside notify_one()";
  drain(io);
  EXPECT_EQ(woken, (std::vector<int>{0}));
  queue.notify_all();
  drain(io);
  EXPECT_EQ(woken, (std::vector<int>{0, 1, 2, 3}));
}

TEST(WaitQueue, NotificationBeforeWaitIsNotKept) {
  asio::io_context io;
  WaitQueue queue;
  std::vector<int> woken;
  queue.notify_all();
  auto waiter = spawn(io, wait_and_record(queue, woken, 1));
  drain(io);
  EXPECT_FALSE(waiter->done);
  queue.notify_one();
  drain(io);
  EXPECT_TRUE(waiter->ok());
}

TEST(WaitQueue, CancelledWaiterLeavesAndOthersStillWake) {
  asio::io_context io;
  WaitQueue queue;
  std::vector<int> woken;
  asio::cancellation_signal signal;
  auto cancelled = spawn_cancellable(io, wait_and_record(queue, woken, 1), signal);
  auto other = spawn(io, wait_and_record(queue, woken, 2));
  drain(io);

  signal.emit(asio::cancellation_type::terminal);
  drain(io);
  EXPECT_TRUE(cancelled->aborted());
  queue.notify_one();  // must reach waiter 2: the cancelled one is gone
  drain(io);
  EXPECT_TRUE(other->ok());
  EXPECT_EQ(woken, (std::vector<int>{2}));
}

TEST(WaitQueue, NotificationWinningTheRaceWithCancellationResumesNormally) {
  asio::io_context io;
  WaitQueue queue;
  std::vector<int> woken;
  asio::cancellation_signal signal;
  auto waiter = spawn_cancellable(io, wait_and_record(queue, woken, 1), signal);
  drain(io);
  queue.notify_one();
  signal.emit(asio::cancellation_type::terminal);
  drain(io);
  EXPECT_TRUE(waiter->ok());
  EXPECT_EQ(woken, (std::vector<int>{1}));
}

TEST(WaitQueue, DestructionAbortsParkedWaiters) {
  asio::io_context io;
  std::vector<int> woken;
  std::shared_ptr<testing::Outcome> waiter;
  {
    WaitQueue queue;
    waiter = spawn(io, wait_and_record(queue, woken, 1));
    drain(io);
  }
  drain(io);
  EXPECT_TRUE(waiter->aborted());
}

// A bounded counter: consumers wait(guard) for it to be positive, producers raise it and notify.
struct Gate {
  AsyncMutex mutex;
  WaitQueue changed;
  int available = 0;
};

asio::awaitable<void> consume(Gate& gate, int items, int& consumed) {
  for (int i = 0; i < items; ++i) {
    UniqueLock guard = co_await gate.mutex.scoped_lock();
    while (gate.available == 0) co_await gate.changed.wait(guard);
    EXPECT_TRUE(guard.owns_lock());
    --gate.available;
    ++consumed;
  }
}

asio::awaitable<void> produce(Gate& gate, int items) {
  for (int i = 0; i < items; ++i) {
    {
      UniqueLock guard = co_await gate.mutex.scoped_lock();
      ++gate.available;
    }
    gate.changed.notify_one();  // after releasing: the waiter is parked before it let go of the mutex
    co_await asio::post(co_await asio::this_coro::executor, asio::use_awaitable);
  }
}

TEST(WaitQueue, WaitWithGuardLosesNoNotification) {
  asio::io_context io;
  Gate gate;
  int consumed = 0;  // guarded by gate.mutex
  std::vector<std::shared_ptr<testing::Outcome>> outcomes;
  for (int i = 0; i < 8; ++i) {
    outcomes.push_back(spawn(io, consume(gate, 250, consumed)));
    outcomes.push_back(spawn(io, produce(gate, 250)));
  }
  testing::run_on_threads(io, 4);  // returns only if every consumer got every item
  for (const auto& outcome : outcomes) EXPECT_TRUE(outcome->ok());
  EXPECT_EQ(consumed, 8 * 250);
  EXPECT_EQ(gate.available, 0);
}

asio::awaitable<void> wait_holding(Gate& gate, bool& owned_after) {
  UniqueLock guard = co_await gate.mutex.scoped_lock();
  try {
    co_await gate.changed.wait(guard);
  } catch (...) {
    owned_after = guard.owns_lock();
    throw;
  }
}

TEST(WaitQueue, CancelledWaitWithGuardOwnsNothing) {
  asio::io_context io;
  Gate gate;
  asio::cancellation_signal signal;
  bool owned_after = true;
  auto waiter = spawn_cancellable(io, wait_holding(gate, owned_after), signal);
  drain(io);
  EXPECT_TRUE(gate.mutex.try_lock()) << "wait(guard) must release the mutex while parked";
  gate.mutex.unlock();
  signal.emit(asio::cancellation_type::terminal);
  drain(io);
  EXPECT_TRUE(waiter->aborted());
  EXPECT_FALSE(owned_after);
  EXPECT_TRUE(gate.mutex.try_lock());
  gate.mutex.unlock();
}

}  // namespace
}  // namespace p9
