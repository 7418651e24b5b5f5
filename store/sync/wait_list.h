#pragma once
// Internal machinery shared by AsyncSharedMutex and WaitQueue: a coroutine parked in an intrusive FIFO,
// resumed by posting to its own executor, and removable through Asio per-operation cancellation.
//
// Thread-safety model. Each owner (a mutex or a wait queue) keeps its list of parked waiters under
// queue_guard(owner): a std::mutex picked from a small striped table by the owner's address. It is held
// only for a few pointer operations (never across a co_await, a resumption, a syscall or body memory),
// so it never blocks a thread for long; striping keeps a node's mutex at 16 bytes instead of carrying
// a 40-byte std::mutex per object. Code holding one guard never takes another.
//
// Lifetime. A parked waiter is a heap node owning the coroutine's completion handler. The owner unlinks
// it and calls resume(), which only posts; the node deletes itself on the waiter's executor just before
// the coroutine continues. A cancellation hook (installed in the operation's cancellation slot) takes
// the guard and cancels the node only while it is still parked, so a grant and a cancellation racing
// each other have exactly one winner. As for every Asio operation, the cancellation signal must be
// emitted from the waiter's own executor (its strand), not concurrently with its resumption.

#include <asio/associated_cancellation_slot.hpp>
#include <asio/associated_executor.hpp>
#include <asio/async_result.hpp>
#include <asio/error.hpp>
#include <asio/execution/outstanding_work.hpp>
#include <asio/post.hpp>
#include <asio/prefer.hpp>
#include <asio/use_awaitable.hpp>
#include <mutex>
#include <utility>

namespace p9::sync_detail {

// The striped guard for the waiter list of the object at `owner`.
std::mutex& queue_guard(const void* owner) noexcept;

class WaitNode {
 public:
  // Posts the waiter's continuation with `ec` to its executor; the node is freed when that runs, so
  // the caller must not touch the node afterwards.
  virtual void resume(const std::error_code& ec) = 0;

  WaitNode* prev = nullptr;
  WaitNode* next = nullptr;
  bool parked = false;     // in its owner's WaitList (kept by WaitList); guarded by queue_guard(owner)
  bool exclusive = false;  // a lock waiter that wants exclusive ownership

 protected:
  ~WaitNode() = default;
};

// FIFO of parked waiters: circular and doubly linked through the nodes, so that a cancelled waiter
// leaves from the middle in O(1) and an owner with no waiters costs one pointer.
class WaitList {
 public:
  bool empty() const noexcept { return head_ == nullptr; }
  WaitNode& front() const noexcept { return *head_; }
  void push_back(WaitNode& node) noexcept;
  void remove(WaitNode& node) noexcept;
  WaitNode& pop_front() noexcept {
    WaitNode& node = *head_;
    remove(node);
    return node;
  }

 private:
  WaitNode* head_ = nullptr;
};

// Waiters taken off a WaitList under the guard, resumed after the guard is released.
class ReadyList {
 public:
  void push_back(WaitNode& node) noexcept;
  bool empty() const noexcept { return head_ == nullptr; }
  void resume_all(const std::error_code& ec);

 private:
  WaitNode* head_ = nullptr;
  WaitNode* tail_ = nullptr;
};

// Owner must provide `void cancel(WaitNode&)` (reachable from here, e.g. through friendship): unlink
// the node if it is still parked and resume it with operation_aborted.
template <typename Owner, typename Handler>
class ParkedWaiter final : public WaitNode {
 public:
  ParkedWaiter(Owner& owner, Handler handler)
      : handler_(std::move(handler)),
        work_(asio::prefer(asio::get_associated_executor(handler_),
                           asio::execution::outstanding_work.tracked)) {
    auto slot = asio::get_associated_cancellation_slot(handler_);
    if (slot.is_connected()) slot.template emplace<CancelHook>(owner, *this);
  }

  void resume(const std::error_code& ec) override {
    // Posted, never run inline: the caller is inside unlock()/notify, maybe on another thread.
    asio::post(work_, [this, ec] {
      auto work = std::move(work_);  // keeps the executor busy until the handler has run
      Handler handler = std::move(handler_);
      asio::get_associated_cancellation_slot(handler).clear();  // the hook points at this node
      delete this;
      std::move(handler)(ec);
    });
  }

 private:
  struct CancelHook {
    CancelHook(Owner& owner, WaitNode& node) : owner(&owner), node(&node) {}
    // Any cancellation type is honoured: leaving the queue has no side effects.
    void operator()(asio::cancellation_type) { owner->cancel(*node); }
    Owner* owner;
    WaitNode* node;
  };

  Handler handler_;
  decltype(asio::prefer(std::declval<asio::associated_executor_t<Handler>>(),
                        asio::execution::outstanding_work.tracked)) work_;
};

// Suspends the calling coroutine: creates its node, hands it to `enqueue(WaitNode&)` (which parks it
// under the owner's guard and may already resume it), and completes when the node is resumed.
// Throws asio::system_error(operation_aborted) when resumed with that error.
// Once the node is parked it may be resumed on another thread, which then destroys this coroutine's
// frames, `enqueue` included: after parking, `enqueue` must touch neither its captures nor the node.
template <typename Owner, typename Enqueue>
asio::awaitable<void> park(Owner& owner, Enqueue enqueue) {
  co_await asio::async_initiate<const asio::use_awaitable_t<>&, void(std::error_code)>(
      [&owner, &enqueue](auto handler) {
        using Node = ParkedWaiter<Owner, decltype(handler)>;
        enqueue(*new Node(owner, std::move(handler)));
      },
      asio::use_awaitable);
}

}  // namespace p9::sync_detail
