// Connection against a fake server driven by hand: the test decides when and in which order each
// reply goes out.
#include "client/connection.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cerrno>
#include <random>
#include <set>

#include "client/error.h"
#include "tests/client/fake_server.h"
#include "tests/client/threaded_io.h"

namespace p9::client {
namespace {

using testing::FakeServer;
using testing::Request;
using testing::ThreadedIo;

// Members in this order so that the connection closes before the threads are joined, and both
// before the fake server goes.
struct ConnectionTest : ::testing::Test {
  FakeServer server;
  ThreadedIo io;
  Connection conn = Connection::adopt(io.executor(), server.take_client_fd());

  // Tversion answered by the fake; returns the agreed msize.
  uint32_t negotiate(uint32_t offered, uint32_t server_max) {
    auto agreed = io.spawn(conn.version(offered));
    const std::optional<Request> request = server.receive();
    EXPECT_EQ(request->fcall.tag, NOTAG);
    server.reply(NOTAG, *testing::handshake_reply(*request, server_max));
    return agreed.get();
  }

  Request receive() {
    std::optional<Request> request = server.receive();
    if (!request) throw std::runtime_error("no request");
    return std::move(*request);
  }
};

// A request the server may park for as long as it likes: the one Tflush exists for.
const Tlock BLOCKING_LOCK{.fid = 1,
                          .type = LOCK_TYPE_WRLCK,
                          .flags = LOCK_FLAGS_BLOCK,
                          .start = 0,
                          .length = 0,
                          .proc_id = 1,
                          .client_id = "test"};

std::error_code code_of(auto& future) {
  try {
    future.get();
  } catch (const std::system_error& e) {
    return e.code();
  }
  return {};
}

TEST_F(ConnectionTest, VersionAgreesOnTheSmallerMsize) {
  EXPECT_EQ(negotiate(1u << 20, 65536), 65536u);
  EXPECT_EQ(conn.msize(), 65536u);
}

TEST_F(ConnectionTest, VersionRefusedWhenTheServerAnswersUnknown) {
  auto agreed = io.spawn(conn.version(8192));
  const Request request = receive();
  server.reply(NOTAG, Rversion{.msize = 8192, .version = VERSION_UNKNOWN});
  EXPECT_EQ(code_of(agreed), Errc::version_refused);
}

TEST_F(ConnectionTest, HundredCallsInFlightEachGetTheirOwnReplyOutOfOrder) {
  negotiate(8192, 8192);
  constexpr uint32_t N = 100;
  std::vector<std::future<uint64_t>> sizes;
  for (uint32_t i = 0; i < N; ++i) {
    sizes.push_back(io.spawn([this, i]() -> asio::awaitable<uint64_t> {
      Reply r = co_await conn.call(Tgetattr{.fid = i, .request_mask = GETATTR_ALL});
      co_return r.as<Rgetattr>().size;
    }));
  }
  // Every request arrives before any reply is sent: all 100 are in flight at once.
  std::vector<std::pair<uint16_t, uint32_t>> pending;  // tag, fid
  std::set<uint16_t> tags;
  for (uint32_t i = 0; i < N; ++i) {
    const Request r = receive();
    pending.emplace_back(r.fcall.tag, r.as<Tgetattr>().fid);
    tags.insert(r.fcall.tag);
  }
  EXPECT_EQ(tags.size(), N);
  EXPECT_FALSE(tags.contains(NOTAG));
  std::shuffle(pending.begin(), pending.end(), std::mt19937(42));
  for (const auto& [tag, fid] : pending) {
    Rgetattr attr;
    attr.size = 1000 + fid;
    server.reply(tag, attr);
  }
  for (uint32_t i = 0; i < N; ++i) EXPECT_EQ(sizes[i].get(), 1000 + i);
}

TEST_F(ConnectionTest, RlerrorBecomesItsErrno) {
  negotiate(8192, 8192);
  auto walked = io.spawn(conn.call(Twalk{.fid = 0, .newfid = 1, .wnames = {"missing"}}));
  const Request request = receive();
  server.reply(request.fcall.tag, Rlerror{.ecode = ENOENT});
  try {
    walked.get();
    FAIL() << "no error";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), std::errc::no_such_file_or_directory);
    EXPECT_EQ(errno_of(e), ENOENT);
  }
}

TEST_F(ConnectionTest, ReplyOfTheWrongTypeIsAnError) {
  negotiate(8192, 8192);
  auto walked = io.spawn(conn.call(Twalk{.fid = 0, .newfid = 1, .wnames = {}}));
  const Request request = receive();
  server.reply(request.fcall.tag, Rclunk{});
  EXPECT_EQ(code_of(walked), Errc::unexpected_reply);
}

