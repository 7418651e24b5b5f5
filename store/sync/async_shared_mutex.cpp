#include "store/sync/async_shared_mutex.h"

#include <cassert>
#include <mutex>

namespace p9 {

namespace {

constexpr std::uint64_t kWriter = std::uint64_t{1} << 63;
constexpr std::uint64_t kWaiters = std::uint64_t{1} << 62;
constexpr std::uint64_t kReaders = kWaiters - 1;

}  // namespace

// A store has one per node: keep it at a state word and a queue pointer.
static_assert(sizeof(AsyncSharedMutex) == 16);

AsyncSharedMutex::~AsyncSharedMutex() {
  assert(waiters_.empty() && state_.load() == 0 && "AsyncSharedMutex destroyed while in use");
}

bool AsyncSharedMutex::try_lock() noexcept {
  std::uint64_t expected = 0;
  return state_.compare_exchange_strong(expected, kWriter, std::memory_order_acquire,
                                        std::memory_order_relaxed);
}

bool AsyncSharedMutex::try_lock_shared() noexcept {
  std::uint64_t state = state_.load(std::memory_order_relaxed);
  do {
    // Queued waiters come first (FIFO), so a reader never overtakes a waiting writer.
    if ((state & (kWriter | kWaiters)) != 0) return false;
  } while (!state_.compare_exchange_weak(state, state + 1, std::memory_order_acquire,
                                         std::memory_order_relaxed));
  return true;
}

asio::awaitable<void> AsyncSharedMutex::lock() {
  if (!try_lock()) co_await wait_for(true);
}

asio::awaitable<void> AsyncSharedMutex::lock_shared() {
  if (!try_lock_shared()) co_await wait_for(false);
}

asio::awaitable<UniqueLock<AsyncSharedMutex>> AsyncSharedMutex::scoped_lock() {
  if (!try_lock()) co_await wait_for(true);
  co_return UniqueLock<AsyncSharedMutex>(*this, std::adopt_lock);
}

asio::awaitable<SharedLock<AsyncSharedMutex>> AsyncSharedMutex::scoped_lock_shared() {
  if (!try_lock_shared()) co_await wait_for(false);
  co_return SharedLock<AsyncSharedMutex>(*this, std::adopt_lock);
}

void AsyncSharedMutex::unlock() {
  // A waiter that queued after this read grants itself in enqueue(); one that queued before is
  // handed the lock here.
  if ((state_.fetch_and(~kWriter, std::memory_order_release) & kWaiters) != 0) hand_over();
}

void AsyncSharedMutex::unlock_shared() {
  const std::uint64_t state = state_.fetch_sub(1, std::memory_order_release) - 1;
  if ((state & kWaiters) != 0 && (state & kReaders) == 0) hand_over();
}

asio::awaitable<void> AsyncSharedMutex::wait_for(bool exclusive) {
  co_await sync_detail::park(*this, [this, exclusive](sync_detail::WaitNode& node) {
    node.exclusive = exclusive;
    enqueue(node);
  });
}

void AsyncSharedMutex::enqueue(sync_detail::WaitNode& node) {
  sync_detail::ReadyList ready;
  {
    std::lock_guard guard(sync_detail::queue_guard(this));
    waiters_.push_back(node);
    state_.fetch_or(kWaiters, std::memory_order_relaxed);
    // The lock may have been released between the failed fast path and the waiters bit: then
    // nobody else will hand it over, so try here (FIFO still holds: only the head is considered).
    grant_waiters(ready);
  }
  ready.resume_all({});
}

void AsyncSharedMutex::cancel(sync_detail::WaitNode& node) {
  sync_detail::ReadyList ready;
  {
    std::lock_guard guard(sync_detail::queue_guard(this));
    if (!node.parked) return;  // already granted: its owner keeps the lock
    waiters_.remove(node);
    // The cancelled waiter may have been what held back the waiters behind it.
    grant_waiters(ready);
  }
  node.resume(asio::error::operation_aborted);
  ready.resume_all({});
}

void AsyncSharedMutex::hand_over() {
  sync_detail::ReadyList ready;
  {
    std::lock_guard guard(sync_detail::queue_guard(this));
    grant_waiters(ready);
  }
  ready.resume_all({});
}

// Called with the queue guard held. Grants the lock to the head of the queue, and to every reader
// after it up to the next writer, for as long as the state allows. Fast paths cannot take the lock
// while the waiters bit is set; only shared holders leaving (unlock_shared) change the state
// concurrently, hence the compare-exchange loops.
void AsyncSharedMutex::grant_waiters(sync_detail::ReadyList& ready) {
  while (!waiters_.empty()) {
    sync_detail::WaitNode& head = waiters_.front();
    const std::uint64_t blockers = head.exclusive ? (kWriter | kReaders) : kWriter;
    std::uint64_t state = state_.load(std::memory_order_relaxed);
    bool granted = false;
    while ((state & blockers) == 0) {
      const std::uint64_t next = head.exclusive ? (state | kWriter) : state + 1;
      if (state_.compare_exchange_weak(state, next, std::memory_order_acquire,
                                       std::memory_order_relaxed)) {
        granted = true;
        break;
      }
    }
    if (!granted) break;
    waiters_.remove(head);
    ready.push_back(head);
    if (head.exclusive) break;
  }
  if (waiters_.empty()) state_.fetch_and(~kWaiters, std::memory_order_relaxed);
}

}  // namespace p9
