#pragma once
// Major page faults (a page read in from swap or a file) taken by the calling thread so far: how the
// store tells whether its io threads waited for a page-in while copying body memory.

#include <sys/resource.h>

#include <cstdint>

namespace p9 {

inline std::uint64_t thread_major_faults() noexcept {
  rusage usage{};
  if (getrusage(RUSAGE_THREAD, &usage) != 0) return 0;
  return static_cast<std::uint64_t>(usage.ru_majflt);
}

}  // namespace p9
