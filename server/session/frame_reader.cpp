#include "server/session/frame_reader.h"

#include <cstring>
#include <utility>

#include <asio/bind_cancellation_slot.hpp>
#include <asio/read.hpp>
#include <asio/redirect_error.hpp>
#include <asio/use_awaitable.hpp>

#include "server/session/whole_transfer.h"

namespace p9::server {

FrameReader::FrameReader(asio::posix::stream_descriptor& input, BufferPool& pool)
    : input_(input), pool_(pool), chunk_(pool.take(kChunkSize)) {}

// Reads more bytes after end_, first moving the unconsumed tail to the front of the chunk.
asio::awaitable<asio::error_code> FrameReader::fill() {
  if (begin_ != 0) {
    std::memmove(chunk_.data(), chunk_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  asio::error_code ec;
  end_ += co_await input_.async_read_some(
      asio::buffer(chunk_.data() + end_, chunk_.capacity() - end_),
      asio::bind_cancellation_slot(cancel_.slot(), asio::redirect_error(asio::use_awaitable, ec)));
  co_return ec;
}

asio::awaitable<std::variant<Buffer, ReadFailure>> FrameReader::next(uint32_t msize) {
  for (;;) {
    const std::size_t buffered = end_ - begin_;
    if (buffered >= 4) {
      const FrameSize fs = frame_size({chunk_.data() + begin_, buffered}, msize);
      if (!fs.ok()) co_return ReadFailure{{}, fs.error};
      if (fs.size >= kDirectReadSize && fs.size <= chunk_.capacity() && (begin_ == 0 || fs.size > buffered)) {
        // Becomes the frame in place; the bytes after it start the next chunk.
        if (const asio::error_code ec = co_await read_rest_in_place(fs.size)) co_return ReadFailure{ec, {}};
        co_return take_chunk_as_frame(fs.size);
      }
      if (fs.size <= buffered) {
        Buffer frame = pool_.take(fs.size);
        std::memcpy(frame.data(), chunk_.data() + begin_, fs.size);
        begin_ += fs.size;
        co_return frame;
      }
      if (fs.size > chunk_.capacity()) {
        Buffer frame = pool_.take(fs.size);
        std::memcpy(frame.data(), chunk_.data() + begin_, buffered);
        begin_ = end_ = 0;
        asio::error_code ec;
        co_await asio::async_read(
            input_, asio::buffer(frame.data() + buffered, fs.size - buffered), whole_transfer,
            asio::bind_cancellation_slot(cancel_.slot(),
                                         asio::redirect_error(asio::use_awaitable, ec)));
        if (ec) co_return ReadFailure{ec, {}};
        co_return frame;
      }
    }
    if (const asio::error_code ec = co_await fill()) co_return ReadFailure{ec, {}};
  }
}

// Moves the frame's first bytes to the front of the chunk (if they are not there) and reads exactly
// what is missing of it behind them.
asio::awaitable<asio::error_code> FrameReader::read_rest_in_place(std::size_t frame_size) {
  if (begin_ != 0) {
    std::memmove(chunk_.data(), chunk_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  asio::error_code ec;
  if (end_ < frame_size) {
    end_ += co_await asio::async_read(
        input_, asio::buffer(chunk_.data() + end_, frame_size - end_), whole_transfer,
        asio::bind_cancellation_slot(cancel_.slot(), asio::redirect_error(asio::use_awaitable, ec)));
  }
  co_return ec;
}

Buffer FrameReader::take_chunk_as_frame(std::size_t frame_size) {
  Buffer frame = std::exchange(chunk_, pool_.take(kChunkSize));
  const std::size_t rest = end_ - frame_size;
  std::memcpy(chunk_.data(), frame.data() + frame_size, rest);
  begin_ = 0;
  end_ = rest;
  frame.resize(frame_size);
  return frame;
}

}  // namespace p9::server
