#pragma once
// The space budget of one store (tmpfs size=): file bodies charge the pages they allocate, the store
// may charge metadata too. Lock-free; every charge must be released exactly once, so that `used()`
// returns to its start value when everything is freed.

#include <atomic>
#include <cstdint>
#include <limits>

namespace p9 {

class SpaceAccount {
 public:
  static constexpr std::uint64_t kUnlimited = std::numeric_limits<std::uint64_t>::max();

  explicit SpaceAccount(std::uint64_t limit = kUnlimited) noexcept : limit_(limit) {}
  SpaceAccount(const SpaceAccount&) = delete;
  SpaceAccount& operator=(const SpaceAccount&) = delete;

  // Adds `bytes` unless that would pass the limit; false (and no change) then.
  bool try_charge(std::uint64_t bytes) noexcept {
    const std::uint64_t limit = limit_.load(std::memory_order_relaxed);
    std::uint64_t used = used_.load(std::memory_order_relaxed);
    do {
      // used > limit after set_limit() lowered it: nothing more fits until enough is released.
      if (used > limit || bytes > limit - used) return false;
    } while (!used_.compare_exchange_weak(used, used + bytes, std::memory_order_relaxed));
    return true;
  }
  void release(std::uint64_t bytes) noexcept { used_.fetch_sub(bytes, std::memory_order_relaxed); }

  std::uint64_t used() const noexcept { return used_.load(std::memory_order_relaxed); }
  std::uint64_t limit() const noexcept { return limit_.load(std::memory_order_relaxed); }
  // A new limit (a configuration reload); charges already made stay, even above it.
  void set_limit(std::uint64_t limit) noexcept { limit_.store(limit, std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> limit_;
  std::atomic<std::uint64_t> used_{0};
};

}  // namespace p9
