// The one writer of a connection: sends replies in the order they were queued (their completion
// order), everything queued at once in one gathered write, payloads straight from the buffers the
// store filled. Runs on the session's strand; push() may be called from any coroutine there.
#pragma once

#include <sys/uio.h>

#include <functional>
#include <memory>
#include <vector>

#include <asio/awaitable.hpp>
#include <asio/buffer.hpp>
#include <asio/posix/stream_descriptor.hpp>

#include "server/session/reply.h"

namespace p9::server {

class ReplyWriter : public std::enable_shared_from_this<ReplyWriter> {
 public:
  // on_done runs for every frame once written, or dropped after a write failed; on_failure once,
  // at the first failed write (the peer is gone or the descriptor was closed).
  ReplyWriter(asio::posix::stream_descriptor& output, std::function<void(OutFrame&)> on_done,
              std::function<void(const asio::error_code&)> on_failure);

  void push(OutFrame frame);
  // Sends a frame whose payload is still in the file (`file`, of frame.payload.size() bytes): when
  // nothing is queued before it, straight from the file with one non-blocking sendmsg, so that the
  // data is copied only by the kernel; whatever the socket does not take at once (or everything,
  // when replies are queued or the output is no socket) is copied into frame.payload_owner and
  // queued as push() does. The view, and the lock it holds, may go as soon as this returns.
  void push_file(OutFrame frame, const store::FileView& file);
  // Nothing queued and no write in progress.
  bool idle() const { return !writing_ && queue_.empty(); }
  // Whether push_file can send from the file at all (the output is a socket, not a pipe).
  bool sends_in_place() const { return is_socket_; }

 private:
  asio::awaitable<void> write_loop(std::shared_ptr<ReplyWriter> self);
  // Bytes of head + pieces that one non-blocking sendmsg took (0 when none, or on any error: the
  // queued write then meets the error again and reports it).
  std::size_t send_now(std::span<const std::byte> head, const std::vector<std::span<const std::byte>>& pieces);
  void finish(std::vector<OutFrame>& frames);

  asio::posix::stream_descriptor& output_;
  std::function<void(OutFrame&)> on_done_;
  std::function<void(const asio::error_code&)> on_failure_;
  std::vector<OutFrame> queue_;
  std::vector<OutFrame> batch_;  // being written
  std::vector<asio::const_buffer> gather_;
  std::vector<iovec> iov_;  // for send_now
  bool writing_ = false;
  bool failed_ = false;
  bool is_socket_ = false;
};

}  // namespace p9::server
