// The bytes p9bench writes and expects to read back. Every 4 KiB block of a file starts with its own
// block number (so data read from the wrong offset is caught) followed by a fixed pseudo-random
// template (so zeros, stale or corrupted bytes are caught). Checking costs one memcmp per block
// against a template that stays in L1, and filling a buffer for the same alignment again only
// restamps the block numbers.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace p9::bench {

class Pattern {
 public:
  static constexpr std::size_t BLOCK = 4096;

  Pattern();

  // Writes the pattern for file bytes [offset, offset + out.size()) into out.
  void fill(std::span<std::byte> out, uint64_t offset) const noexcept;
  // Rewrites only the block stamps: enough when out holds the pattern for an offset with the same
  // remainder modulo BLOCK.
  void restamp(std::span<std::byte> out, uint64_t offset) const noexcept;
  // True when in holds exactly the pattern for file bytes [offset, offset + in.size()).
  bool matches(std::span<const std::byte> in, uint64_t offset) const noexcept;

 private:
  // Calls f(position in the buffer, file offset, offset within its block, length) for each piece of
  // file bytes [offset, offset + length) that lies inside one block.
  template <class F>
  static void for_each_block(uint64_t offset, std::size_t length, F f);
  // Byte i (0..7) of block `block`'s stamp.
  static std::byte stamp_byte(uint64_t block, std::size_t i) noexcept;

  std::array<std::byte, BLOCK> template_{};
};

// A write buffer that keeps its pattern between uses: refilled in full only when the alignment
// within a block changes (for block-aligned I/O: never), otherwise only the block stamps change.
class PatternBuffer {
 public:
  PatternBuffer(const Pattern& pattern, std::size_t size) : pattern_(&pattern), bytes_(size) {}

  // The pattern for file bytes [offset, offset + size); valid until the next call.
  std::span<const std::byte> at(uint64_t offset) noexcept;

 private:
  const Pattern* pattern_;
  std::vector<std::byte> bytes_;
  std::size_t phase_ = SIZE_MAX;  // offset % BLOCK of the current contents
};

}  // namespace p9::bench
