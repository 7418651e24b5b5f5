// Listen addresses as the operator writes them (--listen, `listen = [...]`).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace p9::server {

struct Address {
  enum class Kind { tcp, unix_socket, fd, fd_pair, stdio, systemd };
  Kind kind = Kind::tcp;
  std::string host;  // tcp: name or address, without brackets
  uint16_t port = 0;
  std::string path;  // unix_socket
  int fd = -1;  // fd, fd_pair (input)
  int out_fd = -1;  // fd_pair (output)
};

// tcp:HOST:PORT, tcp:[V6]:PORT, unix:PATH, fd:N, fd:R,W, stdio, systemd.
// Throws std::runtime_error saying what is wrong with `text`.
Address parse_address(std::string_view text);

}  // namespace p9::server
