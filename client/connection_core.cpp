#include "client/connection_core.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <utility>

#include <asio/bind_executor.hpp>
#include <asio/co_spawn.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/write.hpp>

#include "client/error.h"
#include "proto/codec.h"

namespace p9::client {
namespace {

int socket_domain(int fd) {
  int domain = 0;
  socklen_t len = sizeof domain;
  if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) != 0) {
    const int err = errno;
    ::close(fd);
    throw std::system_error(err, std::generic_category(), "not a socket");
  }
  return domain;
}

}  // namespace

ConnectionCore::ConnectionCore(asio::any_io_executor executor, int fd)
    : strand_(asio::make_strand(executor)), socket_(strand_) {
  const int domain = socket_domain(fd);
  std::error_code ec;
  socket_.assign(asio::generic::stream_protocol(domain, domain == AF_UNIX ? 0 : IPPROTO_TCP), fd, ec);
  if (ec) {
    ::close(fd);
    throw std::system_error(ec, "adopting a socket");
  }
  // 9P is request/response with small frames: Nagle's delay would add up to 40 ms per round trip.
  if (domain == AF_INET || domain == AF_INET6) socket_.set_option(asio::ip::tcp::no_delay(true));
}

void ConnectionCore::start() {
  auto self = shared_from_this();
  asio::co_spawn(strand_, read_replies(self), [self](std::exception_ptr e) {
    if (e) self->fail(Errc::connection_closed);  // e.g. bad_alloc: do not leave callers hanging
  });
}

// The unnamed parameter keeps this object alive for as long as the coroutine runs.
asio::awaitable<void> ConnectionCore::read_replies(std::shared_ptr<ConnectionCore>) {
  std::error_code ec;
  while (!failure_) {
    std::vector<std::byte> frame = co_await reader_.next(socket_, msize(), ec);
    if (ec) {
      fail(ec);
      co_return;
    }
    on_frame(std::move(frame));
  }
}

void ConnectionCore::on_frame(std::vector<std::byte> frame) {
  Reply reply(std::move(frame), msize());
  const DecodeResult& decoded = reply.decoded();
  if (!decoded.ok()) {
    // A well-delimited frame with a readable tag fails only the request it answers.
    if (is_fatal(decoded.error()) || !decoded.header()) return fail(Errc::protocol_error);
    return finish(decoded.header()->tag, Errc::protocol_error, Reply{});
  }
  if (const auto* version = std::get_if<Rversion>(&reply.fcall().msg)) {
    if (version->msize > msize()) return fail(Errc::protocol_error);  // more than we offered
    msize_.store(version->msize, std::memory_order_relaxed);
  }
  const uint16_t tag = reply.tag();
  finish(tag, {}, std::move(reply));
}

void ConnectionCore::submit(Message request, Completion<std::error_code, uint16_t> on_written) {
  if (failure_) return on_written.post(failure_, 0);
  const auto* version = std::get_if<Tversion>(&request);
  const std::optional<uint16_t> tag = version ? tags_.allocate_version() : tags_.allocate();
  if (!tag) return on_written.post(Errc::too_many_requests, 0);
  if (version) msize_.store(version->msize, std::memory_order_relaxed);  // frames Rversion

  const Fcall f{.tag = *tag, .msg = std::move(request)};
  std::error_code refused;
  if (encoded_size(f) > msize()) {
    refused = std::make_error_code(std::errc::message_size);
  } else if (!send_queue_.push(f)) {
    refused = std::make_error_code(std::errc::invalid_argument);  // a string over 65535 bytes
  }
  if (refused) {
    tags_.release(*tag);
    return on_written.post(refused, 0);
  }

  PendingRequest& pending = tags_[*tag];
  pending.type = f.type();
  pending.on_written = std::move(on_written);
  if (const auto* flush = std::get_if<Tflush>(&f.msg); flush && tags_.in_use(flush->oldtag)) {
    ++tags_[flush->oldtag].flushes;
    tags_[*tag].flush_target = flush->oldtag;
  }
  write_queued();
}

