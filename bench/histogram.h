// Latency distribution of one connection's operations, recorded without allocation or locking: a
// log-linear histogram (values below 64 exact, above that 32 buckets per power of two, so any
// percentile is within ~3%). Histograms of several connections merge by adding counts.
#pragma once

#include <array>
#include <cstdint>

namespace p9::bench {

class LatencyHistogram {
 public:
  void record(uint64_t nanoseconds) noexcept;
  void merge(const LatencyHistogram& other) noexcept;

  uint64_t count() const noexcept { return count_; }
  // The latency below which `fraction` (0..1) of the recorded values lie, in nanoseconds; 0 when empty.
  uint64_t percentile(double fraction) const noexcept;

 private:
  static constexpr unsigned SUB_BITS = 5;
  // Octave `shift` (>= 1) holds values of bit width SUB_BITS + 1 + shift; below that, one bucket per value.
  static constexpr unsigned BUCKETS = (64 - (SUB_BITS + 1)) * (1u << SUB_BITS) + (1u << (SUB_BITS + 1));

  static unsigned bucket_of(uint64_t value) noexcept;
  static uint64_t middle_of(unsigned bucket) noexcept;

  std::array<uint64_t, BUCKETS> counts_{};
  uint64_t count_ = 0;
};

}  // namespace p9::bench
