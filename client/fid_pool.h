// Fid numbers of one connection, chosen by the client as 9P requires. Shared by every coroutine and
// thread using the connection, hence the mutex (held only for a push or pop, never across a co_await).
#pragma once

#include <cstdint>
#include <mutex>
#include <vector>

namespace p9::client {

class FidPool {
 public:
  // A fid not in use on this connection; never NOFID.
  uint32_t allocate();
  // Makes fid available again: call once the server has forgotten it (after Tclunk/Tremove replied,
  // or when the Twalk/Txattrwalk that was to create it failed).
  void release(uint32_t fid);

 private:
  std::mutex mutex_;
  uint32_t next_ = 0;
  std::vector<uint32_t> free_;
};

}  // namespace p9::client
