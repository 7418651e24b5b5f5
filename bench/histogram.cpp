#include "bench/histogram.h"

#include <algorithm>
#include <bit>

namespace p9::bench {

// With shift = how far the value must move right to keep its top SUB_BITS + 1 bits, the bucket is
// shift * 2^SUB_BITS + those top bits: continuous across octaves and monotonic in the value.
unsigned LatencyHistogram::bucket_of(uint64_t value) noexcept {
  const unsigned width = static_cast<unsigned>(std::bit_width(value));
  const unsigned shift = width > SUB_BITS + 1 ? width - (SUB_BITS + 1) : 0;
  return (shift << SUB_BITS) + static_cast<unsigned>(value >> shift);
}

uint64_t LatencyHistogram::middle_of(unsigned bucket) noexcept {
  if (bucket < (1u << (SUB_BITS + 1))) return bucket;
  const unsigned shift = (bucket >> SUB_BITS) - 1;
  const uint64_t top = bucket - (shift << SUB_BITS);
  return (top << shift) + ((uint64_t{1} << shift) >> 1);
}

void LatencyHistogram::record(uint64_t nanoseconds) noexcept {
  ++counts_[bucket_of(nanoseconds)];
  ++count_;
}

void LatencyHistogram::merge(const LatencyHistogram& other) noexcept {
  std::transform(counts_.begin(), counts_.end(), other.counts_.begin(), counts_.begin(),
                 [](uint64_t a, uint64_t b) { return a + b; });
  count_ += other.count_;
}

uint64_t LatencyHistogram::percentile(double fraction) const noexcept {
  if (count_ == 0) return 0;
  // The rank of the value asked for, 1-based: p50 of 1..100 is the 50th.
  const auto rank = std::max<uint64_t>(1, static_cast<uint64_t>(fraction * static_cast<double>(count_) + 0.5));
  uint64_t seen = 0;
  for (unsigned b = 0; b < BUCKETS; ++b) {
    seen += counts_[b];
    if (seen >= rank) return middle_of(b);
  }
  return middle_of(BUCKETS - 1);
}

}  // namespace p9::bench
