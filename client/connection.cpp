#include "client/connection.h"

#include <string>
#include <utility>

#include <asio/connect.hpp>
#include <asio/dispatch.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/local/stream_protocol.hpp>
#include <asio/post.hpp>
#include <asio/use_awaitable.hpp>

#include "client/connection_core.h"
#include "client/error.h"

namespace p9::client {
namespace {

// Runs op(core, completion) on the connection's strand and returns an awaitable of the R it
// completes with; an error code is thrown as std::system_error. Deliberately not a coroutine: g++ 12
// destroys a lambda that is a temporary inside a co_await expression twice (asio issue #1007), which
// here would drop a reference to the core too many. The same goes for any lambda with a capture
// that has a destructor: build it outside the co_await expression.
template <class R, class Op>
auto on_strand(std::shared_ptr<ConnectionCore> core, Op op) {
  return asio::async_initiate<const asio::use_awaitable_t<>&, void(std::error_code, R)>(
      [core = std::move(core), op = std::move(op)](auto handler) mutable {
        ConnectionCore::Strand& strand = core->strand();
        asio::dispatch(strand, [core = std::move(core), op = std::move(op), h = std::move(handler)]() mutable {
          op(*core, Completion<std::error_code, R>(std::move(h)));
        });
      },
      asio::use_awaitable);
}

MsgType reply_type(MsgType request) noexcept { return static_cast<MsgType>(static_cast<uint8_t>(request) + 1); }

}  // namespace

Call::Call(std::shared_ptr<ConnectionCore> core, uint16_t tag, MsgType request) noexcept
    : core_(std::move(core)), tag_(tag), request_(request) {}

Call::Call(Call&& other) noexcept
    : core_(std::move(other.core_)), tag_(other.tag_), request_(other.request_) {}

Call& Call::operator=(Call&& other) noexcept {
  if (this != &other) {
    abandon();
    core_ = std::move(other.core_);
    tag_ = other.tag_;
    request_ = other.request_;
  }
  return *this;
}

Call::~Call() { abandon(); }

void Call::abandon() noexcept {
  if (!core_) return;
  ConnectionCore::Strand& strand = core_->strand();
  asio::post(strand, [core = std::move(core_), tag = tag_] { core->abandon(tag); });
}

asio::awaitable<Reply> Call::reply() {
  const uint16_t tag = tag_;
  Reply r = co_await on_strand<Reply>(std::exchange(core_, nullptr),
                                      [tag](ConnectionCore& core, auto done) { core.collect(tag, std::move(done)); });
  if (const auto* error = std::get_if<Rlerror>(&r.fcall().msg))
    throw_errno(static_cast<int>(error->ecode), std::string(msg_name(request_)));
  if (r.type() != reply_type(request_))
    throw std::system_error(make_error_code(Errc::unexpected_reply),
                            std::string(msg_name(request_)) + " answered by " + std::string(msg_name(r.type())));
  co_return r;
}

Connection::Connection(std::shared_ptr<ConnectionCore> core) noexcept : core_(std::move(core)) {}

asio::awaitable<Connection> Connection::connect(asio::any_io_executor executor, Address address) {
  // Connect with the protocol's own socket, then hand its fd to adopt(): one path from there on.
  int fd = -1;
  if (address.kind == Address::Kind::Tcp) {
    asio::ip::tcp::resolver resolver(executor);
    const auto endpoints =
        co_await resolver.async_resolve(address.host, std::to_string(address.port), asio::use_awaitable);
    asio::ip::tcp::socket socket(executor);
    co_await asio::async_connect(socket, endpoints, asio::use_awaitable);
    fd = socket.release();
  } else {
    asio::local::stream_protocol::socket socket(executor);
    co_await socket.async_connect(asio::local::stream_protocol::endpoint(address.path), asio::use_awaitable);
    fd = socket.release();
  }
  co_return adopt(std::move(executor), fd);
}

Connection Connection::adopt(asio::any_io_executor executor, int fd) {
  auto core = std::make_shared<ConnectionCore>(std::move(executor), fd);
  core->start();
  return Connection(std::move(core));
}

Connection& Connection::operator=(Connection&& other) noexcept {
  if (this != &other) {
    close();
    core_ = std::move(other.core_);
  }
  return *this;
}

Connection::~Connection() { close(); }

void Connection::close() {
  if (!core_) return;
  asio::dispatch(core_->strand(), [core = core_] { core->fail(Errc::connection_closed); });
}

asio::awaitable<uint32_t> Connection::version(uint32_t msize) {
  Reply r = co_await call(Tversion{.msize = msize, .version = VERSION_9P2000_L});
  const Rversion& v = r.as<Rversion>();
  if (v.version != VERSION_9P2000_L) throw std::system_error(make_error_code(Errc::version_refused));
  if (v.msize < MIN_MSIZE) throw std::system_error(make_error_code(Errc::protocol_error), "msize below 4096");
  co_return v.msize;
}

asio::awaitable<Call> Connection::send(Message request) {
  const MsgType type = type_of(request);
  const uint16_t tag = co_await on_strand<uint16_t>(core_, [&request](ConnectionCore& core, auto done) {
    core.submit(std::move(request), std::move(done));
  });
  co_return Call(core_, tag, type);
}

asio::awaitable<Reply> Connection::call(Message request) {
  Call c = co_await send(std::move(request));
  co_return co_await c.reply();
}

asio::awaitable<void> Connection::flush(uint16_t tag) { co_await call(Tflush{.oldtag = tag}); }

uint32_t Connection::msize() const noexcept { return core_->msize(); }

FidPool& Connection::fids() noexcept { return core_->fids(); }

}  // namespace p9::client
