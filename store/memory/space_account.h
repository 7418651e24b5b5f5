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
    std::uint64_t used = used_.load(std::memory_order_relaxed);
    do {
      if (bytes > limit_ - used) return false;  // limit_ >= used always holds
    } while (!used_.compare_exchange_weak(used, used + bytes, std::memory_order_relaxed));
    return true;
  }
  void release(std::uint64_t bytes) noexcept { used_.fetch_sub(bytes, std::memory_order_relaxed); }

  std::uint64_t used() const noexcept { return used_.load(std::memory_order_relaxed); }
  std::uint64_t limit() const noexcept { return limit_; }

 private:
  const std::uint64_t limit_;
  std::atomic<std::uint64_t> used_{0};
};

}  // namespace p9
