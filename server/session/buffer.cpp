#include "server/session/buffer.h"

#include <cassert>
#include <utility>

namespace p9::server {

namespace {
// The large buffers kept by this thread (see BufferPool).
thread_local std::vector<Buffer> large_free;
}  // namespace

Buffer::Buffer(std::size_t capacity)
    : bytes_(capacity == 0 ? nullptr : std::make_unique_for_overwrite<std::byte[]>(capacity)),
      capacity_(capacity) {}

void Buffer::resize(std::size_t n) noexcept {
  assert(n <= capacity_);
  size_ = n;
}

Buffer BufferPool::take(std::size_t n) {
  for (std::size_t i = 0; i < kClasses.size(); ++i) {
    if (n > kClasses[i].capacity) continue;
    Buffer b;
    if (free_[i].empty()) {
      b = Buffer(kClasses[i].capacity);
    } else {
      b = std::move(free_[i].back());
      free_[i].pop_back();
    }
    b.resize(n);
    return b;
  }
  Buffer b;
  if (n > kLargeCapacity) {
    b = Buffer(n);
  } else if (large_free.empty()) {
    b = Buffer(kLargeCapacity);
  } else {
    b = std::move(large_free.back());
    large_free.pop_back();
  }
  b.resize(n);
  return b;
}

void BufferPool::give(Buffer b) {
  for (std::size_t i = 0; i < kClasses.size(); ++i) {
    if (b.capacity() != kClasses[i].capacity) continue;
    if (free_[i].size() < kClasses[i].keep) free_[i].push_back(std::move(b));
    return;
  }
  if (b.capacity() == kLargeCapacity && large_free.size() < kLargeKept) {
    large_free.push_back(std::move(b));
  }
}

}  // namespace p9::server
