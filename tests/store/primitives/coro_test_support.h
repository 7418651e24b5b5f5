#pragma once
// Running coroutines in tests: spawn them with a recorded outcome, drive a single-threaded
// io_context step by step (deterministic interleavings), or run one on several threads.

#include <asio/bind_cancellation_slot.hpp>
#include <asio/cancellation_signal.hpp>
#include <asio/co_spawn.hpp>
#include <asio/any_io_executor.hpp>
#include <asio/io_context.hpp>
#include <asio/system_error.hpp>
#include <exception>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

namespace p9::testing {

// How a spawned coroutine ended: not yet, normally, or with an asio::system_error code.
struct Outcome {
  bool done = false;
  std::error_code error;  // set when it threw asio::system_error
  bool other_exception = false;

  bool ok() const { return done && !error && !other_exception; }
  bool aborted() const { return done && error == asio::error::operation_aborted; }
};

inline auto record(std::shared_ptr<Outcome> outcome) {
  return [outcome](std::exception_ptr failure) {
    outcome->done = true;
    if (!failure) return;
    try {
      std::rethrow_exception(failure);
    } catch (const asio::system_error& e) {
      outcome->error = e.code();
    } catch (...) {
      outcome->other_exception = true;
    }
  };
}

// Spawns `task` on `executor` (an io_context's or a strand); the returned outcome fills in when it ends.
inline std::shared_ptr<Outcome> spawn(const asio::any_io_executor& executor, asio::awaitable<void> task) {
  auto outcome = std::make_shared<Outcome>();
  asio::co_spawn(executor, std::move(task), record(outcome));
  return outcome;
}

inline std::shared_ptr<Outcome> spawn(asio::io_context& io, asio::awaitable<void> task) {
  return spawn(io.get_executor(), std::move(task));
}

// As spawn(), cancellable through `signal` the way the server cancels a request on Tflush.
inline std::shared_ptr<Outcome> spawn_cancellable(const asio::any_io_executor& executor,
                                                  asio::awaitable<void> task, asio::cancellation_signal& signal) {
  auto outcome = std::make_shared<Outcome>();
  asio::co_spawn(executor, std::move(task), asio::bind_cancellation_slot(signal.slot(), record(outcome)));
  return outcome;
}

inline std::shared_ptr<Outcome> spawn_cancellable(asio::io_context& io, asio::awaitable<void> task,
                                                  asio::cancellation_signal& signal) {
  return spawn_cancellable(io.get_executor(), std::move(task), signal);
}

// Runs every ready handler of a single-threaded io_context (the context stays usable).
inline void drain(asio::io_context& io) {
  io.restart();
  io.poll();
}

// Runs `io` on `threads` threads until it has no more work.
inline void run_on_threads(asio::io_context& io, int threads) {
  std::vector<std::thread> pool;
  for (int i = 0; i < threads; ++i) pool.emplace_back([&io] { io.run(); });
  for (auto& thread : pool) thread.join();
}

}  // namespace p9::testing
