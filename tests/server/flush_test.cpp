// Tflush: of parked blocking locks, of unknown tags, of itself, of other flushes, in storms; and
// blocking locks that are granted.
#include <gtest/gtest.h>

#include <cerrno>
#include <set>
#include <thread>

#include "tests/server/raw_client.h"
#include "tests/server/session_fixture.h"

namespace p9::server::testing {
namespace {

// Connection A (fs) holds a write lock on "f"; B is a raw connection with fid 2 open on "f".
class FlushTest : public SessionTest {
 protected:
  FlushTest() {
    write_file("f", "x");
    held = fs->open("f", DOTL_RDWR);
    EXPECT_EQ(fs->lock(held.fid, {.type = LOCK_TYPE_WRLCK, .proc_id = 1, .client_id = "a"}), LOCK_SUCCESS);
    b.version();
    b.attach(1);
    b.call(Fcall{2, Twalk{1, 2, {"f"}}});
    b.call(Fcall{3, Tlopen{2, DOTL_RDWR}});
  }

  void park_lock(uint16_t tag) {
    b.send(Fcall{tag, Tlock{2, LOCK_TYPE_WRLCK, LOCK_FLAGS_BLOCK, 0, 0, 7, "b"}});
  }
  void release_a() {
    EXPECT_EQ(fs->lock(held.fid, {.type = LOCK_TYPE_UNLCK, .proc_id = 1, .client_id = "a"}), LOCK_SUCCESS);
  }
  // A third connection may take the lock: B was left with nothing.
  void expect_lock_free() {
    auto c = connect();
    auto f = c->open("f", DOTL_RDWR);
    EXPECT_EQ(c->lock(f.fid, {.type = LOCK_TYPE_WRLCK, .proc_id = 9, .client_id = "c"}), LOCK_SUCCESS);
  }

  client::OpenFile held;
  RawClient b{server.connect()};
};

TEST_F(FlushTest, BlockingLockWaitsUntilGranted) {
  park_lock(10);
  EXPECT_TRUE(b.silent());
  release_a();
  auto r = b.receive();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->tag(), 10);
  EXPECT_EQ(r->as<Rlock>().status, LOCK_SUCCESS);
}

TEST_F(FlushTest, FlushCancelsAParkedLockWhichNeverAnswers) {
  park_lock(10);
  EXPECT_TRUE(b.silent());
  b.send(Fcall{11, Tflush{10}});
  auto r = b.receive();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->tag(), 11);
  EXPECT_TRUE(std::holds_alternative<Rflush>(r->fcall().msg));
  release_a();
  EXPECT_TRUE(b.silent());  // no Rlock, not even now that the lock is free
  expect_lock_free();
}

TEST_F(FlushTest, FlushThroughTheClientLibrary) {
  auto other = connect();
  auto f = other->open("f", DOTL_RDWR);
  auto flushed = other->run([&]() -> asio::awaitable<int> {
    auto call = co_await other->connection().send(
        Tlock{f.fid, LOCK_TYPE_WRLCK, LOCK_FLAGS_BLOCK, 0, 0, 5, "lib"});
    co_await other->connection().flush(call.tag());
    try {
      co_await call.reply();
      co_return 0;
    } catch (const std::system_error& e) {
      co_return e.code() == client::Errc::flushed ? 1 : 2;
    }
  }());
  EXPECT_EQ(flushed, 1);
  release_a();
  expect_lock_free();
}

TEST_F(FlushTest, FlushOfUnknownTagOrOfItselfAnswersAtOnce) {
  auto r = b.call(Fcall{20, Tflush{999}});
  EXPECT_TRUE(std::holds_alternative<Rflush>(r.fcall().msg));
  auto self = b.call(Fcall{21, Tflush{21}});
  EXPECT_TRUE(std::holds_alternative<Rflush>(self.fcall().msg));
}

TEST_F(FlushTest, FlushOfAShortRequestComesAfterItsReply) {
  // Both frames in one write: the getattr is in flight when the flush is read.
  auto frames = encode_frame(Fcall{30, Tgetattr{2, GETATTR_ALL}});
  auto flush = encode_frame(Fcall{31, Tflush{30}});
  frames.insert(frames.end(), flush.begin(), flush.end());
  b.send_bytes(frames);
  auto first = b.receive();
  auto second = b.receive();
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first->tag(), 30);
  EXPECT_TRUE(std::holds_alternative<Rgetattr>(first->fcall().msg));
  EXPECT_EQ(second->tag(), 31);
  EXPECT_TRUE(std::holds_alternative<Rflush>(second->fcall().msg));
}

TEST_F(FlushTest, FlushOfAFlushIsAnsweredAfterIt) {
  park_lock(10);
  EXPECT_TRUE(b.silent());
  auto frames = encode_frame(Fcall{40, Tflush{10}});
  auto second = encode_frame(Fcall{41, Tflush{40}});
  frames.insert(frames.end(), second.begin(), second.end());
  b.send_bytes(frames);
  auto r1 = b.receive();
  auto r2 = b.receive();
  ASSERT_TRUE(r1 && r2);
  EXPECT_EQ(r1->tag(), 40);
  EXPECT_EQ(r2->tag(), 41);
  EXPECT_TRUE(b.silent());
}

TEST_F(FlushTest, FlushStormAnswersEveryFlushOnce) {
  park_lock(10);
  EXPECT_TRUE(b.silent());
  std::vector<std::byte> storm;
  for (uint16_t tag = 100; tag < 400; ++tag) {
    auto f = encode_frame(Fcall{tag, Tflush{static_cast<uint16_t>(tag == 100 ? 10 : tag - 1)}});
    storm.insert(storm.end(), f.begin(), f.end());
  }
  b.send_bytes(storm);
  std::set<uint16_t> answered;
  for (int i = 0; i < 300; ++i) {
    auto r = b.receive();
    ASSERT_TRUE(r);
    ASSERT_TRUE(std::holds_alternative<Rflush>(r->fcall().msg)) << "tag " << r->tag();
    EXPECT_TRUE(answered.insert(r->tag()).second);
  }
  EXPECT_TRUE(b.silent());
  release_a();
  expect_lock_free();
}

TEST_F(FlushTest, ATagInFlightCannotBeReused) {
  park_lock(10);
  EXPECT_TRUE(b.silent());
  auto dup = b.call(Fcall{10, Tgetattr{2, GETATTR_ALL}});
  EXPECT_EQ(rlerror_of(dup), static_cast<uint32_t>(EINVAL));
  release_a();
  auto granted = b.receive();  // the original request carried on
  ASSERT_TRUE(granted);
  EXPECT_EQ(granted->tag(), 10);
  EXPECT_EQ(granted->as<Rlock>().status, LOCK_SUCCESS);
}

TEST_F(FlushTest, ManyParkedLocksDoNotStopTheReader) {
  // More parked requests than --max-inflight (256 by default): the unlock must still be read.
  for (uint16_t tag = 1000; tag < 1300; ++tag) {
    b.send(Fcall{tag, Tlock{2, LOCK_TYPE_WRLCK, LOCK_FLAGS_BLOCK, 0, 0, tag, "many"}});
  }
  EXPECT_TRUE(b.silent());
  auto r = b.call(Fcall{5, Tgetattr{2, GETATTR_ALL}});
  EXPECT_TRUE(std::holds_alternative<Rgetattr>(r.fcall().msg));
  b.close();  // every parked request is cancelled with the connection
  ASSERT_TRUE(server.wait_for_sessions(1));
  release_a();
  expect_lock_free();
}

}  // namespace
}  // namespace p9::server::testing
