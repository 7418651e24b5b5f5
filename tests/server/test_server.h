// An in-process p9tmpfs for integration tests: an io_context on two threads, an ExportTable and
// Sessions over socketpairs, a Unix socket or TCP on 127.0.0.1, as the real server runs them.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <asio/executor_work_guard.hpp>
#include <asio/io_context.hpp>

#include "server/export.h"
#include "server/options.h"
#include "server/server_context.h"
#include "server/session/session.h"

namespace p9::server::testing {

// One export named "main" by default; tests change what they need.
ServerOptions default_options();

class TestServer {
 public:
  explicit TestServer(ServerOptions options = default_options());
  // Stops every session, waits for them to finish, then stops the threads.
  ~TestServer();
  TestServer(const TestServer&) = delete;
  TestServer& operator=(const TestServer&) = delete;

  // Starts a session on one end of a new socketpair and returns the other end (the caller owns it).
  int connect();
  // Starts listening on a Unix socket in a fresh temporary directory; returns its path.
  std::string listen_unix();
  // Starts listening on 127.0.0.1 on a free port; returns the port.
  uint16_t listen_tcp();

  ServerContext& context() { return ctx_; }
  ServerCounters& counters() { return counters_; }
  Export& exp(std::size_t i = 0) { return *exports_.all().at(i); }
  store::StoreCounters store_counters(std::size_t i = 0) { return exp(i).store.counters(); }
  // fsck of an export's store (exact only while no request runs).
  std::vector<std::string> check_store(std::size_t i = 0);

  // Sessions whose run() has not returned yet.
  std::size_t live_sessions() const { return live_.load(); }
  // Polls until at most n sessions are alive; false after timeout.
  bool wait_for_sessions(std::size_t n,
                         std::chrono::milliseconds timeout = std::chrono::seconds(10)) const;
  // Session::stop() on every session.
  void stop_sessions();
  // Errors that ended a session's run() by exception (none expected).
  std::vector<std::string> session_errors();

  asio::io_context& io() { return io_; }

 private:
  void start_session(int fd, std::string peer);

  ServerOptions options_;
  ServerCounters counters_;
  ExportTable exports_;
  ServerContext ctx_;
  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_{io_.get_executor()};
  std::vector<std::thread> threads_;
  std::atomic<std::size_t> live_{0};
  std::mutex mutex_;  // guards sessions_, errors_ and the listeners' cleanup
  std::list<std::weak_ptr<Session>> sessions_;
  std::vector<std::string> errors_;
  std::vector<std::function<void()>> close_listeners_;
  std::string socket_dir_;
};

}  // namespace p9::server::testing
