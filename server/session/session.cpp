#include "server/session/session.h"

#include <chrono>
#include <deque>
#include <exception>
#include <system_error>
#include <variant>

#include <asio/bind_cancellation_slot.hpp>
#include <asio/co_spawn.hpp>
#include <asio/post.hpp>
#include <spdlog/spdlog.h>

#include "proto/print.h"
#include "server/session/handlers.h"
#include "server/session/version.h"

namespace p9::server {

namespace {

// Flow-control bytes charged for a reply's head on top of its payload.
constexpr uint64_t kReplyHeadCharge = 256;

// Bytes a request pins until its reply is written: its frame, and the payload its reply may carry.
uint64_t charge_for(const Fcall& fcall, std::size_t frame_bytes, const SessionState& s) {
  uint64_t payload = 0;
  if (const auto* r = std::get_if<Tread>(&fcall.msg)) payload = s.io_limit(r->count);
  if (const auto* d = std::get_if<Treaddir>(&fcall.msg)) payload = s.io_limit(d->count);
  return frame_bytes + kReplyHeadCharge + payload;
}

}  // namespace

Session::Session(Transport transport, ServerContext& ctx)
    : transport_(std::move(transport)),
      ctx_(ctx),
      strand_(transport_.input().get_executor()),
      state_(ctx, transport_.peer(), strand_),
      reader_(transport_.input(), state_.pool),
      writer_(std::make_shared<ReplyWriter>(
          transport_.output(), [this](OutFrame& f) { reply_sent(f); },
          [this](const asio::error_code& ec) { write_failed(ec); })),
      grace_timer_(strand_) {
  state_.writer = writer_.get();
}

asio::awaitable<void> Session::run() {
  auto self = shared_from_this();
  std::exception_ptr failure;
  try {
    co_await read_requests();
  } catch (...) {
    failure = std::current_exception();
  }
  co_await shut_down();
  if (failure) std::rethrow_exception(failure);
}

void Session::stop() {
  asio::post(strand_, [self = shared_from_this()] {
    if (self->stopping_) return;
    self->stopping_ = true;
    self->closing_ = true;
    self->reader_.cancel();
    self->state_.progress.notify_all();
  });
}

uint32_t Session::frame_limit() const {
  return state_.msize != 0 ? state_.msize : ctx_.options.max_msize;
}

asio::awaitable<void> Session::read_requests() {
  while (!closing_) {
    if (state_.flow.saturated()) {
      co_await state_.progress.wait();
      continue;
    }
    auto next = co_await reader_.next(frame_limit());
    if (const auto* failure = std::get_if<ReadFailure>(&next)) {
      if (failure->framing) {
        spdlog::warn("{}: closing the connection: {}", peer(), describe(*failure->framing));
        close_now();
      } else if (failure->error != asio::error::eof && !closing_) {
        spdlog::debug("{}: read failed: {}", peer(), failure->error.message());
      }
      break;
    }
    co_await on_frame(std::move(std::get<Buffer>(next)));
  }
}

asio::awaitable<void> Session::on_frame(Buffer frame) {
  const auto start = std::chrono::steady_clock::now();
  DecodeResult decoded = decode(frame.span(), frame_limit(), Direction::Request);
  if (!decoded) {
    const DecodeError e = decoded.error();
    if (is_fatal(e) || !decoded.header()) {
      spdlog::warn("{}: closing the connection: {}", peer(), describe(e));
      close_now();
      co_return;
    }
    const Received received{decoded.header()->type, decoded.header()->tag,
                            frame.size() + kReplyHeadCharge, start};
    if (ctx_.options.trace) {
      spdlog::debug("{} <- undecodable request tag {}: {}", peer(), received.tag, describe(e));
    }
    state_.flow.admit(received.charge);
    state_.pool.give(std::move(frame));
    answer(received, error_reply(errno_for(e)));
    co_return;
  }
  Fcall& fcall = decoded.fcall();
  ctx_.counters.requests.fetch_add(1, std::memory_order_relaxed);
  if (ctx_.options.trace) spdlog::debug("{} <- {}", peer(), to_string(fcall));
  const Received received{fcall.type(), fcall.tag, charge_for(fcall, frame.size(), state_), start};
  state_.flow.admit(received.charge);
  if (const auto* v = std::get_if<Tversion>(&fcall.msg)) {
    co_await version(*v, received);
    state_.pool.give(std::move(frame));
    co_return;
  }
  start_request(std::move(frame), std::move(fcall), received);
}

void Session::start_request(Buffer frame, Fcall fcall, const Received& received) {
  // Before Tversion nothing is negotiated (EPROTO). A tag still in flight cannot name a second
  // request: its reply would be ambiguous (EINVAL; the first request carries on).
  int refused = 0;
  if (state_.msize == 0) {
    refused = EPROTO;
  } else if (in_flight_.contains(received.tag)) {
    refused = EINVAL;
  }
  if (refused != 0) {
    state_.pool.give(std::move(frame));
    answer(received, error_reply(refused));
    return;
  }
  auto req = std::make_shared<InFlight>();
  req->received = received;
  in_flight_.emplace(received.tag, req);
  if (const auto* f = std::get_if<Tflush>(&fcall.msg)) {
    const uint16_t oldtag = f->oldtag;
    state_.pool.give(std::move(frame));
    flush(req, oldtag);
    return;
  }
  const auto* lock = std::get_if<Tlock>(&fcall.msg);
  req->cancellable = lock != nullptr && (lock->flags & LOCK_FLAGS_BLOCK) != 0;
  // The completion handler holds the request so its cancellation signal outlives the coroutine.
  asio::co_spawn(strand_, serve(shared_from_this(), req, std::move(frame), std::move(fcall)),
                 asio::bind_cancellation_slot(req->signal.slot(), [req](std::exception_ptr) {}));
}

asio::awaitable<void> Session::serve([[maybe_unused]] std::shared_ptr<Session> self,
                                     InFlightPtr req, Buffer frame, Fcall fcall) {
  std::optional<Reply> reply;
  try {
    // Not `cond ? co_await ... : ...`: g++ 12 mishandles the lifetime of a co_await result in a
    // conditional expression (the reply's buffer was freed while the writer still held a view).
    if (const Handler handler = handler_for(fcall.type())) {
      reply = co_await handler(state_, fcall.msg);
    } else {
      reply = error_reply(EOPNOTSUPP);
    }
  } catch (const std::system_error& e) {
    // A flushed request that was cancelled sends no reply at all.
    if (!(req->cancelled && e.code() == asio::error::operation_aborted)) {
      spdlog::error("{}: {} failed: {}", peer(), msg_name(fcall.type()), e.what());
      reply = error_reply(EIO);
    }
  } catch (const std::bad_alloc&) {
    reply = error_reply(ENOMEM);
  } catch (const std::exception& e) {
    spdlog::error("{}: {} failed: {}", peer(), msg_name(fcall.type()), e.what());
    reply = error_reply(EIO);
  }
  state_.pool.give(std::move(frame));
  complete(*req, std::move(reply));
}

void Session::flush(const InFlightPtr& req, uint16_t oldtag) {
  const auto it = in_flight_.find(oldtag);
  if (it == in_flight_.end() || it->second == req) {
    complete(*req, Reply{Rflush{}, {}});
    return;
  }
  InFlight& old = *it->second;
  old.flushes.push_back(req);
  if (old.cancellable && !old.cancelled) {
    old.cancelled = true;
    old.signal.emit(asio::cancellation_type::terminal);
  }
}

asio::awaitable<void> Session::version(const Tversion& m, const Received& received) {
  co_await reset();
  const VersionAnswer v = negotiate_version(m.msize, m.version, ctx_.options.max_msize);
  state_.msize = v.accepted ? v.msize : 0;
  if (v.accepted) transport_.fit_send_buffer(v.msize);
  spdlog::debug("{}: version '{}' msize {} -> '{}' msize {}", peer(), m.version, m.msize,
                v.version, v.msize);
  answer(received, Reply{Rversion{v.msize, v.version}, {}});
}

void Session::complete(InFlight& first, std::optional<Reply> reply) {
  // Iterative, not recursive: a hostile chain of flushes of flushes must not exhaust the stack.
  std::deque<InFlightPtr> waiting;
  InFlightPtr current;  // keeps a dequeued Tflush alive while it completes
  InFlight* req = &first;
  for (;;) {
    answer(req->received, std::move(reply));
    in_flight_.erase(req->received.tag);
    for (InFlightPtr& f : req->flushes) waiting.push_back(std::move(f));
    req->flushes.clear();
    if (waiting.empty()) break;
    current = std::move(waiting.front());
    waiting.pop_front();
    req = current.get();
    reply = Reply{Rflush{}, {}};
  }
  state_.progress.notify_all();
}

void Session::answer(const Received& request, std::optional<Reply> reply) {
  int ecode = EINTR;  // a cancelled request: the client gave up on it
  if (reply) {
    const auto* err = std::get_if<Rlerror>(&reply->msg);
    ecode = err != nullptr ? static_cast<int>(err->ecode) : 0;
  }
  ctx_.counters.by_type.record(request.type, ecode,
                               std::chrono::steady_clock::now() - request.start);
  if (!reply) {
    release(request.charge);
    return;
  }
  if (ecode != 0) ctx_.counters.errors.fetch_add(1, std::memory_order_relaxed);
  // Released (its lock too) when this returns, after the data was sent or copied.
  std::optional<store::FileView> file = std::move(reply->file);
  if (file && ctx_.options.trace) {
    file->copy_to(reply->storage.data());  // the trace prints the data
    file.reset();
  }
  if (ctx_.options.trace) {
    spdlog::debug("{} -> {}", peer(), to_string(Fcall{request.tag, reply->msg}));
  }
  OutFrame out = encode_reply(request.tag, std::move(*reply), frame_limit(), state_.pool);
  out.charge = request.charge;
  if (file && !out.payload.empty() && out.payload.size() == file->bytes) {
    writer_->push_file(std::move(out), *file);
  } else {
    writer_->push(std::move(out));
  }
}

void Session::reply_sent(OutFrame& frame) {
  state_.pool.give(std::move(frame.head));
  state_.pool.give(std::move(frame.payload_owner));
  release(frame.charge);
}

// Nobody receives replies any more: stop reading, and stop waiting for locks.
void Session::write_failed(const asio::error_code& ec) {
  if (!closed_) spdlog::debug("{}: write failed: {}", peer(), ec.message());
  closing_ = true;
  reader_.cancel();
  cancel_waiting_requests();
  state_.progress.notify_all();
}

void Session::release(uint64_t charge) {
  state_.flow.release(charge);
  state_.progress.notify_all();
}

void Session::cancel_waiting_requests() {
  std::vector<InFlightPtr> waiting;
  for (const auto& [tag, req] : in_flight_) {
    if (req->cancellable && !req->cancelled) waiting.push_back(req);
  }
  for (const InFlightPtr& req : waiting) {
    req->cancelled = true;
    req->signal.emit(asio::cancellation_type::terminal);
  }
}

asio::awaitable<void> Session::reset() {
  cancel_waiting_requests();
  while (!in_flight_.empty()) co_await state_.progress.wait();
  co_await release_fids_and_locks();
}

// Pending Txattrcreate values are dropped, not applied: the client never clunked them, so no
// setxattr reported success.
asio::awaitable<void> Session::release_fids_and_locks() {
  state_.fids.clear();
  for (Export* exp : state_.exports) {
    co_await exp->store.release_locks(state_.id);
    spdlog::info("{}: detached '{}'", state_.peer, exp->options.name);
  }
  state_.exports.clear();
}

asio::awaitable<void> Session::shut_down() {
  closing_ = true;
  // After a disconnect nobody waits for a parked lock; a graceful stop gives it the grace period.
  if (!stopping_) cancel_waiting_requests();
  // Bounds the wait for requests and for a client that does not read its replies.
  grace_timer_.expires_after(std::chrono::milliseconds(ctx_.options.shutdown_grace_ms));
  grace_timer_.async_wait([self = shared_from_this()](const asio::error_code& ec) {
    if (ec) return;
    self->cancel_waiting_requests();
    self->close_now();
  });
  while (!in_flight_.empty() || !writer_->idle()) co_await state_.progress.wait();
  grace_timer_.cancel();
  co_await release_fids_and_locks();
  close_now();
}

void Session::close_now() {
  closing_ = true;
  if (closed_) return;
  closed_ = true;
  reader_.cancel();
  transport_.close();
}

}  // namespace p9::server
