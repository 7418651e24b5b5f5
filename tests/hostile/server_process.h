// A real p9tmpfs process for the hostile-client suite: started with chosen flags, listening on a
// Unix socket in a private temporary directory and on an ephemeral TCP port of 127.0.0.1, observed
// from outside (/proc) the way an operator would, and stopped with SIGTERM (or killed with the suite
// if that dies first). The suite runs the built binary rather than an in-process server so that a
// crash, a leaked descriptor or unbounded memory shows in the process itself, and LeakSanitizer
// checks it at exit.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "client/address.h"

namespace p9::hostile {

using namespace std::chrono_literals;

// This process's environment, with ASan's quarantine of freed blocks (256 MiB by default) cut to
// 16 MiB in sanitizer builds: tests judge the server's memory by its VmRSS (and may confine it in a
// memory cgroup), and freed blocks held back by ASan would count as held by the server. Harmless for
// an uninstrumented binary.
std::vector<std::string> server_environment();

class ServerProcess {
 public:
  // Starts the binary with `args` plus the two listeners; returns once both accept connections.
  // Throws std::runtime_error (with the log's tail) when it exits or does not come up in time.
  explicit ServerProcess(std::vector<std::string> args);
  // Kills the process if stop() was not called.
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  pid_t pid() const { return pid_; }
  const std::string& unix_path() const { return unix_path_; }
  uint16_t tcp_port() const { return tcp_port_; }
  client::Address unix_address() const;
  client::Address tcp_address() const;

  // A new connected socket to the Unix listener / the TCP listener (the caller owns it).
  int connect_unix() const;
  int connect_tcp() const;

  // False once the process has exited (for whatever reason).
  bool alive();
  // How it ended, e.g. "killed by signal 13 (Broken pipe)"; "running" while alive().
  std::string ending();
  // VmRSS from /proc/PID/status, in KiB.
  uint64_t rss_kib() const;
  // Entries of /proc/PID/fd: listeners, connections, memfds, log.
  std::size_t fd_count() const;
  // Everything the server logged so far.
  std::string log() const;
  // The log from byte `from` on (tests look for the line a case should have caused).
  std::string log_since(std::size_t from) const;
  std::size_t log_size() const;
  // Connections the server has accepted and not yet finished, counted from its "connected" and
  // "disconnected" log lines: the one outside view of when it has let go of a dropped connection.
  std::size_t open_sessions() const;

  // SIGTERM, then waits up to `timeout` for the exit; the wait status, or nullopt when it had to be
  // killed. Once stopped, later calls return the status it ended with.
  std::optional<int> stop(std::chrono::milliseconds timeout = 10s);

 private:
  void wait_until_ready();

  std::string dir_;
  std::string unix_path_;
  std::string log_path_;
  uint16_t tcp_port_ = 0;
  pid_t pid_ = -1;
  std::optional<int> status_;  // set once reaped
};

}  // namespace p9::hostile
