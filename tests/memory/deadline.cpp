#include "tests/memory/deadline.h"

#include <signal.h>

namespace p9::memtest {

Deadline::Deadline(pid_t victim, std::chrono::seconds budget)
    : thread_([this, victim, budget] {
        std::unique_lock lock(mutex_);
        if (disarmed_.wait_for(lock, budget, [this] { return done_; })) return;
        expired_ = true;
        kill(victim, SIGKILL);
      }) {}

Deadline::~Deadline() {
  {
    const std::lock_guard lock(mutex_);
    done_ = true;
  }
  disarmed_.notify_one();
  thread_.join();
}

bool Deadline::expired() const {
  const std::lock_guard lock(mutex_);
  return expired_;
}

}  // namespace p9::memtest
