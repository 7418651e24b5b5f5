#include "bench/pattern.h"

#include <algorithm>
#include <cstring>

namespace p9::bench {
namespace {

constexpr std::size_t STAMP = sizeof(uint64_t);

}  // namespace

Pattern::Pattern() {
  // xorshift64: any fixed, non-zero, non-repeating bytes will do.
  uint64_t x = 0x9E3779B97F4A7C15;
  for (std::byte& b : template_) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    b = static_cast<std::byte>(x);
  }
}

std::byte Pattern::stamp_byte(uint64_t block, std::size_t i) noexcept {
  return static_cast<std::byte>(((block + 1) * 0x100000001B3ull) >> (8 * i));
}

template <class F>
void Pattern::for_each_block(uint64_t offset, std::size_t length, F f) {
  std::size_t done = 0;
  while (done < length) {
    const uint64_t at = offset + done;
    const std::size_t in_block = at % BLOCK;
    const std::size_t n = std::min(length - done, BLOCK - in_block);
    f(done, at, in_block, n);
    done += n;
  }
}

void Pattern::fill(std::span<std::byte> out, uint64_t offset) const noexcept {
  for_each_block(offset, out.size(), [&](std::size_t pos, uint64_t, std::size_t in_block, std::size_t n) {
    std::memcpy(out.data() + pos, template_.data() + in_block, n);
  });
  restamp(out, offset);
}

void Pattern::restamp(std::span<std::byte> out, uint64_t offset) const noexcept {
  for_each_block(offset, out.size(), [&](std::size_t pos, uint64_t at, std::size_t in_block, std::size_t n) {
    for (std::size_t i = in_block; i < STAMP && i < in_block + n; ++i)
      out[pos + i - in_block] = stamp_byte(at / BLOCK, i);
  });
}

bool Pattern::matches(std::span<const std::byte> in, uint64_t offset) const noexcept {
  bool ok = true;
  for_each_block(offset, in.size(), [&](std::size_t pos, uint64_t at, std::size_t in_block, std::size_t n) {
    // The stamp bytes differ from the template's, so compare them apart and the rest with memcmp.
    std::size_t i = in_block;
    for (; i < STAMP && i < in_block + n; ++i) ok &= in[pos + i - in_block] == stamp_byte(at / BLOCK, i);
    ok &= std::memcmp(in.data() + pos + (i - in_block), template_.data() + i, in_block + n - i) == 0;
  });
  return ok;
}

std::span<const std::byte> PatternBuffer::at(uint64_t offset) noexcept {
  const std::size_t phase = offset % Pattern::BLOCK;
  if (phase == phase_) {
    pattern_->restamp(bytes_, offset);
  } else {
    pattern_->fill(bytes_, offset);
    phase_ = phase;
  }
  return bytes_;
}

}  // namespace p9::bench
