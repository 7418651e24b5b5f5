// A connected byte stream to one 9P client: a socket (TCP or Unix, one descriptor for both
// directions) or a pipe pair (stdin/stdout, inherited fd:R,W), which needs two.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <asio/posix/stream_descriptor.hpp>

namespace p9::server {

class Transport {
 public:
  // Takes ownership of fd (a connected socket or a bidirectional descriptor).
  Transport(const asio::any_io_executor& ex, int fd, std::string peer);
  // Takes ownership of both; reads come from in_fd, writes go to out_fd.
  Transport(const asio::any_io_executor& ex, int in_fd, int out_fd, std::string peer);

  asio::posix::stream_descriptor& input() { return in_; }
  asio::posix::stream_descriptor& output() { return out_ ? *out_ : in_; }
  // "tcp:127.0.0.1:4711", "unix:/run/p9.sock", "fd:3" — for log lines.
  const std::string& peer() const { return peer_; }
  // Lets a socket take a whole reply of msize bytes in one write: with the kernel's default send
  // buffer a 1 MiB Rread went out in ~64 KiB pieces, each an epoll round trip and often a wake-up.
  // Never shrinks the buffer; does nothing for a pipe.
  void fit_send_buffer(uint32_t msize);
  // Cancels pending reads and writes and closes the descriptors; safe to call twice.
  void close();

 private:
  asio::posix::stream_descriptor in_;
  std::optional<asio::posix::stream_descriptor> out_;
  std::string peer_;
};

}  // namespace p9::server
