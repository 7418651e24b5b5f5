#include "server/session/buffer.h"

#include <cassert>
#include <utility>

namespace p9::server {

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
  Buffer b(n);
  b.resize(n);
  return b;
}

void BufferPool::give(Buffer b) {
  for (std::size_t i = 0; i < kClasses.size(); ++i) {
    if (b.capacity() != kClasses[i].capacity) continue;
    if (free_[i].size() < kClasses[i].keep) free_[i].push_back(std::move(b));
    return;
  }
}

}  // namespace p9::server
