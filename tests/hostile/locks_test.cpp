// Byte-range lock abuse: more blocking requests than the server will park, waiters that all want
// the same lock. Parked requests are bounded per connection and a released lock goes to one waiter.
#include <cerrno>
#include <map>
#include <string>

#include "tests/hostile/hostile_fixture.h"
#include "tests/hostile/lock_holder.h"

namespace p9::hostile {
namespace {

// FlowControl::kMaxParked: blocking requests one connection may have waiting in the store.
constexpr int kMaxParked = 1024;

class Locks : public LockedFileTest {
 protected:
  // Blocking write-lock requests from `n` owners, request i as proc id i on tag i, sent at once.
  void park_many(int n) {
    Bytes all;
    for (int i = 1; i <= n; ++i) {
      const Bytes f = server::testing::encode_frame(
          Fcall{static_cast<uint16_t>(i),
                Tlock{kLocked, LOCK_TYPE_WRLCK, LOCK_FLAGS_BLOCK, 0, 0, static_cast<uint32_t>(i), "many"}});
      all.insert(all.end(), f.begin(), f.end());
    }
    c->send_bytes(all);
  }
};

TEST_F(Locks, BlockingRequestsBeyondTheParkingLimitAnswerBlocked) {
  // The documented bound: past kMaxParked waiters a blocking request answers BLOCKED at once (the
  // Linux client then retries by itself) instead of holding server memory.
  constexpr int kRequests = kMaxParked + 76;
  park_many(kRequests);
  std::map<uint8_t, int> statuses;
  for (int i = 0; i < kRequests - kMaxParked; ++i) {
    auto r = c->receive();
    ASSERT_TRUE(r);
    statuses[r->as<Rlock>().status]++;
  }
  EXPECT_EQ(statuses[LOCK_BLOCKED], kRequests - kMaxParked);
  EXPECT_TRUE(c->silent(100ms));
  // The connection is still served meanwhile.
  EXPECT_EQ(c->call(Fcall{9999, Tstatfs{kRoot}}).type(), MsgType::Rstatfs);
}

TEST_F(Locks, AReleasedLockGoesToExactlyOneWaiter) {
  park_many(50);
  EXPECT_TRUE(c->silent(100ms));
  holder->unlock();
  auto r = c->receive();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->as<Rlock>().status, LOCK_SUCCESS);
  // The others still wait: the lock is taken again.
  EXPECT_TRUE(c->silent(100ms));
  // The winner (proc id = its tag) unlocks: the lock goes to exactly one more waiter.
  const uint32_t winner = r->tag();
  c->send(Fcall{999, Tlock{kLocked, LOCK_TYPE_UNLCK, 0, 0, 0, winner, "many"}});
  std::map<uint16_t, uint8_t> replies;
  for (int i = 0; i < 2; ++i) {
    auto next = c->receive();
    ASSERT_TRUE(next);
    replies[next->tag()] = next->as<Rlock>().status;
  }
  EXPECT_EQ(replies.at(999), LOCK_SUCCESS);
  EXPECT_EQ(replies.size(), 2u);
  for (const auto& [tag, status] : replies) EXPECT_EQ(status, LOCK_SUCCESS) << "tag " << tag;
  EXPECT_TRUE(c->silent(100ms));
}

}  // namespace
}  // namespace p9::hostile
