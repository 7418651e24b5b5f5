// One client connection: reads requests, runs each as its own coroutine, writes the replies.
//
// Everything of a session — the reader, every request coroutine, the writer, the fid and tag
// tables — runs on the session's strand (the executor of its Transport), so session state needs no
// lock. Requests still run concurrently: one suspended in the store (waiting for a node or a
// byte-range lock) lets the others proceed, and replies go out in completion order.
//
// Tflush: the flushed request's reply, if it comes, is queued before the Rflush. A blocking Tlock
// is cancelled (its reply suppressed); any other request is short and simply finishes first, which
// the Linux client accepts (it keeps a reply that arrives before the Rflush).
//
// Tversion is a barrier: the reader waits until every request in flight has finished, then the
// session forgets its fids and locks and answers.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <asio/awaitable.hpp>
#include <asio/cancellation_signal.hpp>
#include <asio/steady_timer.hpp>

#include "proto/codec.h"
#include "server/server_context.h"
#include "server/session/buffer.h"
#include "server/session/frame_reader.h"
#include "server/session/reply.h"
#include "server/session/reply_writer.h"
#include "server/session/session_state.h"
#include "server/transport.h"

namespace p9::server {

class Session : public std::enable_shared_from_this<Session> {
 public:
  // The transport's executor must be a strand (or a single-threaded executor): the session runs
  // all its work there.
  Session(Transport transport, ServerContext& ctx);
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Serves until the peer disconnects, the stream breaks, or stop(); then waits for the requests in
  // flight, clunks every fid and releases the session's locks. Run it on the transport's executor.
  asio::awaitable<void> run();
  // Graceful end, callable from any thread: no more requests are read; those in flight finish (a
  // parked lock is cancelled after options.shutdown_grace_ms, when the connection is also closed
  // whatever is still unsent); then run() returns.
  void stop();

  const std::string& peer() const { return transport_.peer(); }
  // The lock-owner session id (unique in the process).
  uint64_t id() const { return state_.id; }

 private:
  // A request as soon as its frame was read.
  struct Received {
    MsgType type{};  // the header's type byte (may name no message when decoding failed)
    uint16_t tag = NOTAG;
    uint64_t charge = 0;  // flow-control bytes held until the reply is written
    std::chrono::steady_clock::time_point start;
  };
  struct InFlight {
    Received received;
    bool cancellable = false;   // a blocking Tlock: Tflush and shutdown cancel it
    bool cancelled = false;
    asio::cancellation_signal signal;
    std::vector<std::shared_ptr<InFlight>> flushes;  // Tflush requests answered after this one
  };
  using InFlightPtr = std::shared_ptr<InFlight>;

  asio::awaitable<void> read_requests();
  asio::awaitable<void> on_frame(Buffer frame);
  void start_request(Buffer frame, Fcall fcall, const Received& received);
  asio::awaitable<void> serve(std::shared_ptr<Session> self, InFlightPtr req, Buffer frame,
                              Fcall fcall);
  void flush(const InFlightPtr& req, uint16_t oldtag);
  asio::awaitable<void> version(const Tversion& m, const Received& received);

  // The request is done: its reply (none when it was cancelled) is queued, then the Rflush of every
  // Tflush waiting for it, and of every Tflush waiting for those.
  void complete(InFlight& req, std::optional<Reply> reply);
  // Records the request in the statistics and queues its reply (or, without one, releases its
  // flow-control charge at once).
  void answer(const Received& request, std::optional<Reply> reply);
  void reply_sent(OutFrame& frame);
  void write_failed(const asio::error_code& ec);
  void release(uint64_t charge);

  void cancel_waiting_requests();
  // Waits for the requests in flight, then forgets every fid and lock (Tversion, end of session).
  asio::awaitable<void> reset();
  asio::awaitable<void> release_fids_and_locks();
  asio::awaitable<void> shut_down();
  void close_now();
  uint32_t frame_limit() const;

  Transport transport_;
  ServerContext& ctx_;
  asio::any_io_executor strand_;
  SessionState state_;
  FrameReader reader_;
  std::shared_ptr<ReplyWriter> writer_;
  std::unordered_map<uint16_t, InFlightPtr> in_flight_;
  asio::steady_timer grace_timer_;
  bool stopping_ = false;  // stop() was called
  bool closing_ = false;   // no more requests will be read
  bool closed_ = false;    // the transport is closed
};

}  // namespace p9::server
