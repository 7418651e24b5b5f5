#pragma once
// A time budget for a test that waits on a server: when it runs out, the server is killed (SIGKILL),
// so that a client blocked on it gets an error instead of waiting for ever. The kernel may stall a
// process under memory pressure for longer than any sensible test should take.

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace p9::memtest {

class Deadline {
 public:
  Deadline(pid_t victim, std::chrono::seconds budget);
  Deadline(const Deadline&) = delete;
  Deadline& operator=(const Deadline&) = delete;
  // Disarms it.
  ~Deadline();

  // Whether the budget ran out (and the victim was killed).
  bool expired() const;

 private:
  mutable std::mutex mutex_;
  std::condition_variable disarmed_;
  bool done_ = false;
  bool expired_ = false;
  std::thread thread_;
};

}  // namespace p9::memtest