void ConnectionCore::write_queued() {
  if (failure_ || send_queue_.writing() || !send_queue_.has_queued()) return;
  const auto& buffers = send_queue_.start_batch();
  for (const uint16_t tag : send_queue_.batch_tags()) tags_[tag].stage = PendingRequest::Stage::Writing;
  asio::async_write(socket_, buffers,
                    asio::bind_executor(strand_, [self = shared_from_this()](std::error_code ec, std::size_t) {
                      self->on_written(ec);
                    }));
}

void ConnectionCore::on_written(std::error_code ec) {
  if (ec) fail(Errc::connection_closed);
  for (const uint16_t tag : send_queue_.batch_tags()) {
    PendingRequest& pending = tags_[tag];
    if (failure_) {
      // fail() left these alone: the socket still read their payloads. The sender never got a tag.
      pending.on_written.post(failure_, 0);
      tags_.release(tag);
      continue;
    }
    pending.stage = PendingRequest::Stage::Written;
    pending.on_written.post({}, tag);
    release_if_done(tag);  // a reply may have overtaken the write's completion
  }
  send_queue_.finish_batch();
  write_queued();
}

void ConnectionCore::collect(uint16_t tag, Completion<std::error_code, Reply> on_reply) {
  PendingRequest& pending = tags_[tag];
  if (!pending.answered) {
    pending.on_reply = std::move(on_reply);
    return;
  }
  pending.collected = true;
  on_reply.post(pending.error, std::move(pending.reply));
  release_if_done(tag);
}

void ConnectionCore::abandon(uint16_t tag) {
  tags_[tag].collected = true;
  release_if_done(tag);
}

void ConnectionCore::finish(uint16_t tag, std::error_code ec, Reply reply) {
  // A reply must answer a request the server has seen and not answered yet.
  if (!tags_.in_use(tag) || tags_[tag].answered || tags_[tag].stage == PendingRequest::Stage::Queued)
    return fail(Errc::protocol_error);
  const uint16_t flushed = tags_[tag].flush_target;
  answer(tag, ec, std::move(reply));
  if (flushed == NOTAG || !tags_.in_use(flushed)) return;
  // Rflush (or any answer to a Tflush): the flushed request is either answered already or never
  // will be. Only now may its tag be reused.
  --tags_[flushed].flushes;
  if (!tags_[flushed].answered)
    answer(flushed, Errc::flushed, Reply{});
  else
    release_if_done(flushed);
}

void ConnectionCore::answer(uint16_t tag, std::error_code ec, Reply reply) {
  PendingRequest& pending = tags_[tag];
  pending.answered = true;
  if (pending.on_reply) {
    pending.collected = true;
    pending.on_reply.post(ec, std::move(reply));
  } else {
    pending.error = ec;
    pending.reply = std::move(reply);
  }
  release_if_done(tag);
}

void ConnectionCore::release_if_done(uint16_t tag) {
  const PendingRequest& p = tags_[tag];
  if (p.answered && p.collected && p.flushes == 0 && p.stage == PendingRequest::Stage::Written)
    tags_.release(tag);
}

void ConnectionCore::fail(std::error_code why) {
  if (failure_) return;
  failure_ = why;
  std::error_code ignored;
  socket_.close(ignored);  // completes the pending read and write with errors
  for (const uint16_t tag : send_queue_.queued_tags()) {
    tags_[tag].on_written.post(failure_, 0);
    tags_.release(tag);
  }
  send_queue_.drop_queued();
  tags_.for_each_in_use([this](uint16_t tag) {
    const PendingRequest& p = tags_[tag];
    if (p.stage == PendingRequest::Stage::Written && !p.answered) answer(tag, failure_, Reply{});
  });
}

}  // namespace p9::client
