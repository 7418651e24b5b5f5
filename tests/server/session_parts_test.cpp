// The session's pure parts: version negotiation, open flags, qids, flow control, buffers.
#include <gtest/gtest.h>
#include <fcntl.h>

#include "proto/constants.h"
#include "server/session/buffer.h"
#include "server/session/flow_control.h"
#include "server/session/open_flags.h"
#include "server/session/qid.h"
#include "server/session/version.h"
#include "server/session/xattr_snapshots.h"

namespace p9::server {
namespace {

TEST(NegotiateVersion, SpeaksOnly9P2000L) {
  auto a = negotiate_version(65536, "9P2000.L", 1 << 20);
  EXPECT_TRUE(a.accepted);
  EXPECT_EQ(a.msize, 65536u);
  EXPECT_EQ(a.version, "9P2000.L");
  EXPECT_TRUE(negotiate_version(65536, "9P2000.L.x", 1 << 20).accepted);
  for (const char* v : {"9P2000", "9P2000.u", "9P2000.Lx", "9P2000.", "", "9P"}) {
    auto r = negotiate_version(65536, v, 1 << 20);
    EXPECT_FALSE(r.accepted) << v;
    EXPECT_EQ(r.version, "unknown");
  }
  EXPECT_EQ(negotiate_version(1u << 30, "9P2000.L", 1 << 20).msize, 1u << 20);
  EXPECT_EQ(negotiate_version(300, "9P2000.L", 1 << 20).msize, 300u);  // never raised
  for (uint32_t tiny : {0u, 7u, MIN_MSIZE - 1}) {
    const auto r = negotiate_version(tiny, "9P2000.L", 1 << 20);
    EXPECT_FALSE(r.accepted) << tiny;
    EXPECT_EQ(r.version, "unknown");
  }
  EXPECT_TRUE(negotiate_version(MIN_MSIZE, "9P2000.L", 1 << 20).accepted);
}

TEST(OpenMode, KeepsWhatMattersAndDropsTheRest) {
  auto m = open_mode(DOTL_RDWR | DOTL_APPEND | DOTL_TRUNC | DOTL_DIRECT | DOTL_LARGEFILE |
                     DOTL_NOATIME | DOTL_CLOEXEC | DOTL_SYNC | DOTL_CREATE | DOTL_EXCL);
  EXPECT_TRUE(m.readable && m.writable && m.append && m.truncate);
  EXPECT_EQ(m.host_flags, static_cast<uint32_t>(O_RDWR | O_APPEND | O_TRUNC));
  auto d = open_mode(DOTL_RDONLY | DOTL_DIRECTORY | DOTL_NOFOLLOW);
  EXPECT_TRUE(d.readable);
  EXPECT_FALSE(d.writable);
  EXPECT_EQ(d.host_flags, static_cast<uint32_t>(O_RDONLY | O_DIRECTORY | O_NOFOLLOW));
  auto w = open_mode(DOTL_WRONLY);
  EXPECT_FALSE(w.readable);
  EXPECT_TRUE(w.writable);
  auto none = open_mode(DOTL_NOACCESS);
  EXPECT_FALSE(none.readable || none.writable);
}

TEST(Qid, VersionIsNeverZeroAndTracksChanges) {
  EXPECT_EQ(qid_version(1), 1u);
  EXPECT_NE(qid_version(uint64_t{1} << 32), 0u);
  const uint64_t wrap = uint64_t{1} << 32;
  EXPECT_NE(qid_version(wrap), qid_version(wrap + 1));
  EXPECT_NE(qid_version(wrap), qid_version(wrap - 1));
  EXPECT_EQ(qid_type(store::NodeKind::directory), QTDIR);
  EXPECT_EQ(qid_type(store::NodeKind::symlink), QTSYMLINK);
  EXPECT_EQ(qid_type(store::NodeKind::fifo), QTFILE);
}

TEST(FlowControl, PausesAtTheRequestLimitAndNotForParkedLocks) {
  FlowControl flow(3, 4096);
  for (int i = 0; i < 3; ++i) flow.admit(10);
  EXPECT_TRUE(flow.saturated());
  ASSERT_TRUE(flow.try_park());
  EXPECT_FALSE(flow.saturated());
  flow.unpark();
  flow.release(10);
  EXPECT_FALSE(flow.saturated());
}

TEST(FlowControl, PausesAtTheByteBudgetButAlwaysAllowsOne) {
  FlowControl flow(1000, 4096);
  flow.admit(FlowControl::kMinByteBudget * 2);  // one huge request is allowed...
  EXPECT_TRUE(flow.saturated());                // ...but nothing after it
  flow.release(FlowControl::kMinByteBudget * 2);
  EXPECT_FALSE(flow.saturated());
}

TEST(FlowControl, ParkedRequestsAreBounded) {
  FlowControl flow(10, 4096);
  for (uint32_t i = 0; i < FlowControl::kMaxParked; ++i) ASSERT_TRUE(flow.try_park());
  EXPECT_FALSE(flow.try_park());
}

TEST(BufferPool, RecyclesSmallBuffersPerSession) {
  BufferPool pool;
  Buffer a = pool.take(100);
  EXPECT_EQ(a.size(), 100u);
  std::byte* where = a.data();
  pool.give(std::move(a));
  Buffer b = pool.take(200);
  EXPECT_EQ(b.data(), where);  // same class, reused
  EXPECT_EQ(b.size(), 200u);
  Buffer empty = pool.take(0);
  EXPECT_EQ(empty.size(), 0u);
}

TEST(BufferPool, RecyclesLargeBuffersAcrossSessionsOfAThread) {
  BufferPool first;
  BufferPool second;
  Buffer big = first.take(1 << 20);
  EXPECT_EQ(big.size(), 1u << 20);
  EXPECT_EQ(big.capacity(), BufferPool::kLargeCapacity);
  std::byte* where = big.data();
  first.give(std::move(big));
  Buffer again = second.take(100'000);
  EXPECT_EQ(again.data(), where);
  EXPECT_EQ(again.size(), 100'000u);
  second.give(std::move(again));
}

TEST(XattrSnapshots, IdenticalValuesShareOneCopy) {
  XattrSnapshots snapshots;
  const std::vector<std::byte> value(1000, std::byte{7});
  XattrSnapshot a = snapshots.share(5, "user.x", value);
  XattrSnapshot b = snapshots.share(5, "user.x", value);
  EXPECT_EQ(a, b);
  XattrSnapshot changed = snapshots.share(5, "user.x", std::vector<std::byte>(10, std::byte{1}));
  EXPECT_NE(changed, a);
  EXPECT_EQ(*a, value);  // fids holding the old value keep it
  EXPECT_NE(snapshots.share(6, "user.x", value), changed);
  // Dropped snapshots are forgotten, however many names pass through.
  for (uint64_t node = 100; node < 10000; ++node) snapshots.share(node, "user.y", value);
  EXPECT_EQ(snapshots.share(5, "user.x", std::vector<std::byte>(10, std::byte{1})), changed);
}

}  // namespace
}  // namespace p9::server
