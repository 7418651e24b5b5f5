#pragma once
// Memory for metadata (nodes, directory entries, names, xattrs, lock records, body block indexes),
// locked in RAM with mlock so that a lookup, getattr or readdir never waits for a page-in.
//
// Chunks are anonymous private mappings, locked when mapped. Small requests (≤ 64 KiB) are carved
// from per-size-class slabs inside the chunks with no per-object header: a request is rounded up to
// its class (16-byte steps up to 256 B, then four classes per power of two), so the overhead is the
// rounding only. Freed blocks go back to their class's free list and are reused; slab memory stays
// mapped (and locked) for the arena's lifetime. Larger requests get a mapping of their own, unmapped
// when freed. Thread-safe: each size class and the chunk list have a short std::mutex (held for a few
// pointer operations; the chunk list's also across mmap+mlock when growing).
//
// The constructor maps the first chunk (and locks it, per the mode below), so that a refusal shows at
// start. Under AddressSanitizer free blocks are poisoned, so a use after free of metadata is reported.
//
// Pinning:
//  - best_effort: when mlock is refused (RLIMIT_MEMLOCK too low, no CAP_IPC_LOCK) log one warning per
//    process saying what to change, and go on unpinned.
//  - required: the constructor locks the first chunk or throws std::runtime_error with that advice;
//    a later chunk that cannot be locked makes allocate() throw std::bad_alloc (after an error log).
//  - off: never lock.
// allocate() throws std::bad_alloc when memory cannot be mapped.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <memory_resource>

namespace p9 {

enum class Pinning { best_effort, required, off };

class PinnedArena final : public std::pmr::memory_resource {
 public:
  static constexpr std::size_t kDefaultChunkBytes = 2u << 20;

  explicit PinnedArena(Pinning pinning, std::size_t chunk_bytes = kDefaultChunkBytes);
  PinnedArena(const PinnedArena&) = delete;
  PinnedArena& operator=(const PinnedArena&) = delete;
  // Unmaps everything, including blocks never deallocated.
  ~PinnedArena() override;

  // Bytes of mappings currently locked.
  std::uint64_t pinned_bytes() const noexcept { return pinned_bytes_.load(std::memory_order_relaxed); }
  // Bytes of mappings currently held (chunks and large blocks).
  std::uint64_t mapped_bytes() const noexcept { return mapped_bytes_.load(std::memory_order_relaxed); }
  // Bytes handed out and not yet freed, counted at their size-class (or page-rounded) size, i.e.
  // what the callers really consume including rounding.
  std::uint64_t used_bytes() const noexcept { return used_bytes_.load(std::memory_order_relaxed); }
  // True while everything mapped is locked.
  bool pinned() const noexcept { return pinned_bytes() == mapped_bytes() && pinning_ != Pinning::off; }

  // The bytes a request of `bytes` with `alignment` really takes (its size class); for measurements.
  static std::size_t block_size(std::size_t bytes, std::size_t alignment) noexcept;

 private:
  class Impl;

  void* do_allocate(std::size_t bytes, std::size_t alignment) override;
  void do_deallocate(void* p, std::size_t bytes, std::size_t alignment) override;
  bool do_is_equal(const std::pmr::memory_resource& other) const noexcept override;

  Pinning pinning_;
  std::atomic<std::uint64_t> pinned_bytes_{0};
  std::atomic<std::uint64_t> mapped_bytes_{0};
  std::atomic<std::uint64_t> used_bytes_{0};
  std::unique_ptr<Impl> impl_;
};

}  // namespace p9
