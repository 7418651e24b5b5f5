#include "tests/server/test_server.h"

#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <system_error>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/local/stream_protocol.hpp>
#include <asio/post.hpp>
#include <asio/strand.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/use_future.hpp>
#include <spdlog/spdlog.h>

namespace p9::server::testing {

ServerOptions default_options() {
  ServerOptions o;
  ExportOptions e;
  e.name = "main";
  o.exports.push_back(e);
  o.threads = 2;
  o.shutdown_grace_ms = 2000;
  o.pinning = Pinning::off;
  // P9_TRACE=1 logs every message, as --trace does.
  o.trace = std::getenv("P9_TRACE") != nullptr;
  if (o.trace) spdlog::set_level(spdlog::level::debug);
  return o;
}

TestServer::TestServer(ServerOptions options)
    : options_(std::move(options)),
      exports_(options_.exports, options_.pinning),
      ctx_{options_, exports_, counters_} {
  // A write to a peer that went away must fail with EPIPE, not kill the test process.
  std::signal(SIGPIPE, SIG_IGN);
  for (int i = 0; i < 2; ++i) threads_.emplace_back([this] { io_.run(); });
}

TestServer::~TestServer() {
  {
    std::lock_guard lock(mutex_);
    for (auto& close : close_listeners_) close();
  }
  stop_sessions();
  wait_for_sessions(0, std::chrono::seconds(30));
  work_.reset();
  io_.stop();
  for (std::thread& t : threads_) t.join();
  if (!socket_dir_.empty()) std::filesystem::remove_all(socket_dir_);
}

void TestServer::start_session(int fd, std::string peer) {
  auto strand = asio::make_strand(io_);
  auto session = std::make_shared<Session>(Transport(strand, fd, std::move(peer)), ctx_);
  {
    std::lock_guard lock(mutex_);
    sessions_.push_back(session);
  }
  ++live_;
  asio::co_spawn(strand, session->run(), [this, session](std::exception_ptr e) {
    if (e) {
      try {
        std::rethrow_exception(e);
      } catch (const std::exception& ex) {
        std::lock_guard lock(mutex_);
        errors_.emplace_back(ex.what());
      }
    }
    --live_;
  });
}

int TestServer::connect() {
  int fds[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) {
    throw std::system_error(errno, std::generic_category(), "socketpair");
  }
  start_session(fds[0], "socketpair:" + std::to_string(fds[0]));
  return fds[1];
}

std::string TestServer::listen_unix() {
  char dir[] = "/tmp/p9session.XXXXXX";
  if (mkdtemp(dir) == nullptr) throw std::system_error(errno, std::generic_category(), "mkdtemp");
  socket_dir_ = dir;
  const std::string path = socket_dir_ + "/p9.sock";
  auto acceptor = std::make_shared<asio::local::stream_protocol::acceptor>(
      io_, asio::local::stream_protocol::endpoint(path));
  asio::co_spawn(
      io_,
      [this, acceptor]() -> asio::awaitable<void> {
        for (;;) {
          auto socket = co_await acceptor->async_accept(asio::use_awaitable);
          start_session(socket.release(), "unix");
        }
      },
      asio::detached);
  std::lock_guard lock(mutex_);
  close_listeners_.push_back([acceptor] { asio::post(acceptor->get_executor(), [acceptor] { acceptor->close(); }); });
  return path;
}

uint16_t TestServer::listen_tcp() {
  auto acceptor = std::make_shared<asio::ip::tcp::acceptor>(
      io_, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  asio::co_spawn(
      io_,
      [this, acceptor]() -> asio::awaitable<void> {
        for (;;) {
          auto socket = co_await acceptor->async_accept(asio::use_awaitable);
          socket.set_option(asio::ip::tcp::no_delay(true));
          start_session(socket.release(), "tcp");
        }
      },
      asio::detached);
  const uint16_t port = acceptor->local_endpoint().port();
  std::lock_guard lock(mutex_);
  close_listeners_.push_back([acceptor] { asio::post(acceptor->get_executor(), [acceptor] { acceptor->close(); }); });
  return port;
}

std::vector<std::string> TestServer::check_store(std::size_t i) {
  return asio::co_spawn(io_, exp(i).store.check(), asio::use_future).get();
}

bool TestServer::wait_for_sessions(std::size_t n, std::chrono::milliseconds timeout) const {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (live_.load() > n) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

void TestServer::stop_sessions() {
  std::lock_guard lock(mutex_);
  for (auto& weak : sessions_) {
    if (auto s = weak.lock()) s->stop();
  }
}

std::vector<std::string> TestServer::session_errors() {
  std::lock_guard lock(mutex_);
  return errors_;
}

}  // namespace p9::server::testing
