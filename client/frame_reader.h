// Splits the byte stream from the server into whole frames. Reads in large chunks so that one
// syscall usually yields several small replies; a large frame (Rread) whose head is in the chunk
// gets its own buffer and the rest is read straight into it, so payloads are copied at most once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <system_error>
#include <vector>

#include <asio/awaitable.hpp>
#include <asio/generic/stream_protocol.hpp>

namespace p9::client {

using Socket = asio::generic::stream_protocol::socket;

class FrameReader {
 public:
  // The next whole frame (size[4] included). On failure returns an empty vector and sets ec:
  // Errc::connection_closed when the stream ended or failed, Errc::protocol_error when the size
  // field is impossible (below the header size or above msize).
  asio::awaitable<std::vector<std::byte>> next(Socket& socket, uint32_t msize, std::error_code& ec);

 private:
  static constexpr std::size_t CHUNK = 64 * 1024;

  std::size_t buffered() const noexcept { return end_ - begin_; }
  // Reads at least `want` buffered bytes (want <= CHUNK).
  asio::awaitable<void> fill(Socket& socket, std::size_t want, std::error_code& ec);

  std::vector<std::byte> chunk_ = std::vector<std::byte>(CHUNK);
  std::size_t begin_ = 0;
  std::size_t end_ = 0;
};

}  // namespace p9::client
