#include "server/transport.h"

#include <sys/socket.h>

#include <algorithm>
#include <limits>

namespace p9::server {

Transport::Transport(const asio::any_io_executor& ex, int fd, std::string peer)
    : in_(ex, fd), peer_(std::move(peer)) {}

Transport::Transport(const asio::any_io_executor& ex, int in_fd, int out_fd, std::string peer)
    : in_(ex, in_fd), out_(std::in_place, ex, out_fd), peer_(std::move(peer)) {}

void Transport::fit_send_buffer(uint32_t msize) {
  const int fd = output().native_handle();
  int current = 0;
  socklen_t length = sizeof current;
  if (getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &current, &length) != 0) return;
  // The kernel doubles what it is asked for (bookkeeping overhead) and reports the doubled size;
  // twice msize leaves room for the next reply while one is in flight.
  const int64_t wanted = 2 * int64_t{msize};
  if (current >= 2 * wanted) return;
  const int value = static_cast<int>(std::min<int64_t>(wanted, std::numeric_limits<int>::max() / 2));
  setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &value, sizeof value);
}

void Transport::close() {
  asio::error_code ignored;
  in_.close(ignored);
  if (out_) out_->close(ignored);
}

}  // namespace p9::server
