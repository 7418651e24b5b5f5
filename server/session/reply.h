// What a handler answers, and the wire form the writer sends.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "proto/message.h"
#include "server/session/buffer.h"
#include "store/store.h"

namespace p9::server {

// An R-message plus the bytes its views point into (Rread/Rreaddir data, an Rreadlink target, an
// Rgetlock client_id). Buffer moves keep their bytes in place, so the views survive moving the Reply.
//
// An Rread may come with `file`, where its data still is: then `storage` has the data's size but not
// its bytes yet, and the writer sends from the file, copying into `storage` only what the socket
// does not take at once (ReplyWriter::push_file).
struct Reply {
  Message msg = Rlerror{};
  Buffer storage;
  std::optional<store::FileView> file = std::nullopt;
};

inline Reply error_reply(int errno_value) {
  return Reply{Rlerror{static_cast<uint32_t>(errno_value)}, {}};
}

// `ok` when err is 0, else Rlerror(err): for handlers whose success reply carries nothing.
inline Reply ok_or_error(int err, Message ok) {
  return err == 0 ? Reply{std::move(ok), {}} : error_reply(err);
}

// Copies text into reply.storage and returns a view of the copy.
std::string_view keep_text(Reply& reply, BufferPool& pool, std::string_view text);

// One encoded reply waiting for the writer: the head (everything but the trailing payload) and the
// payload, still in the buffer the store read it into, so Rread data is never copied again.
struct OutFrame {
  Buffer head;
  Buffer payload_owner;
  std::span<const std::byte> payload;  // into payload_owner
  uint64_t charge = 0;  // flow-control bytes released when the frame has been written
};

// Encodes reply under tag. A reply bigger than msize (e.g. a long symlink target with a small
// msize) would be refused by the client; it is answered Rlerror(EMSGSIZE) instead.
OutFrame encode_reply(uint16_t tag, Reply reply, uint32_t msize, BufferPool& pool);

}  // namespace p9::server
