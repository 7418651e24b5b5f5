#include "store/memory/pinned_arena.h"

#include <spdlog/spdlog.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <array>
#include <bit>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <new>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

#include "store/memory/sanitizer.h"

namespace p9 {

namespace {

// Size classes: 16-byte steps up to 256 B, then four per power of two up to 64 KiB.
constexpr std::size_t kSmallStep = 16;
constexpr std::size_t kSmallLimit = 256;
constexpr std::size_t kSmallClasses = kSmallLimit / kSmallStep;
constexpr std::size_t kLargestClass = 64 * 1024;
constexpr std::size_t kClasses = kSmallClasses + 4 * (std::bit_width(kLargestClass / kSmallLimit) - 1);
constexpr std::size_t kNoClass = kClasses;
constexpr std::size_t kMinSlabBytes = 64 * 1024;

constexpr std::size_t class_bytes(std::size_t index) {
  if (index < kSmallClasses) return (index + 1) * kSmallStep;
  const std::size_t base = kSmallLimit << ((index - kSmallClasses) / 4);
  return base + ((index - kSmallClasses) % 4 + 1) * (base / 4);
}

constexpr std::size_t class_index(std::size_t bytes) {
  if (bytes <= kSmallLimit) return bytes == 0 ? 0 : (bytes - 1) / kSmallStep;
  if (bytes > kLargestClass) return kNoClass;
  const int log = std::bit_width(bytes - 1) - 1;  // base = 2^log < bytes <= 2 * base
  const std::size_t base = std::size_t{1} << log;
  const std::size_t quarter = (bytes - base + base / 4 - 1) / (base / 4);  // 1..4
  return kSmallClasses + static_cast<std::size_t>(log - 8) * 4 + quarter - 1;
}

static_assert(class_bytes(kClasses - 1) == kLargestClass);
static_assert(class_index(257) == kSmallClasses && class_bytes(kSmallClasses) == 320);
static_assert(class_bytes(class_index(kLargestClass)) == kLargestClass);

std::size_t system_page_size() {
  static const auto size = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  return size;
}

std::size_t round_up(std::size_t bytes, std::size_t unit) { return (bytes + unit - 1) / unit * unit; }

// A size class that serves `bytes` at `alignment`, or kNoClass (then the block gets its own mapping).
// Slabs are page-aligned and hold blocks at multiples of the class size, so a class whose size is a
// multiple of the alignment (≤ one page) yields aligned blocks.
std::size_t class_for(std::size_t bytes, std::size_t alignment) {
  if (alignment <= kSmallStep) return class_index(bytes);
  if (alignment > system_page_size()) return kNoClass;
  for (std::size_t index = class_index(std::max(bytes, alignment)); index < kClasses; ++index) {
    if (class_bytes(index) % alignment == 0) return index;
  }
  return kNoClass;
}

std::string memlock_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_MEMLOCK, &limit) != 0) return "unknown";
  if (limit.rlim_cur == RLIM_INFINITY) return "unlimited";
  return std::to_string(limit.rlim_cur / 1024) + " KiB";
}

std::string pinning_advice(std::size_t bytes, int error, std::uint64_t already_locked) {
  return "cannot lock metadata memory in RAM (mlock of " + std::to_string(bytes) +
         " bytes failed: " + std::strerror(error) + "; RLIMIT_MEMLOCK is " + memlock_limit() + ", " +
         std::to_string(already_locked) +
         " bytes already locked), so lookups may stall on page-ins under memory pressure. To pin "
         "metadata, raise the locked-memory limit (`ulimit -l unlimited`, systemd "
         "LimitMEMLOCK=infinity, docker --ulimit memlock=-1) or grant CAP_IPC_LOCK (systemd "
         "AmbientCapabilities=CAP_IPC_LOCK, docker --cap-add IPC_LOCK)";
}

}  // namespace

class PinnedArena::Impl {
 public:
  explicit Impl(PinnedArena& arena, std::size_t chunk_bytes)
      : arena_(arena),
        chunk_bytes_(round_up(std::max(chunk_bytes, kMinSlabBytes), system_page_size())) {}

  ~Impl() {
    for (const Mapping& chunk : chunks_) unmap(chunk);
    for (const auto& [base, mapping] : large_) unmap(mapping);
  }

