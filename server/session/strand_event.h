// "Something changed" for coroutines of one strand, like a condition variable without a mutex: the
// strand already serialises the check of a condition and the start of the wait, so a notification
// cannot fall between them. Waiters loop: `while (!ready()) co_await event.wait();`.
// Built on a timer that never expires; notify_all() cancels the pending waits.
#pragma once

#include <chrono>

#include <asio/any_io_executor.hpp>
#include <asio/awaitable.hpp>
#include <asio/redirect_error.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>

namespace p9::server {

class StrandEvent {
 public:
  explicit StrandEvent(const asio::any_io_executor& strand)
      : timer_(strand, asio::steady_timer::time_point::max()) {}

  // Returns after the next notify_all() (or a spurious wakeup: callers re-check their condition).
  asio::awaitable<void> wait() {
    asio::error_code ignored;
    co_await timer_.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
  }
  void notify_all() { timer_.cancel(); }

 private:
  asio::steady_timer timer_;
};

}  // namespace p9::server
