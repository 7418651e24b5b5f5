// Drops a connection at a chosen moment from another thread: shutdown(2) of its socket, so that
// whatever the client has in flight at that instant (a half-written frame, a request waiting for
// its reply) is cut off, as when a client machine goes away.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace p9::soak {

class Dropper {
 public:
  // Shuts fd down `after` from now unless disarmed (destroyed) first. fd must stay open until then.
  Dropper(int fd, std::chrono::milliseconds after);
  // Disarms and joins: once it returns, the socket is no longer touched (the fd may be closed).
  ~Dropper();
  Dropper(const Dropper&) = delete;
  Dropper& operator=(const Dropper&) = delete;

  bool fired() const { return fired_.load(); }

 private:
  std::mutex mutex_;
  std::condition_variable wake_;
  bool disarmed_ = false;
  std::atomic<bool> fired_{false};
  std::thread thread_;
};

}  // namespace p9::soak
