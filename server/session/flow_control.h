// Back-pressure for one connection. Every request read counts from the moment it is read until its
// reply has been written (or suppressed), with the bytes it pins (its frame plus the payload its
// reply may carry). The reader stops reading while too much is outstanding, so a client that sends
// without reading replies fills its own socket buffer instead of the server's memory.
//
// A blocking Tlock parked in the store does not count while it waits: a client may legitimately
// have many processes waiting for locks, and counting them could stop the reader before it reads
// the unlock that would release them. Parked locks have their own, larger bound.
#pragma once

#include <algorithm>
#include <cstdint>

namespace p9::server {

class FlowControl {
 public:
  // Requests parked in a blocking lock at once, per connection; beyond it Tlock answers BLOCKED
  // without waiting (the Linux client then retries on its own).
  static constexpr uint32_t kMaxParked = 1024;
  // Bytes outstanding before the reader pauses: at least this much...
  static constexpr uint64_t kMinByteBudget = 16u << 20;
  // ...or this many maximum-size frames.
  static constexpr uint64_t kFramesInByteBudget = 8;

  FlowControl(uint32_t max_requests, uint32_t max_msize)
      : max_requests_(std::max<uint32_t>(max_requests, 1)),
        max_bytes_(std::max(kMinByteBudget, kFramesInByteBudget * max_msize)) {}

  void admit(uint64_t bytes) {
    ++requests_;
    bytes_ += bytes;
  }
  void release(uint64_t bytes) {
    --requests_;
    bytes_ -= bytes;
  }
  // False when kMaxParked requests wait already.
  bool try_park() {
    if (parked_ >= kMaxParked) return false;
    ++parked_;
    return true;
  }
  void unpark() { --parked_; }

  // The reader must wait. One request may always be outstanding, however big.
  bool saturated() const {
    const uint64_t active = requests_ - parked_;
    return active >= max_requests_ || (active > 0 && bytes_ >= max_bytes_);
  }
  uint64_t outstanding() const { return requests_; }

 private:
  uint32_t max_requests_;
  uint64_t max_bytes_;
  uint64_t requests_ = 0;
  uint64_t bytes_ = 0;
  uint32_t parked_ = 0;
};

}  // namespace p9::server
