// The answers of p9null: for every request, at once, a plausible reply that touches no file system
// (Rwalk with one qid per name, Rread of `count` zero bytes, Rwrite of the whole count, Rreaddir
// from a listing packed once, ...). Kept apart from the socket code so the benchmark's floor is easy
// to read.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "proto/message.h"

namespace p9::bench {

// A directory of ".", ".." and `entries` files named as p9bench's readdir fixture names them, packed
// once: the Rreaddir for a cookie is a slice of it, so the floor sends the bytes a real server would
// send for that directory without doing any of its work.
class NullListing {
 public:
  explicit NullListing(uint64_t entries);
  // The whole entries from the one with this cookie on that fit in count bytes.
  std::span<const std::byte> read(uint64_t cookie, uint32_t count) const noexcept;

 private:
  std::vector<std::byte> packed_;
  std::vector<std::size_t> starts_;  // where each entry begins, then packed_.size()
};

// What backs the replies that carry data: zeros (at least max_msize - IOHDRSZ bytes of zeros) for
// Rread, the listing for every directory; max_msize caps what Tversion may agree to.
struct NullContent {
  std::span<const std::byte> zeros;
  const NullListing& listing;
  uint32_t max_msize;
};

// The reply to request.
Fcall null_reply(const Fcall& request, const NullContent& content);

}  // namespace p9::bench
