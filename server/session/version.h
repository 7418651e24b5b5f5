// Tversion negotiation (version(5) as 9P2000.L servers apply it).
#pragma once

#include <cstdint>
#include <string_view>

namespace p9::server {

struct VersionAnswer {
  bool accepted = false;  // false: the session stays unversioned
  uint32_t msize = 0;
  std::string_view version;  // "9P2000.L" or "unknown"
};

// The smallest msize a session can work with: every reply of bounded size fits (the largest is an
// Rwalk of 16 qids, 217 bytes). Below it the session could not even answer its own requests.
inline constexpr uint32_t MIN_MSIZE = 256;

// Accepts "9P2000.L" and extensions of it ("9P2000.L.xyz": version(5) lets the server answer the
// base version it speaks); anything else, or an msize below MIN_MSIZE, gets "unknown" and leaves the
// session unversioned. msize is the smaller of the client's and ours, never raised: a client offering
// less than Linux's 4096 minimum gets what it offered, and replies that would not fit are answered
// EMSGSIZE (reads and readdirs are clamped to fit).
VersionAnswer negotiate_version(uint32_t client_msize, std::string_view client_version,
                                uint32_t max_msize);

}  // namespace p9::server
