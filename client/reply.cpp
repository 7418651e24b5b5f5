#include "client/reply.h"

#include <utility>

namespace p9::client {

// frame_ is moved in before decoding so that the views land in the buffer this Reply owns.
Reply::Reply(std::vector<std::byte> frame, uint32_t msize)
    : frame_(std::move(frame)), result_(decode(frame_, msize, Direction::Reply)) {}

}  // namespace p9::client
