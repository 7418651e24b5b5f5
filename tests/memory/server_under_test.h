#pragma once
// The real p9tmpfs binary, started inside a memory cgroup before it runs a single instruction of its
// own, serving one export on a Unix socket with two io threads (whatever the core count, so that the
// test knows which connections share one) and its Prometheus endpoint on loopback; stopped (SIGTERM,
// then SIGKILL) by the destructor. Reads what the kernel and the server say about it.

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <string>

#include "tests/memory/memory_cgroup.h"

namespace p9::memtest {

class ServerUnderTest {
 public:
  // Throws std::runtime_error when the server does not start or the cgroup refuses it.
  ServerUnderTest(const std::string& binary, const std::string& dir, const MemoryCgroup& cgroup);
  ServerUnderTest(const ServerUnderTest&) = delete;
  ServerUnderTest& operator=(const ServerUnderTest&) = delete;
  ~ServerUnderTest();

  pid_t pid() const { return pid_; }
  // For client::Address::parse.
  std::string address() const { return "unix:" + socket_path_; }

  // A "Name:   123 kB" field of /proc/PID/status, in bytes.
  std::uint64_t status_bytes(const std::string& field) const;
  // Every sample of /metrics, by name without labels (the server has one export).
  std::map<std::string, std::uint64_t> metrics() const;
  // Major faults taken so far, summed by thread name (/proc/PID/task/*/stat and comm).
  std::map<std::string, std::uint64_t> major_faults_by_thread_name() const;

 private:
  pid_t pid_ = -1;
  std::string socket_path_;
  std::uint16_t metrics_port_ = 0;
};

}  // namespace p9::memtest
