#pragma once
// A list of coroutines waiting for "something changed" (e.g. blocked F_SETLKW requests waiting for a
// conflicting byte-range lock to go away). Like a condition variable: a notification wakes only the
// coroutines parked at that moment, and a woken coroutine must re-check its condition.
//
// Use wait(guard) to check-then-sleep without losing a notification: the coroutine is parked before
// `guard` is released, so a notifier that changes the state under the same mutex cannot miss it.
//   p9::UniqueLock guard = co_await table_mutex.scoped_lock();
//   while (conflicts()) co_await queue.wait(guard);
//
// Cancellation works as for AsyncSharedMutex: a parked waiter cancelled through its cancellation slot
// leaves the queue and wait() throws asio::system_error(operation_aborted); a notification that wins
// the race resumes it normally. Resumption is posted to the waiter's executor, never run inside
// notify_*(). Thread-safe; the queue is guarded by a short striped std::mutex (see wait_list.h).
// Destroying a queue with parked waiters resumes them with operation_aborted.

#include <asio/awaitable.hpp>

#include "store/sync/lock_guards.h"
#include "store/sync/wait_list.h"

namespace p9 {

class WaitQueue {
 public:
  WaitQueue() noexcept = default;
  WaitQueue(const WaitQueue&) = delete;
  WaitQueue& operator=(const WaitQueue&) = delete;
  ~WaitQueue();

  // Suspends until a later notify_one()/notify_all() picks this waiter.
  asio::awaitable<void> wait();

  // Parks, then releases `guard`; once notified, re-acquires it before returning. When cancelled
  // (while parked or while re-acquiring) it throws and `guard` owns nothing.
  template <typename Mutex>
  asio::awaitable<void> wait(UniqueLock<Mutex>& guard) {
    Mutex& mutex = *guard.mutex();
    co_await sync_detail::park(*this, [this, &guard](sync_detail::WaitNode& node) {
      // Once enqueued, the waiter may resume on another thread and reuse `guard` and this lambda's
      // frame: take what is needed first. Unlock after enqueueing (so no notification is missed)
      // and outside the queue guard (unlock may take another).
      Mutex* held = guard.release();
      enqueue(node);
      held->unlock();
    });
    guard = co_await mutex.scoped_lock();
  }

  // Resumes the longest-waiting coroutine, if any.
  void notify_one();
  // Resumes every coroutine parked now.
  void notify_all();

 private:
  template <typename, typename>
  friend class sync_detail::ParkedWaiter;

  void enqueue(sync_detail::WaitNode& node);
  void cancel(sync_detail::WaitNode& node);

  sync_detail::WaitList waiters_;
};

}  // namespace p9
