#include "store/memory/body.h"

#include <sys/mman.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>
#include <new>
#include <utility>

namespace p9 {

namespace {

// Calls fn(first_page, page_count) for each run of consecutive set bits in `mask`.
template <typename Fn>
void for_each_run(std::uint64_t mask, Fn fn) {
  while (mask != 0) {
    const int first = std::countr_zero(mask);
    const int count = std::countr_one(mask >> first);
    fn(static_cast<std::size_t>(first), static_cast<std::size_t>(count));
    mask = count + first >= 64 ? 0 : mask & (~std::uint64_t{0} << (first + count));
  }
}

}  // namespace

Body::Body(const BodyStorage& storage) : storage_(&storage), index_(storage.index_memory) {}

Body::Body(Body&& other) noexcept
    : storage_(other.storage_),
      index_(std::move(other.index_)),
      size_(std::exchange(other.size_, 0)),
      allocated_pages_(std::exchange(other.allocated_pages_, 0)) {
  other.index_.clear();  // the blocks belong to this body now
}

Body::~Body() {
  for (auto block = index_.begin(); block != index_.end();) block = release_block(block);
}

std::uint64_t Body::block_start(std::uint64_t offset) const noexcept {
  const std::uint64_t unit = offset < extent_bytes() ? page_size() : extent_bytes();
  return offset - offset % unit;
}

std::uint64_t Body::block_bytes(std::uint64_t start) const noexcept {
  return start < extent_bytes() ? page_size() : extent_bytes();
}

SegmentPool::BlockKind Body::block_kind(std::uint64_t start) const noexcept {
  return start < extent_bytes() ? SegmentPool::BlockKind::page : SegmentPool::BlockKind::extent;
}

// The pages of the block at `start` that overlap [begin, end) (which must overlap the block).
std::uint64_t Body::page_mask(std::uint64_t start, std::uint64_t begin, std::uint64_t end) const noexcept {
  const std::uint64_t first = (std::max(begin, start) - start) / page_size();
  const std::uint64_t last = (std::min(end, start + block_bytes(start)) - 1 - start) / page_size();
  return (~std::uint64_t{0} >> (63 - last)) & (~std::uint64_t{0} << first);
}

std::uint64_t Body::pages_missing(std::uint64_t begin, std::uint64_t end) const {
  std::uint64_t missing = 0;
  for (std::uint64_t start = block_start(begin); start < end; start += block_bytes(start)) {
    const auto block = index_.find(start);
    const std::uint64_t have = block == index_.end() ? 0 : block->second.pages;
    missing += static_cast<std::uint64_t>(std::popcount(page_mask(start, begin, end) & ~have));
  }
  return missing;
}

// Marks every page of [begin, end) as holding data, adding blocks as needed; `charged` pages have
// been charged for this. On failure the pages marked so far stay (they read as zeros, so the file's
// contents do not change) and the charge for the others is refunded.
int Body::allocate_pages(std::uint64_t begin, std::uint64_t end, std::uint64_t charged) {
  std::uint64_t marked = 0;
  int error = 0;
  try {
    for (std::uint64_t start = block_start(begin); start < end; start += block_bytes(start)) {
      auto [block, added] = index_.try_emplace(start, Block{nullptr, 0});
      if (added) {
        block->second.data = storage_->pool.allocate(block_kind(start));
        if (block->second.data == nullptr) {
          index_.erase(block);
          error = ENOMEM;
          break;
        }
      }
      const std::uint64_t fresh = page_mask(start, begin, end) & ~block->second.pages;
      block->second.pages |= fresh;
      marked += static_cast<std::uint64_t>(std::popcount(fresh));
    }
  } catch (const std::bad_alloc&) {
    error = ENOMEM;
  }
  count_pages(marked, 0);
  if (marked != charged) storage_->space.release((charged - marked) * page_size());
  return error;
}

int Body::write(std::uint64_t offset, std::span<const std::byte> in) {
  if (in.empty()) return 0;
  if (offset > storage_->max_file_size || in.size() > storage_->max_file_size - offset) return EFBIG;
  const std::uint64_t end = offset + in.size();
  const std::uint64_t missing = pages_missing(offset, end);
  if (missing != 0 && !storage_->space.try_charge(missing * page_size())) return ENOSPC;
  if (const int error = allocate_pages(offset, end, missing); error != 0) return error;

  // Every block of the range exists now, so they follow each other in the index.
  auto block = index_.find(block_start(offset));
  for (std::uint64_t position = offset; position < end; ++block) {
    const std::uint64_t block_end = std::min(end, block->first + block_bytes(block->first));
    std::memcpy(block->second.data + (position - block->first), in.data() + (position - offset),
                block_end - position);
    position = block_end;
  }
  size_ = std::max(size_, end);
  return 0;
}

// Each run of consecutive pages that all hold data, or all hold none, is one piece.
template <typename Piece>
void Body::for_each_piece(std::uint64_t offset, std::uint64_t end, Piece piece) const {
  std::uint64_t position = offset;
  for (auto block = index_.lower_bound(block_start(offset)); block != index_.end() && block->first < end;
       ++block) {
    const std::uint64_t start = block->first;
    const std::uint64_t pages = block->second.pages;
    if (position < start) piece(nullptr, start - position);  // a hole
    position = std::max(position, start);
    const std::uint64_t block_end = std::min(end, start + block_bytes(start));
    const auto has_data = [&](std::uint64_t at) { return (pages >> ((at - start) / page_size()) & 1) != 0; };
    while (position < block_end) {
      const bool data = has_data(position);
      std::uint64_t run_end = std::min(block_end, start + ((position - start) / page_size() + 1) * page_size());
      while (run_end < block_end && has_data(run_end) == data) run_end = std::min(block_end, run_end + page_size());
      piece(data ? block->second.data + (position - start) : nullptr, static_cast<std::size_t>(run_end - position));
      position = run_end;
    }
  }
  if (position < end) piece(nullptr, static_cast<std::size_t>(end - position));
}

std::size_t Body::read(std::uint64_t offset, std::span<std::byte> out) const {
  if (offset >= size_) return 0;
  const std::uint64_t length = std::min<std::uint64_t>(out.size(), size_ - offset);
  std::byte* to = out.data();
  for_each_piece(offset, offset + length, [&](const std::byte* from, std::size_t n) {
    if (from != nullptr) {
      std::memcpy(to, from, n);
    } else {
      std::memset(to, 0, n);
    }
    to += n;
  });
  return static_cast<std::size_t>(length);
}

std::size_t Body::view(std::uint64_t offset, std::size_t length,
                       std::vector<std::span<const std::byte>>& out) const {
  // Where holes are sent from (never written).
  alignas(4096) static constexpr std::array<std::byte, 64 * 1024> zeros{};
  if (offset >= size_) return 0;
  const std::uint64_t bytes = std::min<std::uint64_t>(length, size_ - offset);
  for_each_piece(offset, offset + bytes, [&](const std::byte* from, std::size_t n) {
    if (from != nullptr) {
      out.emplace_back(from, n);
      return;
    }
    for (std::size_t piece = 0; n > 0; n -= piece) {
      piece = std::min(n, zeros.size());
      out.emplace_back(zeros.data(), piece);
    }
  });
  return static_cast<std::size_t>(bytes);
}

int Body::truncate(std::uint64_t new_size) {
  if (new_size > storage_->max_file_size) return EFBIG;
  if (new_size < size_) shrink(new_size);
  size_ = new_size;
  return 0;
}

// Frees what lies past `new_size` and zeroes the rest of its page, keeping the invariant that bytes
// past size() are zero.
void Body::shrink(std::uint64_t new_size) noexcept {
  for (auto block = index_.lower_bound(new_size); block != index_.end();) block = release_block(block);
  if (new_size == 0) return;

  const std::uint64_t start = block_start(new_size - 1);  // the block holding the last byte kept
  const auto block = index_.find(start);
  if (block == index_.end()) return;
  const std::uint64_t kept = new_size - start;
  const std::uint64_t kept_pages = (kept + page_size() - 1) / page_size();
  const std::uint64_t past = kept_pages >= 64 ? 0 : block->second.pages & (~std::uint64_t{0} << kept_pages);
  discard_pages(block->second, past);
  if (block->second.pages == 0) {
    release_block(block);
    return;
  }
  const std::uint64_t last_page = kept_pages - 1;
  if (kept % page_size() != 0 && (block->second.pages >> last_page & 1) != 0) {
    std::memset(block->second.data + kept, 0, kept_pages * page_size() - kept);
  }
}

void Body::discard_pages(Block& block, std::uint64_t mask) noexcept {
  for_each_run(mask, [&](std::size_t first, std::size_t count) {
    storage_->pool.discard(block.data + first * page_size(), count * page_size());
  });
  block.pages &= ~mask;
  const auto pages = static_cast<std::uint64_t>(std::popcount(mask));
  count_pages(0, pages);
  storage_->space.release(pages * page_size());
}

Body::Index::iterator Body::release_block(Index::iterator block) noexcept {
  storage_->pool.release(block->second.data, block_kind(block->first));
  const auto pages = static_cast<std::uint64_t>(std::popcount(block->second.pages));
  count_pages(0, pages);
  storage_->space.release(pages * page_size());
  return index_.erase(block);
}

std::uint64_t Body::resident_bytes() const {
  std::uint64_t pages = 0;
  std::array<unsigned char, SegmentPool::kPagesPerExtent> in_core{};
  for (const auto& [start, block] : index_) {
    if (mincore(block.data, block_bytes(start), in_core.data()) != 0) continue;
    for_each_run(block.pages, [&](std::size_t first, std::size_t count) {
      for (std::size_t page = first; page < first + count; ++page) pages += in_core[page] & 1;
    });
  }
  return pages * page_size();
}

void Body::paged_out(std::uint64_t offset, std::uint64_t length, std::vector<PageRun>& out) const {
  const std::uint64_t end = offset + std::min(length, ~std::uint64_t{0} - offset);  // no wrap-around
  if (end == offset) return;
  std::array<unsigned char, SegmentPool::kPagesPerExtent> in_core{};
  for (auto block = index_.lower_bound(block_start(offset)); block != index_.end() && block->first < end;
       ++block) {
    const std::uint64_t wanted = page_mask(block->first, offset, end) & block->second.pages;
    if (wanted == 0) continue;
    // mincore only the pages from the first to the last wanted one: a short read asks about a few.
    const auto first = static_cast<std::size_t>(std::countr_zero(wanted));
    const auto count = static_cast<std::size_t>(64 - std::countl_zero(wanted)) - first;
    std::byte* base = block->second.data + first * page_size();
    if (mincore(base, count * page_size(), in_core.data()) != 0) continue;
    std::uint64_t missing = 0;
    for (std::size_t page = 0; page < count; ++page)
      if ((in_core[page] & 1) == 0) missing |= std::uint64_t{1} << (first + page);
    for_each_run(wanted & missing, [&](std::size_t run, std::size_t pages) {
      out.push_back(PageRun{block->second.data + run * page_size(), pages * page_size()});
    });
  }
}

void Body::count_pages(std::uint64_t added, std::uint64_t removed) noexcept {
  allocated_pages_ = allocated_pages_ + added - removed;
  storage_->data_bytes.fetch_add((added - removed) * page_size(), std::memory_order_relaxed);
}

}  // namespace p9
