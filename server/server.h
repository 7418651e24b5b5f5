// The running server: opens the listeners, accepts connections into Sessions, enforces the
// connection limit, reloads the config file on SIGHUP, and shuts down cleanly on SIGINT/SIGTERM.
#pragma once

#include <list>
#include <memory>
#include <string>

#include <asio/any_io_executor.hpp>
#include <asio/io_context.hpp>
#include <asio/signal_set.hpp>
#include <asio/strand.hpp>

#include "server/address.h"
#include "server/export.h"
#include "server/io_threads.h"
#include "server/metrics.h"
#include "server/options.h"
#include "server/reload.h"
#include "server/server_context.h"
#include "server/transport.h"

namespace p9::server {

class Session;

class Server {
 public:
  // Builds the exports; throws std::runtime_error when one cannot be built (pinning required).
  explicit Server(ServerOptions options);
  ~Server();

  // Opens every listener (throws std::runtime_error naming the address and the cause) and serves
  // until SIGINT/SIGTERM, or until the last connection of an fd/stdio-only server ends.
  // Returns the process exit code.
  int run();

  // Begins a graceful shutdown; callable from any thread.
  void shutdown();

  const ServerContext& context() const { return ctx_; }

 private:
  struct LiveSession {
    std::weak_ptr<Session> session;
    asio::any_io_executor executor;  // of the session's thread
  };

  void open_listener(const Address& address);
  void open_systemd_listeners();
  void open_tcp(const Address& address);
  void open_unix(const std::string& path);
  template <class Acceptor>
  void start_accepting(Acceptor acceptor, std::string label);
  // Serves one connection on the next I/O thread; `fd` (and `out_fd` for pipe pairs) are taken over.
  void start_session(int fd, int out_fd, std::string peer);
  void finish_session(std::list<LiveSession>::iterator it);
  void wait_for_sessions_then_stop(unsigned waited_ms);
  void wait_for_signal();  // SIGHUP reloads and waits again; SIGINT/SIGTERM shut down

  ServerOptions options_;
  // Declared before io_ so that a session still alive when io_ is destroyed (one that outlived the
  // shutdown grace period) is torn down while its export and counters exist.
  ServerCounters counters_;
  ExportTable exports_;
  ConfigReloader reloader_;
  ServerContext ctx_;
  IoThreads io_;
  // On io_.control(). Guards everything below: sessions, acceptors and the stopping flag.
  asio::strand<asio::io_context::executor_type> strand_;
  asio::signal_set signals_;
  std::list<LiveSession> sessions_;
  std::list<std::function<void()>> close_acceptors_;
  std::unique_ptr<MetricsEndpoint> metrics_;
  bool accepting_ = false;  // some listener accepts new connections (else: exit with the last one)
  bool stopping_ = false;
};

}  // namespace p9::server
