#include "server/session/reply_writer.h"

#include <sys/socket.h>

#include <climits>
#include <cstring>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/redirect_error.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>

#include "server/session/whole_transfer.h"

namespace p9::server {

ReplyWriter::ReplyWriter(asio::posix::stream_descriptor& output,
                         std::function<void(OutFrame&)> on_done,
                         std::function<void(const asio::error_code&)> on_failure)
    : output_(output), on_done_(std::move(on_done)), on_failure_(std::move(on_failure)) {
  int type = 0;
  socklen_t length = sizeof type;
  is_socket_ = ::getsockopt(output_.native_handle(), SOL_SOCKET, SO_TYPE, &type, &length) == 0;
}

void ReplyWriter::push(OutFrame frame) {
  if (failed_) {
    on_done_(frame);
    return;
  }
  queue_.push_back(std::move(frame));
  if (writing_) return;
  writing_ = true;
  asio::co_spawn(output_.get_executor(), write_loop(shared_from_this()), asio::detached);
}

void ReplyWriter::push_file(OutFrame frame, const store::FileView& file) {
  const std::size_t head = frame.head.size();
  const std::size_t sent = idle() && !failed_ ? send_now(frame.head.span(), file.pieces) : 0;
  if (sent == head + frame.payload.size()) {
    on_done_(frame);
    return;
  }
  // The rest goes into payload_owner at the same offsets as in the payload, then the usual way.
  const std::size_t payload_sent = sent > head ? sent - head : 0;
  file.copy_to(frame.payload_owner.data(), payload_sent);
  frame.payload = frame.payload.subspan(payload_sent);
  const std::size_t head_sent = std::min(sent, head);
  std::memmove(frame.head.data(), frame.head.data() + head_sent, head - head_sent);
  frame.head.resize(head - head_sent);
  push(std::move(frame));
}

std::size_t ReplyWriter::send_now(std::span<const std::byte> head,
                                  const std::vector<std::span<const std::byte>>& pieces) {
  if (!sends_in_place() || pieces.size() >= IOV_MAX) return 0;
  iov_.clear();
  iov_.push_back({const_cast<std::byte*>(head.data()), head.size()});
  for (const std::span<const std::byte> piece : pieces)
    iov_.push_back({const_cast<std::byte*>(piece.data()), piece.size()});
  msghdr message{};
  message.msg_iov = iov_.data();
  message.msg_iovlen = iov_.size();
  const ssize_t sent = ::sendmsg(output_.native_handle(), &message, MSG_DONTWAIT | MSG_NOSIGNAL);
  return sent > 0 ? static_cast<std::size_t>(sent) : 0;
}

void ReplyWriter::finish(std::vector<OutFrame>& frames) {
  for (OutFrame& f : frames) on_done_(f);
  frames.clear();
}

asio::awaitable<void> ReplyWriter::write_loop([[maybe_unused]] std::shared_ptr<ReplyWriter> self) {
  while (!queue_.empty()) {
    batch_.swap(queue_);
    gather_.clear();
    for (const OutFrame& f : batch_) {
      gather_.emplace_back(f.head.data(), f.head.size());
      if (!f.payload.empty()) gather_.emplace_back(f.payload.data(), f.payload.size());
    }
    asio::error_code ec;
    co_await asio::async_write(output_, gather_, whole_transfer,
                               asio::redirect_error(asio::use_awaitable, ec));
    finish(batch_);
    if (ec) {
      failed_ = true;
      finish(queue_);
      writing_ = false;
      on_failure_(ec);
      co_return;
    }
  }
  writing_ = false;
}

}  // namespace p9::server
