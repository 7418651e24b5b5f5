// Public types of POSIX byte-range locks (fcntl F_SETLK/F_SETLKW/F_GETLK as 9P's Tlock/Tgetlock
// carry them). The store knows owners only as opaque ids: `session` is whatever the server uses to
// tell connections apart, client_id/proc_id come from the client.
#pragma once

#include <cstdint>
#include <string>

namespace p9::store {

struct LockOwner {
  uint64_t session = 0;
  std::string client_id;
  uint32_t proc_id = 0;
  friend bool operator==(const LockOwner&, const LockOwner&) = default;
};

enum class LockType : uint8_t { read, write, unlock };

struct LockRange {
  uint64_t start = 0;
  uint64_t length = 0;  // 0 = to end of file, however far it grows
};

// F_GETLK's answer: the first lock that conflicts, or type unlock when none does.
struct LockInfo {
  LockType type = LockType::unlock;
  LockRange range;
  uint32_t proc_id = 0;
  std::string client_id;
};

}  // namespace p9::store
