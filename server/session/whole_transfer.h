// A completion condition for asio::async_read/async_write that asks for everything that is left in
// each read(2)/writev(2). Asio's default (transfer_all) caps every call at 64 KiB, so a 1 MiB Rread
// went out in 16 writev calls, each a trip through the scheduler and most an epoll_wait; a 1 MiB
// Twrite came in by 16 reads or more.
#pragma once

#include <cstddef>
#include <limits>
#include <system_error>

namespace p9::server {

inline constexpr auto whole_transfer = [](const std::error_code& ec, std::size_t) -> std::size_t {
  return ec ? 0 : std::numeric_limits<std::size_t>::max();
};

}  // namespace p9::server
