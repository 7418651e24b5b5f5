// One 9P2000.L connection: pipelined requests over a stream socket (TCP, Unix, or an adopted fd).
//
//   Connection conn = co_await Connection::connect(executor, Address::parse("tcp:127.0.0.1:5640"));
//   co_await conn.version(DEFAULT_MSIZE);
//   Reply r = co_await conn.call(Twalk{.fid = 0, .newfid = 1, .wnames = {"etc"}});
//   const Rwalk& walk = r.as<Rwalk>();
//
// Any number of coroutines, on any threads of the executor's io_context, may call at once: each
// request gets its own tag, frames are written in order by one writer, and one reader hands each
// reply to the caller waiting on its tag. Failures are thrown as std::system_error (client/error.h):
// Rlerror as its errno, a dropped connection as Errc::connection_closed for every pending call.
#pragma once

#include <cstdint>
#include <memory>

#include <asio/any_io_executor.hpp>
#include <asio/awaitable.hpp>

#include "client/address.h"
#include "client/fid_pool.h"
#include "client/reply.h"
#include "proto/message.h"

namespace p9::client {

class ConnectionCore;

// 1 MiB of data per Tread/Twrite (the Linux cap for socket transports) plus the I/O header.
inline constexpr uint32_t DEFAULT_MSIZE = (1u << 20) + IOHDRSZ;

// A request that has been written; its reply is still to come. Holding a Call reserves its tag, so
// flush(call.tag()) cannot hit another request. Dropping a Call without reply() is allowed.
class Call {
 public:
  Call(std::shared_ptr<ConnectionCore> core, uint16_t tag, MsgType request) noexcept;
  Call(Call&& other) noexcept;
  Call& operator=(Call&& other) noexcept;
  ~Call();

  uint16_t tag() const noexcept { return tag_; }

  // The reply, once. Throws std::system_error: the errno of an Rlerror, Errc::flushed when a Tflush
  // cancelled the request first, Errc::unexpected_reply for a reply of the wrong type,
  // Errc::connection_closed / protocol_error when the connection failed.
  asio::awaitable<Reply> reply();

 private:
  void abandon() noexcept;

  std::shared_ptr<ConnectionCore> core_;  // null once reply() was asked for
  uint16_t tag_;
  MsgType request_;
};

class Connection {
 public:
  // Connects to address and starts the reader. Throws std::system_error (e.g. connection refused).
  static asio::awaitable<Connection> connect(asio::any_io_executor executor, Address address);
  // Takes ownership of fd, an already connected stream socket (e.g. one end of a socketpair).
  static Connection adopt(asio::any_io_executor executor, int fd);

  Connection(Connection&& other) noexcept = default;
  Connection& operator=(Connection&& other) noexcept;
  // Closes the connection: calls still pending fail with Errc::connection_closed.
  ~Connection();

  // Tversion with NOTAG: offers msize and 9P2000.L, returns the agreed msize. Call it first, with no
  // other request in flight (the server then forgets every fid of this connection).
  // Throws Errc::version_refused when the server answers another version.
  asio::awaitable<uint32_t> version(uint32_t msize = DEFAULT_MSIZE);

  // Sends request under a fresh tag; returns once the whole frame is written. Strings are copied
  // while queueing; a Twrite payload is written from the caller's buffer (never copied), which
  // therefore has to stay valid until send() returns.
  asio::awaitable<Call> send(Message request);
  // send() and reply() in one.
  asio::awaitable<Reply> call(Message request);
  // Tflush for a request in flight; returns at Rflush. By then the flushed request's Call::reply()
  // has its reply (if the server answered before the flush) or throws Errc::flushed.
  asio::awaitable<void> flush(uint16_t tag);

  // Fails every pending and later call with Errc::connection_closed. Safe from any thread.
  void close();

  // The agreed msize (before version(): the smallest allowed). A Tread/Twrite moves at most
  // msize() - IOHDRSZ bytes.
  uint32_t msize() const noexcept;
  // Fid numbers of this connection, for the layers above.
  FidPool& fids() noexcept;

 private:
  explicit Connection(std::shared_ptr<ConnectionCore> core) noexcept;

  std::shared_ptr<ConnectionCore> core_;
};

}  // namespace p9::client
