// The answers of p9null: for every request, at once, a plausible reply that touches no file system
// (Rwalk with one qid per name, Rread of `count` zero bytes, Rwrite of the whole count, empty
// Rreaddir, ...). Kept apart from the socket code so the benchmark's floor is easy to read.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "proto/message.h"

namespace p9::bench {

// The reply to request. zeros (at least max_msize - IOHDRSZ bytes of zeros) backs Rread's data;
// max_msize caps what Tversion may agree to.
Fcall null_reply(const Fcall& request, std::span<const std::byte> zeros, uint32_t max_msize);

}  // namespace p9::bench
