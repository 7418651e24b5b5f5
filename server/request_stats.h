// Per-message-type request counts, errors and latency histograms, recorded lock-free by sessions
// and read by the metrics endpoint.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>

#include "proto/message.h"

namespace p9::server {

class RequestStats {
 public:
  // Upper bounds of the latency buckets, in microseconds (the last bucket is +Inf).
  static constexpr std::array<uint32_t, 12> bucket_us = {10,   25,   50,    100,   250,    500,
                                                         1000, 2500, 10000, 50000, 250000, 1000000};
  static constexpr int max_errno = 134;  // Linux errnos run to EHWPOISON (133)

  // One request of type `request` answered with Rlerror(ecode) (0: success) after `latency`.
  void record(MsgType request, int ecode, std::chrono::nanoseconds latency) noexcept;

  struct TypeFigures {
    uint64_t count = 0;
    uint64_t errors = 0;
    uint64_t latency_sum_ns = 0;
    std::array<uint64_t, bucket_us.size() + 1> buckets{};  // not cumulative; last = +Inf
  };
  TypeFigures figures(MsgType request) const noexcept;
  uint64_t errors_with(int ecode) const noexcept;

 private:
  struct PerType {
    std::atomic<uint64_t> count{0};
    std::atomic<uint64_t> errors{0};
    std::atomic<uint64_t> latency_sum_ns{0};
    std::array<std::atomic<uint64_t>, bucket_us.size() + 1> buckets{};
  };
  std::array<PerType, 256> by_type_{};
  std::array<std::atomic<uint64_t>, max_errno + 1> by_errno_{};  // index max_errno: anything larger
};

}  // namespace p9::server
