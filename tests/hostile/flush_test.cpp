// Tflush abuse and tag games: flushes of tags nobody used, of themselves, by the thousand, of a
// request parked in a blocking lock; a tag reused while its request is in flight; Tversion while a
// request waits. Tflush is never answered with Rlerror, and a flushed request's reply never comes
// after its Rflush.
#include <cerrno>
#include <set>

#include "tests/hostile/hostile_fixture.h"
#include "tests/hostile/lock_holder.h"

namespace p9::hostile {
namespace {

class Flush : public LockedFileTest {
 protected:
  // The next reply on c, which must come.
  client::Reply next() {
    auto r = c->receive();
    if (!r) throw std::runtime_error("no reply");
    return std::move(*r);
  }
};

TEST_F(Flush, FlushOfATagNobodyUsedIsAnsweredAtOnce) {
  for (uint16_t oldtag : {uint16_t{1234}, uint16_t{0}, NOTAG}) {
    EXPECT_EQ(c->call(Fcall{7, Tflush{oldtag}}).type(), MsgType::Rflush) << oldtag;
  }
}

TEST_F(Flush, FlushOfItselfIsAnsweredRflush) {
  EXPECT_EQ(c->call(Fcall{9, Tflush{9}}).type(), MsgType::Rflush);
}

TEST_F(Flush, AThousandFlushesOfUnknownTagsInARow) {
  // Pipelined, each naming the tag the next one will use (not in flight yet when it is read).
  Bytes storm;
  for (uint16_t tag = 1; tag <= 1000; ++tag) {
    const Bytes f = server::testing::encode_frame(Fcall{tag, Tflush{static_cast<uint16_t>(tag + 1)}});
    storm.insert(storm.end(), f.begin(), f.end());
  }
  c->send_bytes(storm);
  std::set<uint16_t> answered;
  for (int i = 0; i < 1000; ++i) {
    auto r = next();
    EXPECT_EQ(r.type(), MsgType::Rflush);
    answered.insert(r.tag());
  }
  EXPECT_EQ(answered.size(), 1000u);
  EXPECT_EQ(c->call(Fcall{1, Tgetattr{kRoot, GETATTR_BASIC}}).type(), MsgType::Rgetattr);
}

TEST_F(Flush, AThousandFlushesOfOneParkedLock) {
  LockHolder::park(*c, kLocked, 1);
  Bytes storm;
  for (uint16_t tag = 2; tag <= 1001; ++tag) {
    const Bytes f = server::testing::encode_frame(Fcall{tag, Tflush{1}});
    storm.insert(storm.end(), f.begin(), f.end());
  }
  c->send_bytes(storm);
  std::set<uint16_t> answered;
  for (int i = 0; i < 1000; ++i) {
    auto r = next();
    ASSERT_EQ(r.type(), MsgType::Rflush) << "tag " << r.tag();  // never an Rlock on tag 1
    answered.insert(r.tag());
  }
  EXPECT_EQ(answered.size(), 1000u);
  // The flushed request was cancelled: it neither answers now nor takes the lock later.
  EXPECT_TRUE(c->silent(100ms));
  holder->unlock();
  EXPECT_TRUE(holder->free_for_others(*client()));
}

TEST_F(Flush, FlushOfAParkedLockSuppressesItsReply) {
  LockHolder::park(*c, kLocked, 5);
  c->send(Fcall{6, Tflush{5}});
  auto r = next();
  EXPECT_EQ(r.tag(), 6);
  EXPECT_EQ(r.type(), MsgType::Rflush);
  holder->unlock();
  EXPECT_TRUE(holder->free_for_others(*client()));
  EXPECT_TRUE(c->silent(100ms));
  // The tag is free again.
  EXPECT_EQ(c->call(Fcall{5, Tgetattr{kRoot, GETATTR_BASIC}}).type(), MsgType::Rgetattr);
}

TEST_F(Flush, ATagReusedWhileInFlightIsEinvalAndTheFirstRequestGoesOn) {
  // The documented choice: the second request gets EINVAL on the shared tag, the first carries on.
  LockHolder::park(*c, kLocked, 5);
  EXPECT_EQ(err(*c, Fcall{5, Tgetattr{kRoot, GETATTR_BASIC}}), uint32_t{EINVAL});
  EXPECT_EQ(err(*c, Fcall{5, Tflush{1}}), uint32_t{EINVAL});
  holder->unlock();
  auto r = next();
  EXPECT_EQ(r.tag(), 5);
  EXPECT_EQ(r.as<Rlock>().status, LOCK_SUCCESS);
}

TEST_F(Flush, VersionWhileALockIsParkedCancelsIt) {
  LockHolder::park(*c, kLocked, 5);
  c->send(Fcall{NOTAG, Tversion{kRawMsize, "9P2000.L"}});
  auto r = next();
  EXPECT_EQ(r.tag(), NOTAG);
  EXPECT_EQ(r.type(), MsgType::Rversion);
  holder->unlock();
  EXPECT_TRUE(holder->free_for_others(*client()));
  EXPECT_TRUE(c->silent(100ms));
}

}  // namespace
}  // namespace p9::hostile
