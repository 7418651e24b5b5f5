#include "server/session/reply_writer.h"

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
    : output_(output), on_done_(std::move(on_done)), on_failure_(std::move(on_failure)) {}

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
