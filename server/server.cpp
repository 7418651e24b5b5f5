#include "server/server.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

#include <functional>
#include <stdexcept>

#include <asio/experimental/as_tuple.hpp>
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/local/stream_protocol.hpp>
#include <asio/post.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "server/session/session.h"

namespace p9::server {
namespace {

using asio::ip::tcp;
using local = asio::local::stream_protocol;

std::string describe(const tcp::endpoint& e) {
  return e.address().is_v6() ? fmt::format("tcp:[{}]:{}", e.address().to_string(), e.port())
                             : fmt::format("tcp:{}:{}", e.address().to_string(), e.port());
}

std::string peer_of(tcp::socket& s) {
  asio::error_code ec;
  auto e = s.remote_endpoint(ec);
  return ec ? std::string("tcp:?") : describe(e);
}

std::string peer_of(local::socket& s, const std::string& label) {
  // Unix clients are rarely bound to a name; the credentials say who connected.
  ucred cred{};
  socklen_t len = sizeof cred;
  if (getsockopt(s.native_handle(), SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0)
    return fmt::format("{} (pid {}, uid {})", label, cred.pid, cred.uid);
  return label;
}

}  // namespace

Server::Server(ServerOptions options)
    : options_(std::move(options)),
      exports_(options_.exports, options_.pinning),
      reloader_(options_, exports_),
      ctx_{options_, exports_, counters_},
      io_(options_.threads),
      strand_(asio::make_strand(io_.control())),
      signals_(io_.control(), SIGINT, SIGTERM, SIGHUP) {}

Server::~Server() = default;

int Server::run() {
  // Metrics first: once a 9P listener accepts, whatever watches the server can already scrape it.
  if (!options_.metrics.empty()) {
    metrics_ = std::make_unique<MetricsEndpoint>(io_.control(), parse_address(options_.metrics), ctx_);
    close_acceptors_.push_back([this] { metrics_->close(); });
  }
  for (const auto& text : options_.listen) open_listener(parse_address(text));
  for (const auto& e : exports_.all()) {
    const auto& o = e->options;
    spdlog::info("export '{}': size {}, inodes {}, access={}{}", o.name,
                 o.size_limit ? fmt::format("{} bytes", o.size_limit) : "unlimited",
                 o.inode_limit ? std::to_string(o.inode_limit) : "unlimited",
                 o.access == Access::user ? "user" : "client", o.read_only ? ", read-only" : "");
  }
  wait_for_signal();
  sd_notify(0, "READY=1");

  io_.run();
  spdlog::info("stopped");
  return 0;
}

void Server::wait_for_signal() {
  signals_.async_wait([this](const asio::error_code& ec, int signo) {
    if (ec) return;
    if (signo == SIGHUP) {
      reloader_.reload();
      wait_for_signal();
      return;
    }
    spdlog::info("{}: shutting down", signo == SIGINT ? "SIGINT" : "SIGTERM");
    shutdown();
  });
}

void Server::open_listener(const Address& a) {
  switch (a.kind) {
    case Address::Kind::tcp: open_tcp(a); break;
    case Address::Kind::unix_socket: open_unix(a.path); break;
    case Address::Kind::systemd: open_systemd_listeners(); break;
    case Address::Kind::stdio: start_session(dup(STDIN_FILENO), dup(STDOUT_FILENO), "stdio"); break;
    case Address::Kind::fd: start_session(a.fd, -1, fmt::format("fd:{}", a.fd)); break;
    case Address::Kind::fd_pair:
      start_session(a.fd, a.out_fd, fmt::format("fd:{},{}", a.fd, a.out_fd));
      break;
  }
}

void Server::open_tcp(const Address& a) {
  tcp::resolver resolver(io_.control());
  asio::error_code ec;
  auto results = resolver.resolve(a.host, std::to_string(a.port),
                                  tcp::resolver::passive | tcp::resolver::numeric_service, ec);
  if (ec || results.empty())
    throw std::runtime_error(fmt::format("tcp:{}:{}: cannot resolve '{}': {}", a.host, a.port,
                                         a.host, ec.message()));
  tcp::endpoint endpoint = results.begin()->endpoint();
  tcp::acceptor acceptor(io_.control());
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec)
    throw std::runtime_error(fmt::format("cannot listen on {}: {} (is another server using the "
                                         "port? choose another with --listen)",
                                         describe(endpoint), ec.message()));
  std::string label = describe(acceptor.local_endpoint());
  if (!endpoint.address().is_loopback())
    spdlog::warn("listening on {}, which is not loopback: 9P has no authentication here, so "
                 "anyone who can reach this address can read and change the exports",
                 label);
  spdlog::info("listening on {}", label);
  start_accepting(std::move(acceptor), label);
}

void Server::open_unix(const std::string& path) {
  struct stat st{};
  // A socket file left by an earlier run would make bind fail; anything else is not ours to remove.
  if (lstat(path.c_str(), &st) == 0 && S_ISSOCK(st.st_mode)) unlink(path.c_str());
  local::acceptor acceptor(io_.control());
  asio::error_code ec;
  acceptor.open(local(), ec);
  if (!ec) acceptor.bind(local::endpoint(path), ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec)
    throw std::runtime_error(fmt::format("cannot listen on unix:{}: {} (check that the directory "
                                         "exists and is writable)",
                                         path, ec.message()));
  spdlog::info("listening on unix:{}", path);
  start_accepting(std::move(acceptor), "unix:" + path);
}

void Server::open_systemd_listeners() {
  int n = sd_listen_fds(1);
  if (n <= 0)
    throw std::runtime_error("--listen systemd: no sockets were passed (LISTEN_FDS is not set for "
                             "this process); start p9tmpfs through its .socket unit");
  for (int fd = SD_LISTEN_FDS_START; fd < SD_LISTEN_FDS_START + n; ++fd) {
    if (sd_is_socket(fd, AF_UNIX, SOCK_STREAM, 1) > 0) {
      spdlog::info("listening on systemd socket fd {} (unix)", fd);
      start_accepting(local::acceptor(io_.control(), local(), fd), fmt::format("systemd:{}", fd));
    } else if (sd_is_socket(fd, AF_INET, SOCK_STREAM, 1) > 0) {
      spdlog::info("listening on systemd socket fd {} (tcp)", fd);
      start_accepting(tcp::acceptor(io_.control(), tcp::v4(), fd), fmt::format("systemd:{}", fd));
    } else if (sd_is_socket(fd, AF_INET6, SOCK_STREAM, 1) > 0) {
      spdlog::info("listening on systemd socket fd {} (tcp6)", fd);
      start_accepting(tcp::acceptor(io_.control(), tcp::v6(), fd), fmt::format("systemd:{}", fd));
    } else {
      // Accept=yes units pass one connected socket per instance.
      start_session(fd, -1, fmt::format("systemd:{}", fd));
    }
  }
}

template <class Acceptor>
void Server::start_accepting(Acceptor acceptor, std::string label) {
  accepting_ = true;
  auto shared = std::make_shared<Acceptor>(std::move(acceptor));
  close_acceptors_.push_back([shared] {
    asio::error_code ignored;
    shared->close(ignored);
  });
  asio::co_spawn(
      strand_,
      [this, shared, label]() -> asio::awaitable<void> {
        for (;;) {
          auto [ec, socket] = co_await shared->async_accept(asio::experimental::as_tuple(asio::use_awaitable));
          if (ec == asio::error::operation_aborted || stopping_) co_return;
          if (ec) {
            // Out of descriptors (EMFILE/ENFILE) passes once connections close: back off, retry.
            spdlog::warn("{}: accept failed: {}", label, ec.message());
            asio::steady_timer pause(strand_, std::chrono::milliseconds(100));
            co_await pause.async_wait(asio::experimental::as_tuple(asio::use_awaitable));
            continue;
          }
          std::string peer;
          if constexpr (std::is_same_v<Acceptor, tcp::acceptor>) {
            socket.set_option(tcp::no_delay(true), ec);  // else each reply waits for Nagle + ACK
            peer = peer_of(socket);
          } else {
            peer = peer_of(socket, label);
          }
          if (counters_.connections.load() >= options_.max_connections) {
            counters_.connections_refused++;
            spdlog::warn("{}: refused: {} connections are open (--max-connections)", peer,
                         options_.max_connections);
            continue;  // the socket closes as it goes out of scope
          }
          start_session(socket.release(), -1, std::move(peer));
        }
      },
      asio::detached);
}

void Server::start_session(int fd, int out_fd, std::string peer) {
  if (fd < 0) throw std::runtime_error(fmt::format("{}: not an open descriptor", peer));
  // The context has one thread: it serialises the session's work as a strand would, for free.
  const asio::any_io_executor executor = io_.next().get_executor();
  Transport transport =
      out_fd < 0 ? Transport(executor, fd, peer) : Transport(executor, fd, out_fd, peer);
  auto session = std::make_shared<Session>(std::move(transport), ctx_);
  counters_.connections++;
  counters_.connections_total++;
  spdlog::info("{}: connected", peer);
  asio::post(strand_, [this, session, executor, peer = std::move(peer)] {
    auto it = sessions_.insert(sessions_.end(), LiveSession{session, executor});
    if (stopping_) asio::post(executor, [session] { session->stop(); });
    asio::co_spawn(executor, session->run(), [this, it, session, peer](std::exception_ptr e) {
      if (e) {
        try {
          std::rethrow_exception(e);
        } catch (const std::exception& ex) {
          spdlog::error("{}: session ended by an internal error: {}", peer, ex.what());
        }
      }
      spdlog::info("{}: disconnected", peer);
      asio::post(strand_, [this, it] { finish_session(it); });
    });
  });
}

void Server::finish_session(std::list<LiveSession>::iterator it) {
  sessions_.erase(it);
  counters_.connections--;
  if (!accepting_ && sessions_.empty() && !stopping_) {
    spdlog::info("last connection closed: exiting");
    shutdown();
  }
}

void Server::shutdown() {
  asio::post(strand_, [this] {
    if (stopping_) return;
    stopping_ = true;
    sd_notify(0, "STOPPING=1");
    signals_.cancel();
    for (auto& close : close_acceptors_) close();
    for (auto& live : sessions_)
      if (auto s = live.session.lock()) asio::post(live.executor, [s] { s->stop(); });
    wait_for_sessions_then_stop(0);
  });
}

void Server::wait_for_sessions_then_stop(unsigned waited_ms) {
  // Sessions finish in-flight work within the grace period themselves; this only waits for them,
  // with a margin, and then stops the io_context whatever remains.
  constexpr unsigned step_ms = 20;
  if (sessions_.empty() || waited_ms > options_.shutdown_grace_ms + 1000) {
    if (!sessions_.empty())
      spdlog::warn("{} connection(s) did not finish in time; closing them", sessions_.size());
    io_.stop();
    return;
  }
  auto timer = std::make_shared<asio::steady_timer>(strand_, std::chrono::milliseconds(step_ms));
  timer->async_wait([this, timer, waited_ms](const asio::error_code&) {
    wait_for_sessions_then_stop(waited_ms + step_ms);
  });
}

}  // namespace p9::server
