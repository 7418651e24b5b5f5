#pragma once
// A reader/writer lock for coroutines on Asio: a waiter suspends (its thread goes on running other
// handlers), never blocks or spins.
//
// - Uncontended, lock and unlock are one atomic read-modify-write each on `state_`: no allocation,
//   no suspension, no std::mutex.
// - FIFO-fair: once anyone waits, newcomers (readers included) queue behind, so writers never starve;
//   a released lock is handed directly to the head of the queue (and to the readers right behind it).
// - Resumption is posted to the waiter's executor, never run inside unlock(); safe with an io_context
//   run by several threads.
// - Cancellation (asio::bind_cancellation_slot on the co_spawn; a coroutine passes on terminal
//   cancellation unless it changes its filter; the lock honours every type): a waiter still
//   queued leaves the queue and its lock() throws asio::system_error(asio::error::operation_aborted);
//   one granted before the cancellation arrives keeps the lock (lock() returns normally), so a grant is
//   never lost. Emit the signal from the waiter's executor/strand, as Asio requires for any operation.
// - The waiter queue is guarded by a short striped std::mutex (see wait_list.h), taken only on the
//   contended paths and never across a co_await or body-memory access.
//
// sizeof(AsyncSharedMutex) == 16. Destroying it while locked or with waiters is a bug.

#include <asio/awaitable.hpp>
#include <atomic>
#include <cstdint>

#include "store/sync/lock_guards.h"
#include "store/sync/wait_list.h"

namespace p9 {

class AsyncSharedMutex {
 public:
  AsyncSharedMutex() noexcept = default;
  AsyncSharedMutex(const AsyncSharedMutex&) = delete;
  AsyncSharedMutex& operator=(const AsyncSharedMutex&) = delete;
  ~AsyncSharedMutex();

  // Exclusive ownership.
  asio::awaitable<void> lock();
  bool try_lock() noexcept;
  void unlock();
  asio::awaitable<UniqueLock<AsyncSharedMutex>> scoped_lock();

  // Shared ownership.
  asio::awaitable<void> lock_shared();
  bool try_lock_shared() noexcept;
  void unlock_shared();
  asio::awaitable<SharedLock<AsyncSharedMutex>> scoped_lock_shared();

 private:
  template <typename, typename>
  friend class sync_detail::ParkedWaiter;

  asio::awaitable<void> wait_for(bool exclusive);
  void enqueue(sync_detail::WaitNode& node);
  void cancel(sync_detail::WaitNode& node);
  void grant_waiters(sync_detail::ReadyList& ready);
  void hand_over();

  // Bit 63: held exclusively; bit 62: the queue is not empty; bits 0-61: number of shared holders.
  // Only the queue guard's holder sets or clears the waiters bit and grants to queued waiters.
  std::atomic<std::uint64_t> state_{0};
  sync_detail::WaitList waiters_;
};

}  // namespace p9
