#include "client/frame_reader.h"

#include <algorithm>
#include <cstring>

#include <asio/read.hpp>
#include <asio/redirect_error.hpp>
#include <asio/use_awaitable.hpp>

#include "client/error.h"
#include "proto/codec.h"

namespace p9::client {

asio::awaitable<void> FrameReader::fill(Socket& socket, std::size_t want, std::error_code& ec) {
  if (CHUNK - begin_ < want) {  // move the partial frame to the front to make room
    std::memmove(chunk_.data(), chunk_.data() + begin_, buffered());
    end_ -= begin_;
    begin_ = 0;
  }
  while (buffered() < want) {
    const std::size_t n = co_await socket.async_read_some(
        asio::buffer(chunk_.data() + end_, CHUNK - end_), asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      ec = Errc::connection_closed;
      co_return;
    }
    end_ += n;
  }
}

asio::awaitable<std::vector<std::byte>> FrameReader::next(Socket& socket, uint32_t msize,
                                                           std::error_code& ec) {
  ec.clear();
  co_await fill(socket, 4, ec);
  if (ec) co_return std::vector<std::byte>{};
  const FrameSize size = frame_size(std::span(chunk_).subspan(begin_, buffered()), msize);
  if (!size.ok()) {
    ec = Errc::protocol_error;
    co_return std::vector<std::byte>{};
  }
  std::vector<std::byte> frame(size.size);
  const std::size_t have = std::min<std::size_t>(size.size, buffered());
  std::memcpy(frame.data(), chunk_.data() + begin_, have);
  begin_ += have;
  if (begin_ == end_) begin_ = end_ = 0;
  if (have < frame.size()) {
    co_await asio::async_read(socket, asio::buffer(frame.data() + have, frame.size() - have),
                              asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      ec = Errc::connection_closed;
      co_return std::vector<std::byte>{};
    }
  }
  co_return frame;
}

}  // namespace p9::client
