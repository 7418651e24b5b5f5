// Test helpers: frames as byte vectors.
#pragma once

#include <cstddef>
#include <ostream>
#include <string_view>
#include <vector>

#include "proto/codec.h"
#include "proto/print.h"

namespace p9::test {

// Hex digits to bytes; spaces separate fields for readability and are ignored.
inline std::vector<std::byte> from_hex(std::string_view hex) {
  auto nibble = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
  std::vector<std::byte> out;
  int high = -1;
  for (char c : hex) {
    if (c == ' ') continue;
    if (high < 0) {
      high = nibble(c);
    } else {
      out.push_back(static_cast<std::byte>(high << 4 | nibble(c)));
      high = -1;
    }
  }
  return out;
}

inline std::vector<std::byte> encode_to_vector(const Fcall& f) {
  std::vector<std::byte> out(encoded_size(f));
  out.resize(encode(f, out));
  return out;
}

inline std::span<const std::byte> as_bytes(std::string_view s) { return std::as_bytes(std::span(s)); }

}  // namespace p9::test

namespace p9 {
// GoogleTest prints an Fcall in failure messages as its trace line.
inline void PrintTo(const Fcall& f, std::ostream* os) { *os << to_string(f); }
}  // namespace p9
