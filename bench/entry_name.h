// The names p9bench gives the files it creates, shared with p9null, whose listing must look like the
// readdir fixture's: the prefix, then the number in decimal, zero-padded to ENTRY_NAME_SIZE bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace p9::bench {

inline constexpr std::size_t ENTRY_NAME_SIZE = 16;  // the "16-byte name"
// The prefix of the readdir fixture's entries.
inline constexpr char LISTING_PREFIX = 'e';

inline void format_entry_name(char prefix, uint64_t number, std::span<char, ENTRY_NAME_SIZE> out) noexcept {
  out[0] = prefix;
  for (std::size_t i = ENTRY_NAME_SIZE - 1; i > 0; --i, number /= 10) out[i] = static_cast<char>('0' + number % 10);
}

}  // namespace p9::bench