TEST_F(ConnectionTest, DroppedConnectionFailsEveryPendingCallAndLaterOnes) {
  negotiate(8192, 8192);
  std::vector<std::future<Reply>> calls;
  for (uint32_t fid = 0; fid < 5; ++fid) calls.push_back(io.spawn(conn.call(Tclunk{.fid = fid})));
  for (int i = 0; i < 5; ++i) receive();
  server.close();
  for (auto& call : calls) EXPECT_EQ(code_of(call), Errc::connection_closed);
  auto later = io.spawn(conn.call(Tclunk{.fid = 9}));
  EXPECT_EQ(code_of(later), Errc::connection_closed);
}

TEST_F(ConnectionTest, ReplyToAnUnknownTagIsAProtocolErrorForEveryPendingCall) {
  negotiate(8192, 8192);
  auto pending = io.spawn(conn.call(Tclunk{.fid = 1}));
  const Request request = receive();
  server.reply(static_cast<uint16_t>(request.fcall.tag + 1), Rclunk{});
  EXPECT_EQ(code_of(pending), Errc::protocol_error);
}

TEST_F(ConnectionTest, CloseFailsPendingCalls) {
  negotiate(8192, 8192);
  auto pending = io.spawn(conn.call(Tclunk{.fid = 1}));
  receive();
  conn.close();
  EXPECT_EQ(code_of(pending), Errc::connection_closed);
}

TEST_F(ConnectionTest, RequestLargerThanMsizeIsRefusedWithoutSending) {
  negotiate(8192, 8192);
  const std::vector<std::byte> payload(8192);
  auto written = io.spawn(conn.call(Twrite{.fid = 1, .offset = 0, .data = payload}));
  EXPECT_EQ(code_of(written), std::errc::message_size);
  // The connection is still usable and the refused request never reached the server.
  auto clunked = io.spawn(conn.call(Tclunk{.fid = 1}));
  const Request next = receive();
  EXPECT_EQ(next.fcall.type(), MsgType::Tclunk);
  server.reply(next.fcall.tag, Rclunk{});
  EXPECT_EQ(code_of(clunked), std::error_code{});
}

TEST_F(ConnectionTest, FlushBeforeTheReplyFailsTheRequestAsFlushed) {
  negotiate(8192, 8192);
  auto locked = io.spawn([this]() -> asio::awaitable<std::error_code> {
    Call lock = co_await conn.send(BLOCKING_LOCK);
    co_await conn.flush(lock.tag());
    try {
      co_await lock.reply();
    } catch (const std::system_error& e) {
      co_return e.code();
    }
    co_return std::error_code{};
  });
  const Request lock = receive();
  const Request flush = receive();
  EXPECT_EQ(flush.as<Tflush>().oldtag, lock.fcall.tag);
  server.reply(flush.fcall.tag, Rflush{});
  EXPECT_EQ(locked.get(), Errc::flushed);
}

TEST_F(ConnectionTest, ReplyBeforeRflushIsDeliveredAndItsTagStaysReservedUntilRflush) {
  negotiate(8192, 8192);
  std::promise<uint16_t> lock_tag;
  auto locked = io.spawn([&]() -> asio::awaitable<uint8_t> {
    Call lock = co_await conn.send(BLOCKING_LOCK);
    lock_tag.set_value(lock.tag());
    Reply r = co_await lock.reply();
    co_return r.as<Rlock>().status;
  });
  const Request lock = receive();
  const uint16_t tag = lock_tag.get_future().get();
  EXPECT_EQ(tag, lock.fcall.tag);
  auto flushed = io.spawn(conn.flush(tag));
  const Request flush = receive();
  EXPECT_EQ(flush.as<Tflush>().oldtag, tag);

  // The server answers the lock before the flush: the caller gets that answer.
  server.reply(tag, Rlock{.status = LOCK_SUCCESS});
  EXPECT_EQ(locked.get(), LOCK_SUCCESS);

  // Until Rflush arrives, 9P forbids reusing the flushed tag, even though its reply was delivered.
  auto other = io.spawn(conn.call(Tclunk{.fid = 2}));
  const Request clunk = receive();
  EXPECT_NE(clunk.fcall.tag, tag);
  EXPECT_NE(clunk.fcall.tag, flush.fcall.tag);
  server.reply(flush.fcall.tag, Rflush{});
  flushed.get();
  server.reply(clunk.fcall.tag, Rclunk{});
  other.get();
}

}  // namespace
}  // namespace p9::client
