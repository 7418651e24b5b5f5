#include "server/session/reply.h"

#include <cerrno>
#include <cstring>

#include "proto/codec.h"

namespace p9::server {

std::string_view keep_text(Reply& reply, BufferPool& pool, std::string_view text) {
  reply.storage = pool.take(text.size());
  if (!text.empty()) std::memcpy(reply.storage.data(), text.data(), text.size());
  return {reinterpret_cast<const char*>(reply.storage.data()), text.size()};
}

OutFrame encode_reply(uint16_t tag, Reply reply, uint32_t msize, BufferPool& pool) {
  Fcall fcall{tag, std::move(reply.msg)};
  if (encoded_size(fcall) > msize && fcall.type() != MsgType::Rlerror) fcall.msg = Rlerror{EMSGSIZE};
  OutFrame out;
  out.payload = trailing_data(fcall);
  out.head = pool.take(encoded_size(fcall) - out.payload.size());
  if (encode_head(fcall, out.head.span()) == 0) {
    // A field over its wire width (a string > 64 KiB): only a store bug could produce it.
    fcall.msg = Rlerror{EIO};
    out.payload = {};
    pool.give(std::move(out.head));
    out.head = pool.take(encoded_size(fcall));
    encode_head(fcall, out.head.span());
  }
  if (out.payload.empty()) {
    pool.give(std::move(reply.storage));
  } else {
    out.payload_owner = std::move(reply.storage);
  }
  return out;
}

}  // namespace p9::server
