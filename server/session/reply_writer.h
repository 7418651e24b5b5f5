// The one writer of a connection: sends replies in the order they were queued (their completion
// order), everything queued at once in one gathered write, payloads straight from the buffers the
// store filled. Runs on the session's strand; push() may be called from any coroutine there.
#pragma once

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
  // Nothing queued and no write in progress.
  bool idle() const { return !writing_ && queue_.empty(); }

 private:
  asio::awaitable<void> write_loop(std::shared_ptr<ReplyWriter> self);
  void finish(std::vector<OutFrame>& frames);

  asio::posix::stream_descriptor& output_;
  std::function<void(OutFrame&)> on_done_;
  std::function<void(const asio::error_code&)> on_failure_;
  std::vector<OutFrame> queue_;
  std::vector<OutFrame> batch_;  // being written
  std::vector<asio::const_buffer> gather_;
  bool writing_ = false;
  bool failed_ = false;
};

}  // namespace p9::server
