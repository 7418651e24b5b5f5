// An io_context run by several threads, as a server's tests or the benchmark run the client: the
// connection must stay correct when its callers resume on different threads.
#pragma once

#include <future>
#include <thread>
#include <vector>

#include <asio/co_spawn.hpp>
#include <asio/executor_work_guard.hpp>
#include <asio/io_context.hpp>
#include <asio/use_future.hpp>

namespace p9::client::testing {

class ThreadedIo {
 public:
  explicit ThreadedIo(int threads = 3) {
    for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { io_.run(); });
  }
  // Connections on this io_context must be closed (destroyed) first, or the threads never finish.
  ~ThreadedIo() {
    work_.reset();
    for (std::thread& t : threads_) t.join();
  }

  asio::any_io_executor executor() { return io_.get_executor(); }

  // Starts op (an awaitable, or a function returning one) on the threads.
  template <class Op>
  auto spawn(Op&& op) {
    return asio::co_spawn(io_, std::forward<Op>(op), asio::use_future);
  }

 private:
  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_{io_.get_executor()};
  std::vector<std::thread> threads_;
};

}  // namespace p9::client::testing