  // Maps (and per the pinning mode locks) the first chunk, so that a refusal shows at start.
  void reserve_first_chunk() {
    std::lock_guard guard(chunk_mutex_);
    add_chunk(chunk_bytes_, /*at_start=*/true);
  }

  void* allocate_small(std::size_t index, std::size_t requested) {
    SizeClass& size_class = classes_[index];
    const std::size_t bytes = class_bytes(index);
    std::byte* block;
    {
      std::lock_guard guard(size_class.mutex);
      if (size_class.free_list != nullptr) {
        block = size_class.free_list;
        sanitizer::unpoison(block, sizeof(std::byte*));
        size_class.free_list = *reinterpret_cast<std::byte**>(block);
      } else {
        if (static_cast<std::size_t>(size_class.end - size_class.cursor) < bytes) {
          const std::size_t slab_bytes = std::max(kMinSlabBytes, 4 * bytes);
          size_class.cursor = carve_slab(slab_bytes);
          size_class.end = size_class.cursor + slab_bytes;
        }
        block = size_class.cursor;
        size_class.cursor += bytes;
      }
    }
    sanitizer::unpoison(block, requested);  // the rounding stays poisoned: overflows get reported
    arena_.used_bytes_.fetch_add(bytes, std::memory_order_relaxed);
    return block;
  }

  void deallocate_small(void* pointer, std::size_t index) noexcept {
    SizeClass& size_class = classes_[index];
    const std::size_t bytes = class_bytes(index);
    auto* block = static_cast<std::byte*>(pointer);
    {
      std::lock_guard guard(size_class.mutex);
      sanitizer::unpoison(block, sizeof(std::byte*));  // a request may have been shorter than a pointer
      *reinterpret_cast<std::byte**>(block) = size_class.free_list;
      // Poisoned before it is published: a use after free of metadata shows up under ASan.
      sanitizer::poison(block, bytes);
      size_class.free_list = block;
    }
    arena_.used_bytes_.fetch_sub(bytes, std::memory_order_relaxed);
  }

  void* allocate_large(std::size_t bytes, std::size_t alignment) {
    Mapping mapping = map(round_up(bytes, system_page_size()), alignment);
    if (!lock(mapping, /*at_start=*/false)) {
      unmap(mapping);
      throw std::bad_alloc();
    }
    try {
      std::lock_guard guard(chunk_mutex_);
      large_.emplace(mapping.base, mapping);
    } catch (...) {
      unmap(mapping);
      throw;
    }
    arena_.used_bytes_.fetch_add(mapping.bytes, std::memory_order_relaxed);
    return mapping.base;
  }

  void deallocate_large(void* pointer) noexcept {
    Mapping mapping;
    {
      std::lock_guard guard(chunk_mutex_);
      const auto found = large_.find(static_cast<std::byte*>(pointer));
      mapping = found->second;
      large_.erase(found);
    }
    unmap(mapping);
    arena_.used_bytes_.fetch_sub(mapping.bytes, std::memory_order_relaxed);
  }

 private:
  struct Mapping {
    std::byte* base = nullptr;
    std::size_t bytes = 0;
    bool locked = false;
  };

  struct alignas(64) SizeClass {  // a cache line each: classes are locked independently
    std::mutex mutex;
    std::byte* free_list = nullptr;  // linked through the first word of each free block
    std::byte* cursor = nullptr;     // unused rest of the current slab
    std::byte* end = nullptr;
  };

  // Called with a class mutex held; takes the chunk mutex (always in that order).
  std::byte* carve_slab(std::size_t bytes) {
    std::lock_guard guard(chunk_mutex_);
    if (static_cast<std::size_t>(chunk_end_ - chunk_cursor_) < bytes) {
      add_chunk(std::max(chunk_bytes_, bytes), /*at_start=*/false);
    }
    std::byte* slab = chunk_cursor_;
    chunk_cursor_ += bytes;
    return slab;
  }

  // Called with the chunk mutex held. The rest of the previous chunk (less than a slab) is left over.
  void add_chunk(std::size_t bytes, bool at_start) {
    Mapping chunk = map(bytes, system_page_size());
    try {
      if (!lock(chunk, at_start)) throw std::bad_alloc();
      chunks_.push_back(chunk);
    } catch (...) {
      unmap(chunk);
      throw;
    }
    sanitizer::poison(chunk.base, chunk.bytes);  // unpoisoned block by block as handed out
    chunk_cursor_ = chunk.base;
    chunk_end_ = chunk.base + chunk.bytes;
  }

