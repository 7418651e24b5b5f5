#pragma once
// Marks arena memory that callers must not touch (free blocks, unused slab space) for AddressSanitizer,
// so that a use after free of metadata is reported; no-ops in other builds.

#include <cstddef>

#if defined(__SANITIZE_ADDRESS__)
#define P9_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define P9_ASAN 1
#endif
#endif

#ifdef P9_ASAN
#include <sanitizer/asan_interface.h>
#endif

namespace p9::sanitizer {

inline void poison([[maybe_unused]] const void* begin, [[maybe_unused]] std::size_t bytes) {
#ifdef P9_ASAN
  ASAN_POISON_MEMORY_REGION(begin, bytes);
#endif
}

inline void unpoison([[maybe_unused]] const void* begin, [[maybe_unused]] std::size_t bytes) {
#ifdef P9_ASAN
  ASAN_UNPOISON_MEMORY_REGION(begin, bytes);
#endif
}

}  // namespace p9::sanitizer
