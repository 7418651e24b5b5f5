// Runs several coroutines side by side on the caller's executor and waits for all of them: this is
// how p9bench keeps many requests in flight on one connection. The executor must be run by one
// thread (each of p9bench's io_contexts is), so the bookkeeping needs no lock.
#pragma once

#include <asio/awaitable.hpp>
#include <asio/co_spawn.hpp>
#include <asio/redirect_error.hpp>
#include <asio/steady_timer.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>
#include <exception>
#include <system_error>

namespace p9::bench {

// Runs body(0) .. body(n - 1) concurrently; rethrows the first failure once all have finished.
// body is taken by reference and must outlive the call (pass a named lambda, not a temporary: g++ 12
// mishandles temporaries with destructors inside co_await expressions).
template <class Body>
asio::awaitable<void> in_parallel(unsigned n, Body& body) {
  auto executor = co_await asio::this_coro::executor;
  // A timer that never expires is the completion event: the last finisher cancels the wait.
  asio::steady_timer all_done(executor, asio::steady_timer::time_point::max());
  unsigned pending = n;
  std::exception_ptr failure;
  for (unsigned i = 0; i < n; ++i) {
    asio::co_spawn(executor, body(i), [&](std::exception_ptr e) {
      if (e && !failure) failure = e;
      if (--pending == 0) all_done.cancel();
    });
  }
  if (pending > 0) {
    std::error_code cancelled;
    co_await all_done.async_wait(asio::redirect_error(asio::use_awaitable, cancelled));
  }
  if (failure) std::rethrow_exception(failure);
}

}  // namespace p9::bench