  // A fresh mapping of `bytes` whose start is aligned to `alignment` (a power of two).
  Mapping map(std::size_t bytes, std::size_t alignment) {
    const std::size_t slack = alignment > system_page_size() ? alignment : 0;
    void* raw = mmap(nullptr, bytes + slack, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (raw == MAP_FAILED) throw std::bad_alloc();
    auto* base = static_cast<std::byte*>(raw);
    if (slack != 0) {  // trim to an aligned mapping of exactly `bytes`
      auto* aligned = base + (round_up(reinterpret_cast<std::uintptr_t>(base), alignment) -
                              reinterpret_cast<std::uintptr_t>(base));
      if (aligned != base) munmap(base, static_cast<std::size_t>(aligned - base));
      munmap(aligned + bytes, static_cast<std::size_t>(base + slack - aligned));
      base = aligned;
    }
    arena_.mapped_bytes_.fetch_add(bytes, std::memory_order_relaxed);
    return Mapping{base, bytes, false};
  }

  void unmap(const Mapping& mapping) noexcept {
    sanitizer::unpoison(mapping.base, mapping.bytes);  // the range may be mapped again by others
    munmap(mapping.base, mapping.bytes);
    arena_.mapped_bytes_.fetch_sub(mapping.bytes, std::memory_order_relaxed);
    if (mapping.locked) arena_.pinned_bytes_.fetch_sub(mapping.bytes, std::memory_order_relaxed);
  }

  // Locks per the pinning mode. False only when pinning is required and refused (after reporting).
  bool lock(Mapping& mapping, bool at_start) {
    if (arena_.pinning_ == Pinning::off) return true;
    // The raw system call: sanitizer runtimes intercept mlock() and turn it into a no-op.
    if (syscall(SYS_mlock, mapping.base, mapping.bytes) == 0) {
      mapping.locked = true;
      arena_.pinned_bytes_.fetch_add(mapping.bytes, std::memory_order_relaxed);
      return true;
    }
    const std::string advice = pinning_advice(mapping.bytes, errno, arena_.pinned_bytes());
    if (arena_.pinning_ == Pinning::required) {
      if (at_start) throw std::runtime_error("p9tmpfs: " + advice);
      spdlog::error("p9tmpfs: {} (pinning is required: allocation refused)", advice);
      return false;
    }
    static std::once_flag warned;  // one warning per process, however many arenas and chunks
    std::call_once(warned, [&] { spdlog::warn("p9tmpfs: {}; running with metadata unpinned", advice); });
    return true;
  }

  PinnedArena& arena_;
  const std::size_t chunk_bytes_;
  std::array<SizeClass, kClasses> classes_;

  std::mutex chunk_mutex_;  // guards chunks_, large_ and the chunk cursor
  std::byte* chunk_cursor_ = nullptr;
  std::byte* chunk_end_ = nullptr;
  std::vector<Mapping> chunks_;
  std::unordered_map<std::byte*, Mapping> large_;  // also to unmap blocks never freed
};

PinnedArena::PinnedArena(Pinning pinning, std::size_t chunk_bytes)
    : pinning_(pinning), impl_(std::make_unique<Impl>(*this, chunk_bytes)) {
  impl_->reserve_first_chunk();
}

PinnedArena::~PinnedArena() = default;

std::size_t PinnedArena::block_size(std::size_t bytes, std::size_t alignment) noexcept {
  const std::size_t index = class_for(bytes, alignment);
  return index == kNoClass ? round_up(bytes, system_page_size()) : class_bytes(index);
}

void* PinnedArena::do_allocate(std::size_t bytes, std::size_t alignment) {
  const std::size_t index = class_for(bytes, alignment);
  return index == kNoClass ? impl_->allocate_large(bytes, alignment) : impl_->allocate_small(index, bytes);
}

void PinnedArena::do_deallocate(void* pointer, std::size_t bytes, std::size_t alignment) {
  const std::size_t index = class_for(bytes, alignment);
  if (index == kNoClass) {
    impl_->deallocate_large(pointer);
  } else {
    impl_->deallocate_small(pointer, index);
  }
}

bool PinnedArena::do_is_equal(const std::pmr::memory_resource& other) const noexcept {
  return this == &other;
}

}  // namespace p9
