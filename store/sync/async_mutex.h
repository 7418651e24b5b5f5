#pragma once
// An exclusive coroutine mutex: AsyncSharedMutex used only in exclusive mode, so that both share one
// implementation of the fast path, the FIFO hand-over and cancellation (see async_shared_mutex.h).
// sizeof(AsyncMutex) == 16.

#include <asio/awaitable.hpp>

#include "store/sync/async_shared_mutex.h"
#include "store/sync/lock_guards.h"

namespace p9 {

class AsyncMutex {
 public:
  // Suspends until the lock is held; throws asio::system_error(operation_aborted) when cancelled.
  asio::awaitable<void> lock() { return impl_.lock(); }
  bool try_lock() noexcept { return impl_.try_lock(); }
  void unlock() { impl_.unlock(); }
  // co_await m.scoped_lock() → a guard that unlocks in its destructor.
  asio::awaitable<UniqueLock<AsyncMutex>> scoped_lock();

 private:
  AsyncSharedMutex impl_;
};

}  // namespace p9
