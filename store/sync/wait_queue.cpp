#include "store/sync/wait_queue.h"

#include <mutex>

namespace p9 {

WaitQueue::~WaitQueue() {
  sync_detail::ReadyList aborted;
  {
    std::lock_guard guard(sync_detail::queue_guard(this));
    while (!waiters_.empty()) aborted.push_back(waiters_.pop_front());
  }
  aborted.resume_all(asio::error::operation_aborted);
}

asio::awaitable<void> WaitQueue::wait() {
  co_await sync_detail::park(*this, [this](sync_detail::WaitNode& node) { enqueue(node); });
}

void WaitQueue::notify_one() {
  sync_detail::ReadyList ready;
  {
    std::lock_guard guard(sync_detail::queue_guard(this));
    if (!waiters_.empty()) ready.push_back(waiters_.pop_front());
  }
  ready.resume_all({});
}

void WaitQueue::notify_all() {
  sync_detail::ReadyList ready;
  {
    std::lock_guard guard(sync_detail::queue_guard(this));
    while (!waiters_.empty()) ready.push_back(waiters_.pop_front());
  }
  ready.resume_all({});
}

void WaitQueue::enqueue(sync_detail::WaitNode& node) {
  std::lock_guard guard(sync_detail::queue_guard(this));
  waiters_.push_back(node);
}

void WaitQueue::cancel(sync_detail::WaitNode& node) {
  {
    std::lock_guard guard(sync_detail::queue_guard(this));
    if (!node.parked) return;  // already notified: it resumes normally
    waiters_.remove(node);
  }
  node.resume(asio::error::operation_aborted);
}

}  // namespace p9
