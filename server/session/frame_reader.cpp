#include "server/session/frame_reader.h"

#include <cstring>

#include <asio/bind_cancellation_slot.hpp>
#include <asio/read.hpp>
#include <asio/redirect_error.hpp>
#include <asio/use_awaitable.hpp>

#include "server/session/whole_transfer.h"

namespace p9::server {

FrameReader::FrameReader(asio::posix::stream_descriptor& input, BufferPool& pool)
    : input_(input), pool_(pool), chunk_(kChunkSize) {
  chunk_.resize(kChunkSize);
}

// Reads more bytes after end_, first moving the unconsumed tail to the front of the chunk.
asio::awaitable<asio::error_code> FrameReader::fill() {
  if (begin_ != 0) {
    std::memmove(chunk_.data(), chunk_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  asio::error_code ec;
  end_ += co_await input_.async_read_some(
      asio::buffer(chunk_.data() + end_, kChunkSize - end_),
      asio::bind_cancellation_slot(cancel_.slot(), asio::redirect_error(asio::use_awaitable, ec)));
  co_return ec;
}

asio::awaitable<std::variant<Buffer, ReadFailure>> FrameReader::next(uint32_t msize) {
  for (;;) {
    const std::size_t buffered = end_ - begin_;
    if (buffered >= 4) {
      const FrameSize fs = frame_size({chunk_.data() + begin_, buffered}, msize);
      if (!fs.ok()) co_return ReadFailure{{}, fs.error};
      if (fs.size <= buffered) {
        Buffer frame = pool_.take(fs.size);
        std::memcpy(frame.data(), chunk_.data() + begin_, fs.size);
        begin_ += fs.size;
        co_return frame;
      }
      if (fs.size >= kDirectReadSize) {
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

}  // namespace p9::server
