#include "server/transport.h"

namespace p9::server {

Transport::Transport(const asio::any_io_executor& ex, int fd, std::string peer)
    : in_(ex, fd), peer_(std::move(peer)) {}

Transport::Transport(const asio::any_io_executor& ex, int in_fd, int out_fd, std::string peer)
    : in_(ex, in_fd), out_(std::in_place, ex, out_fd), peer_(std::move(peer)) {}

void Transport::close() {
  asio::error_code ignored;
  in_.close(ignored);
  if (out_) out_->close(ignored);
}

}  // namespace p9::server
