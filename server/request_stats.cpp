#include "server/request_stats.h"

#include <algorithm>

namespace p9::server {

void RequestStats::record(MsgType request, int ecode, std::chrono::nanoseconds latency) noexcept {
  constexpr auto relaxed = std::memory_order_relaxed;
  PerType& t = by_type_[static_cast<uint8_t>(request)];
  t.count.fetch_add(1, relaxed);
  const auto ns = static_cast<uint64_t>(std::max<int64_t>(0, latency.count()));
  t.latency_sum_ns.fetch_add(ns, relaxed);
  const uint64_t us = ns / 1000;
  const auto bucket = std::lower_bound(bucket_us.begin(), bucket_us.end(), us) - bucket_us.begin();
  t.buckets[static_cast<size_t>(bucket)].fetch_add(1, relaxed);
  if (ecode != 0) {
    t.errors.fetch_add(1, relaxed);
    by_errno_[static_cast<size_t>(std::clamp(ecode, 0, max_errno))].fetch_add(1, relaxed);
  }
}

RequestStats::TypeFigures RequestStats::figures(MsgType request) const noexcept {
  const PerType& t = by_type_[static_cast<uint8_t>(request)];
  TypeFigures f;
  f.count = t.count.load(std::memory_order_relaxed);
  f.errors = t.errors.load(std::memory_order_relaxed);
  f.latency_sum_ns = t.latency_sum_ns.load(std::memory_order_relaxed);
  for (size_t i = 0; i < f.buckets.size(); ++i) f.buckets[i] = t.buckets[i].load(std::memory_order_relaxed);
  return f;
}

uint64_t RequestStats::errors_with(int ecode) const noexcept {
  return by_errno_[static_cast<size_t>(std::clamp(ecode, 0, max_errno))].load(std::memory_order_relaxed);
}

}  // namespace p9::server
