// Byte buffers for frames and reply payloads, and a small per-session pool that recycles them.
// A Buffer never zero-fills (a 1 MiB Rread buffer is about to be overwritten by the store anyway) and
// moving it keeps its bytes where they are, so views into it survive a move.
#pragma once

#include <array>
#include <cstddef>
#include <memory>
#include <span>
#include <vector>

namespace p9::server {

class Buffer {
 public:
  Buffer() = default;
  // size() == 0, capacity() >= capacity, contents uninitialised.
  explicit Buffer(std::size_t capacity);

  std::byte* data() noexcept { return bytes_.get(); }
  const std::byte* data() const noexcept { return bytes_.get(); }
  std::size_t size() const noexcept { return size_; }
  std::size_t capacity() const noexcept { return capacity_; }
  // Precondition: n <= capacity(). Bytes gained are uninitialised.
  void resize(std::size_t n) noexcept;

  std::span<std::byte> span() noexcept { return {data(), size_}; }
  std::span<const std::byte> span() const noexcept { return {data(), size_}; }

 private:
  std::unique_ptr<std::byte[]> bytes_;
  std::size_t capacity_ = 0;
  std::size_t size_ = 0;
};

// Recycles buffers of a few size classes so that the steady state of a session allocates nothing
// per request; bigger buffers (large Rread payloads, big Twrite frames) go back to malloc, which
// keeps a connection's idle footprint small. One pool per session, used only on its strand.
class BufferPool {
 public:
  // A buffer of size n (capacity possibly larger).
  Buffer take(std::size_t n);
  // Keeps b for a later take() when its class has room; frees it otherwise.
  void give(Buffer b);

 private:
  struct SizeClass {
    std::size_t capacity;
    std::size_t keep;  // buffers retained at most
  };
  static constexpr std::array<SizeClass, 3> kClasses{{{512, 64}, {8192, 16}, {65536 + 512, 4}}};

  std::array<std::vector<Buffer>, kClasses.size()> free_;
};

}  // namespace p9::server
