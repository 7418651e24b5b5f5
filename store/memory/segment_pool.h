#pragma once
// Pageable memory for file bodies. The pool reserves large anonymous mappings ("segments",
// MAP_PRIVATE|MAP_ANONYMOUS|MAP_NORESERVE, never locked, so the kernel may swap them out) and hands
// out fixed-size blocks from them, so a million small files cost a handful of mappings, not one each
// (vm.max_map_count is 65530). A block costs RAM only for the pages written; a released block's pages
// are returned to the OS at once (MADV_DONTNEED), so RSS drops and its next user reads zeros.
//
// Two block kinds, each from its own segments:
//  - page:   one system page, for the start of every file (packed densely: few page tables);
//  - extent: 64 pages (256 KiB with 4 KiB pages), for offsets past the first extent, so that a 1 GiB
//            file needs 4 Ki index entries instead of 256 Ki.
// Page segments are marked MADV_NOHUGEPAGE: a transparent huge page would make a 4 KiB file cost 2 MiB.
//
// Thread-safe: a short std::mutex per kind guards the free list and the bump pointer (pointer work
// only; never held across madvise, and across mmap only when adding a segment). The free lists live
// in ordinary heap memory: they are touched only when blocks are allocated or freed, i.e. on writes.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>

namespace p9 {

// Whole pages of body memory, [begin, begin + bytes).
struct PageRun {
  std::byte* begin;
  std::size_t bytes;
};

class SegmentPool {
 public:
  enum class BlockKind { page, extent };
  static constexpr std::size_t kPagesPerExtent = 64;
  static constexpr std::size_t kDefaultSegmentBytes = std::size_t{1} << 30;

  // `segment_bytes` is the address space reserved per mapping (rounded to whole extents).
  explicit SegmentPool(std::size_t segment_bytes = kDefaultSegmentBytes);
  SegmentPool(const SegmentPool&) = delete;
  SegmentPool& operator=(const SegmentPool&) = delete;
  // Unmaps every segment; blocks still held become invalid.
  ~SegmentPool();

  // The system page size, and the bytes of a block of each kind.
  std::size_t page_size() const noexcept { return page_size_; }
  std::size_t block_bytes(BlockKind kind) const noexcept {
    return kind == BlockKind::page ? page_size_ : page_size_ * kPagesPerExtent;
  }

  // A zero-filled, page-aligned block; nullptr when no more address space can be reserved.
  std::byte* allocate(BlockKind kind);
  // Returns the block's pages to the OS, then makes the block available again.
  void release(std::byte* block, BlockKind kind) noexcept;
  // Returns whole pages [begin, begin+bytes) of a block still in use to the OS; they read as zeros
  // afterwards. `begin` and `bytes` must be page-aligned.
  void discard(std::byte* begin, std::size_t bytes) const noexcept;

  // Address space reserved by all segments, and bytes of blocks currently handed out.
  std::uint64_t reserved_bytes() const noexcept;
  std::uint64_t allocated_bytes() const noexcept;
  // Bytes of the segments now in RAM (mincore over the part ever handed out): what the bodies have
  // resident, as released blocks' pages were returned to the OS. Costs a syscall per 16 MiB.
  std::uint64_t resident_bytes() const;

  // False while the system has no swap space: then no page of a segment can be paged out (they are
  // anonymous memory), and a caller may skip asking mincore which ones are. Checked with sysinfo(2)
  // at most every kSwapCheckInterval, so swap switched on takes up to that long to be noticed.
  bool can_page_out() const noexcept;
  static constexpr std::int64_t kSwapCheckIntervalNs = 100'000'000;

 private:
  class Kind;

  std::size_t page_size_;
  // The last sysinfo answer, and when it was taken (CLOCK_MONOTONIC_COARSE, ns; 0: never).
  mutable std::atomic<bool> swap_present_{true};
  mutable std::atomic<std::int64_t> swap_checked_ns_{0};
  std::unique_ptr<Kind> pages_;
  std::unique_ptr<Kind> extents_;
};

}  // namespace p9
