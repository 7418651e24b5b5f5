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

// Recycles buffers so that the steady state of a session allocates nothing per request. Small
// classes are kept per session (one pool per session, used only on its strand). Large buffers (Rread
// payloads and Twrite frames up to the default largest msize) are kept per thread instead, shared by
// the sessions the thread serves, so that an idle connection pins none of them: malloc gave a 1 MiB
// buffer back to the kernel at every free, and the next Rread took 115-210 page faults to refill it.
// Buffers bigger than kLargeCapacity (only with a raised --msize) come from malloc every time.
class BufferPool {
 public:
  // The default largest msize (1 MiB + 4 KiB), with room for a reply head.
  static constexpr std::size_t kLargeCapacity = (1u << 20) + 8192;
  // Large buffers kept per thread: 16 MiB, what one connection may have outstanding (FlowControl).
  static constexpr std::size_t kLargeKept = 16;

  // A buffer of size n (capacity possibly larger).
  Buffer take(std::size_t n);
  // Keeps b for a later take() when its class has room; frees it otherwise. Callable on any thread.
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
