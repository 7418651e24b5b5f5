#include "tests/soak/dropper.h"

#include <sys/socket.h>

namespace p9::soak {

Dropper::Dropper(int fd, std::chrono::milliseconds after)
    : thread_([this, fd, after] {
        std::unique_lock lock(mutex_);
        if (wake_.wait_for(lock, after, [this] { return disarmed_; })) return;
        fired_ = true;
        ::shutdown(fd, SHUT_RDWR);
      }) {}

Dropper::~Dropper() {
  {
    std::lock_guard lock(mutex_);
    disarmed_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

}  // namespace p9::soak
