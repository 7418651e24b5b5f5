#include "store/memory/segment_pool.h"

#include <sys/mman.h>
#include <sys/sysinfo.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <new>
#include <vector>

namespace p9 {

// The blocks of one size: segments carved by a bump pointer, plus a stack of released blocks.
class SegmentPool::Kind {
 public:
  Kind(std::size_t block_bytes, std::size_t segment_bytes, bool small_pages)
      : block_bytes_(block_bytes), segment_bytes_(segment_bytes), small_pages_(small_pages) {}

  ~Kind() {
    for (std::byte* segment : segments_) munmap(segment, segment_bytes_);
  }

  std::byte* allocate() {
    std::lock_guard guard(mutex_);
    std::byte* block;
    if (!free_.empty()) {
      block = free_.back();
      free_.pop_back();
    } else {
      if (cursor_ == end_ && !add_segment()) return nullptr;
      block = cursor_;
      cursor_ += block_bytes_;
    }
    allocated_bytes_.fetch_add(block_bytes_, std::memory_order_relaxed);
    return block;
  }

  void release(std::byte* block) noexcept {
    // Before the block is published again, and outside the mutex: a syscall.
    madvise(block, block_bytes_, MADV_DONTNEED);
    std::lock_guard guard(mutex_);
    free_.push_back(block);  // cannot outgrow the blocks carved, reserved for in add_segment()
    allocated_bytes_.fetch_sub(block_bytes_, std::memory_order_relaxed);
  }

  std::uint64_t reserved_bytes() const noexcept { return reserved_bytes_.load(std::memory_order_relaxed); }

  // The carved part of every segment; copied under the mutex so that mincore runs outside it
  // (segments stay mapped until the destructor).
  std::vector<PageRun> carved() const {
    std::lock_guard guard(mutex_);
    std::vector<PageRun> ranges;
    ranges.reserve(segments_.size());
    for (std::byte* segment : segments_) ranges.push_back({segment, segment_bytes_});
    if (!ranges.empty()) ranges.back().bytes = static_cast<std::size_t>(cursor_ - segments_.back());  // the bump pointer's
    return ranges;
  }
  std::uint64_t allocated_bytes() const noexcept { return allocated_bytes_.load(std::memory_order_relaxed); }

 private:
  // Called with the mutex held.
  bool add_segment() {
    try {
      // Room for every block of the new segment, so that release() never allocates.
      free_.reserve((reserved_bytes() + segment_bytes_) / block_bytes_);
      segments_.reserve(segments_.size() + 1);
    } catch (const std::bad_alloc&) {
      return false;
    }
    void* raw = mmap(nullptr, segment_bytes_, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (raw == MAP_FAILED) return false;
    auto* segment = static_cast<std::byte*>(raw);
    // Best effort (fails only without THP support): a huge page would give a one-page file 2 MiB.
    if (small_pages_) madvise(segment, segment_bytes_, MADV_NOHUGEPAGE);
    segments_.push_back(segment);
    cursor_ = segment;
    end_ = segment + segment_bytes_;
    reserved_bytes_.fetch_add(segment_bytes_, std::memory_order_relaxed);
    return true;
  }

  const std::size_t block_bytes_;
  const std::size_t segment_bytes_;
  const bool small_pages_;

  mutable std::mutex mutex_;  // guards everything below except the counters
  std::vector<std::byte*> free_;
  std::vector<std::byte*> segments_;
  std::byte* cursor_ = nullptr;
  std::byte* end_ = nullptr;
  std::atomic<std::uint64_t> reserved_bytes_{0};
  std::atomic<std::uint64_t> allocated_bytes_{0};
};

namespace {

std::size_t round_up(std::size_t bytes, std::size_t unit) { return (bytes + unit - 1) / unit * unit; }

}  // namespace

SegmentPool::SegmentPool(std::size_t segment_bytes)
    : page_size_(static_cast<std::size_t>(sysconf(_SC_PAGESIZE))) {
  const std::size_t extent = block_bytes(BlockKind::extent);
  const std::size_t rounded = round_up(std::max(segment_bytes, extent), extent);
  pages_ = std::make_unique<Kind>(page_size_, rounded, /*small_pages=*/true);
  extents_ = std::make_unique<Kind>(extent, rounded, /*small_pages=*/false);
}

SegmentPool::~SegmentPool() = default;

std::byte* SegmentPool::allocate(BlockKind kind) {
  return (kind == BlockKind::page ? pages_ : extents_)->allocate();
}

void SegmentPool::release(std::byte* block, BlockKind kind) noexcept {
  (kind == BlockKind::page ? pages_ : extents_)->release(block);
}

void SegmentPool::discard(std::byte* begin, std::size_t bytes) const noexcept {
  madvise(begin, bytes, MADV_DONTNEED);
}

std::uint64_t SegmentPool::reserved_bytes() const noexcept {
  return pages_->reserved_bytes() + extents_->reserved_bytes();
}

std::uint64_t SegmentPool::resident_bytes() const {
  constexpr std::size_t kWindowPages = 4096;
  std::vector<unsigned char> in_core(kWindowPages);
  std::uint64_t pages = 0;
  for (const Kind* kind : {pages_.get(), extents_.get()}) {
    for (const PageRun& range : kind->carved()) {
      for (std::size_t offset = 0; offset < range.bytes; offset += kWindowPages * page_size_) {
        const std::size_t bytes = std::min(range.bytes - offset, kWindowPages * page_size_);
        if (mincore(range.begin + offset, bytes, in_core.data()) != 0) continue;
        for (std::size_t page = 0; page < bytes / page_size_; ++page) pages += in_core[page] & 1;
      }
    }
  }
  return pages * page_size_;
}

bool SegmentPool::can_page_out() const noexcept {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC_COARSE, &now);  // vDSO: no syscall
  const std::int64_t now_ns = std::int64_t{now.tv_sec} * 1'000'000'000 + now.tv_nsec;
  std::int64_t checked = swap_checked_ns_.load(std::memory_order_relaxed);
  if (checked != 0 && now_ns - checked < kSwapCheckIntervalNs) return swap_present_.load(std::memory_order_relaxed);
  // One caller refreshes; the others keep the previous answer meanwhile.
  if (!swap_checked_ns_.compare_exchange_strong(checked, now_ns, std::memory_order_relaxed))
    return swap_present_.load(std::memory_order_relaxed);
  struct sysinfo info {};
  const bool present = sysinfo(&info) != 0 || info.totalswap != 0;  // unknown counts as present
  swap_present_.store(present, std::memory_order_relaxed);
  return present;
}

std::uint64_t SegmentPool::allocated_bytes() const noexcept {
  return pages_->allocated_bytes() + extents_->allocated_bytes();
}

}  // namespace p9
