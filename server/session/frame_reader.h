// Splits the incoming byte stream into whole 9P frames, each in a Buffer of its own (decoded
// strings and payloads are views into it, so the request that owns the buffer owns its bytes).
//
// Reads go into a chunk of 64 KiB (+ 512 B), so pipelined small requests cost one read(2) for many
// frames. A large frame (>= half a chunk) that fits in the chunk is not copied out of it: its missing
// bytes are read in place and the chunk itself becomes the frame's buffer, the bytes after the frame
// going to a fresh chunk. A stream of 64 KiB Twrites so reaches the store without any copy of its
// payload in the server (it was one memcpy of every frame, ~10 % of the server's CPU). A frame too
// big for a chunk gets its own buffer and the missing bytes are read straight into it: a 1 MiB
// Twrite is copied at most once from the chunk (the part that arrived with the header).
#pragma once

#include <cstdint>
#include <optional>
#include <variant>

#include <asio/awaitable.hpp>
#include <asio/cancellation_signal.hpp>
#include <asio/posix/stream_descriptor.hpp>

#include "proto/codec.h"
#include "server/session/buffer.h"

namespace p9::server {

struct ReadFailure {
  asio::error_code error;             // set for an I/O error or end of stream (asio::error::eof)
  std::optional<DecodeError> framing;  // set when the size field makes the stream unusable
};

class FrameReader {
 public:
  FrameReader(asio::posix::stream_descriptor& input, BufferPool& pool);

  // The next whole frame (size field <= msize), or why there is none.
  asio::awaitable<std::variant<Buffer, ReadFailure>> next(uint32_t msize);

  // Aborts a pending next() with operation_aborted, without touching writes on the same descriptor
  // (a socket is one descriptor for both directions: cancel() on it would cut a reply in half).
  void cancel() { cancel_.emit(asio::cancellation_type::total); }

 private:
  static constexpr std::size_t kChunkSize = 64 * 1024;
  // Frames at least this big are read in place (or into their own buffer), not copied out of the chunk.
  static constexpr std::size_t kDirectReadSize = kChunkSize / 2;

  asio::awaitable<asio::error_code> fill();
  asio::awaitable<asio::error_code> read_rest_in_place(std::size_t frame_size);
  // Hands out chunk_[0, frame_size) as the frame's buffer; chunk_ is a fresh one with the rest.
  Buffer take_chunk_as_frame(std::size_t frame_size);

  asio::posix::stream_descriptor& input_;
  BufferPool& pool_;
  Buffer chunk_;
  std::size_t begin_ = 0;  // unconsumed bytes are chunk_[begin_, end_)
  std::size_t end_ = 0;
  asio::cancellation_signal cancel_;
};

}  // namespace p9::server
