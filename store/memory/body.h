#pragma once
// The contents of one regular file: sparse, in pageable blocks from a SegmentPool.
//
// NOT internally synchronised: the file's node guards its Body with its AsyncSharedMutex (shared for
// the const members, exclusive for write/truncate). That lock suspends coroutines rather than blocking
// threads, so a copy that faults in a swapped-out page stalls only its own coroutine's thread.
//
// Layout: file offsets below one extent are held in page blocks, offsets from there on in extent
// blocks aligned to the extent size (see segment_pool.h). The block index (offset → block, plus a
// bitmap of the block's pages that hold data) is metadata and lives in `index_memory` (the pinned
// arena), so finding a block never touches pageable memory. Holes cost nothing and read as zeros.
//
// Space: the SpaceAccount is charged one page for every page that holds data (like tmpfs), and
// refunded when the page is freed; allocated_bytes() is that charge. Bytes past size() inside an
// allocated page are always zero, so extending a file (write past the end or truncate up) reads zeros.
//
// Paging: the kernel may swap any data page out. A caller that must not take a major fault on its
// own thread asks paged_out() (mincore, a syscall that never faults) for the pages of a range that
// are not in RAM, and has a Pager fault them in elsewhere before read() or write() copies.

#include <atomic>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory_resource>
#include <span>
#include <vector>

#include "store/memory/segment_pool.h"
#include "store/memory/space_account.h"

namespace p9 {

// What a store's bodies share; must outlive them.
struct BodyStorage {
  static constexpr std::uint64_t kMaxFileSize = 0x7fff'ffff'ffff'ffff;  // Linux MAX_LFS_FILESIZE

  SegmentPool& pool;
  SpaceAccount& space;
  std::pmr::memory_resource* index_memory;  // the pinned arena
  std::uint64_t max_file_size = kMaxFileSize;
  // allocated_bytes() of all bodies together (changed by const Body members through this const
  // struct, hence mutable), so that a store can tell its body bytes from xattr values in `space`.
  mutable std::atomic<std::uint64_t> data_bytes{0};
};

class Body {
 public:
  explicit Body(const BodyStorage& storage);
  Body(Body&& other) noexcept;
  Body(const Body&) = delete;
  Body& operator=(const Body&) = delete;
  Body& operator=(Body&&) = delete;
  // Frees every block and refunds its charge.
  ~Body();

  std::uint64_t size() const noexcept { return size_; }

  // Copies up to out.size() bytes from `offset`, stopping at size(); holes read as zeros. Returns the
  // bytes copied (0 at or past the end).
  std::size_t read(std::uint64_t offset, std::span<std::byte> out) const;

  // Appends to `out` where the bytes [offset, offset + length) are, stopping at size(), in order:
  // spans of block memory, and for holes (and pages without data) spans of a shared region of zeros,
  // so that they can be sent without copying them first. Returns the bytes covered (0 at or past the
  // end). The spans stay valid until the next write or truncate (the caller holds the node's lock).
  std::size_t view(std::uint64_t offset, std::size_t length,
                   std::vector<std::span<const std::byte>>& out) const;

  // Writes all of `in` at `offset`, extending size() if it ends past it. All or nothing: returns 0, or
  // EFBIG (would end past max_file_size), ENOSPC (the SpaceAccount refuses the new pages) or ENOMEM
  // (no block or index memory) with the contents and size unchanged. An empty write changes nothing.
  int write(std::uint64_t offset, std::span<const std::byte> in);

  // Sets size() to `new_size`: shrinking frees whole pages past the end (RSS drops) and zeroes the
  // rest of the last partial page; growing adds a hole. Returns 0 or EFBIG.
  int truncate(std::uint64_t new_size);

  // Bytes of pages holding data (what is charged to the SpaceAccount; st_blocks * 512).
  std::uint64_t allocated_bytes() const noexcept { return allocated_pages_ * page_size(); }
  // Bytes of those pages now in RAM (mincore), the rest being swapped out. Walks the whole index.
  std::uint64_t resident_bytes() const;

  // Appends to `out` the runs of data pages overlapping [offset, offset+length) that are not in RAM,
  // so that read() or write() of that range would take major faults; appends nothing when all are
  // resident. Touches only the (pinned) index and calls mincore: never faults itself.
  void paged_out(std::uint64_t offset, std::uint64_t length, std::vector<PageRun>& out) const;

 private:
  struct Block {
    std::byte* data;
    std::uint64_t pages;  // bit i: page i of the block holds data (charged, maybe resident)
  };
  using Index = std::pmr::map<std::uint64_t, Block>;  // key: file offset of the block's first byte

  std::size_t page_size() const noexcept { return storage_->pool.page_size(); }
  std::uint64_t extent_bytes() const noexcept {
    return storage_->pool.block_bytes(SegmentPool::BlockKind::extent);
  }
  std::uint64_t block_start(std::uint64_t offset) const noexcept;
  std::uint64_t block_bytes(std::uint64_t start) const noexcept;
  SegmentPool::BlockKind block_kind(std::uint64_t start) const noexcept;
  std::uint64_t page_mask(std::uint64_t start, std::uint64_t begin, std::uint64_t end) const noexcept;
  std::uint64_t pages_missing(std::uint64_t begin, std::uint64_t end) const;
  // Calls piece(data, n) for consecutive pieces of the bytes [offset, end) (end <= size()): data
  // points into a block, or is nullptr for n bytes that read as zeros.
  template <typename Piece>
  void for_each_piece(std::uint64_t offset, std::uint64_t end, Piece piece) const;
  int allocate_pages(std::uint64_t begin, std::uint64_t end, std::uint64_t charged);
  void count_pages(std::uint64_t added, std::uint64_t removed) noexcept;
  void shrink(std::uint64_t new_size) noexcept;
  void discard_pages(Block& block, std::uint64_t mask) noexcept;
  Index::iterator release_block(Index::iterator block) noexcept;

  const BodyStorage* storage_;
  Index index_;
  std::uint64_t size_ = 0;
  std::uint64_t allocated_pages_ = 0;
};

}  // namespace p9
