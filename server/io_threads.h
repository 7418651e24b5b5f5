// The server's I/O threads: one io_context per thread, so that everything of a connection (its
// reader, its request coroutines, its writer) runs on one thread and no request or reply is ever
// handed to another thread. Sharing one io_context among the threads made them pass work back and
// forth (a futex wake-up and often a context switch per request) and cost about 40 % more CPU per
// request on the 2-core machine of docs/benchmarks.md. Connections are spread round-robin.
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <vector>

#include <asio/executor_work_guard.hpp>
#include <asio/io_context.hpp>

namespace p9::server {

class IoThreads {
 public:
  // threads >= 1. Nothing runs until run().
  explicit IoThreads(unsigned threads);
  IoThreads(const IoThreads&) = delete;
  IoThreads& operator=(const IoThreads&) = delete;

  // The context of the thread that calls run(): listeners, signals and the server's own work.
  asio::io_context& control() { return *contexts_.front(); }
  // The context for the next connection (round-robin over all threads, callable from any thread).
  asio::io_context& next();

  // Runs one context on the calling thread and the others on threads of their own; returns once
  // stop() was called and every thread has finished.
  void run();
  // Makes run() return; callable from any thread.
  void stop();

 private:
  using WorkGuard = asio::executor_work_guard<asio::io_context::executor_type>;

  std::vector<std::unique_ptr<asio::io_context>> contexts_;
  // Keep an idle context's run() from returning before stop().
  std::vector<WorkGuard> work_;
  std::atomic<std::size_t> next_{0};
};

}  // namespace p9::server
