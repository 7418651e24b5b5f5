// Clients that vanish at the worst moment: inside a frame, with large writes in flight, with a
// lock held or a blocking lock parked, with an xattr value half set, with unlinked files open. The
// server must release everything the connection held and leave the store consistent.
#include <cerrno>
#include <string>

#include "tests/hostile/eventually.h"
#include "tests/hostile/hostile_fixture.h"
#include "tests/hostile/lock_holder.h"

namespace p9::hostile {
namespace {

using server::testing::encode_frame;

class Disconnect : public HostileTest {};

TEST_F(Disconnect, InsideALargeWriteFrame) {
  write_file(*client(), "target", "");
  auto c = attached("main", 0, client::DEFAULT_MSIZE);
  c->call(Fcall{1, Twalk{kRoot, 2, {"target"}}});
  c->call(Fcall{1, Tlopen{2, DOTL_WRONLY}});
  const std::string data(1 << 20, 'w');
  const Bytes frame = encode_frame(Fcall{5, Twrite{2, 0, bytes_of(data)}});
  c->send_bytes(std::span(frame).first(300 * 1024));
  c->close();
  // Half a frame is no request: nothing was written.
  EXPECT_TRUE(settle());
  EXPECT_EQ(client()->stat("target").size, 0u);
}

TEST_F(Disconnect, WithLargeWritesInFlight) {
  write_file(*client(), "target", "");
  auto c = attached("main", 0, client::DEFAULT_MSIZE);
  c->call(Fcall{1, Twalk{kRoot, 2, {"target"}}});
  c->call(Fcall{1, Tlopen{2, DOTL_WRONLY}});
  const std::string data(1 << 20, 'w');
  for (uint16_t tag = 0; tag < 8; ++tag) {
    c->send(Fcall{tag, Twrite{2, uint64_t{tag} << 20, bytes_of(data)}});
  }
  c->close();
  // Whatever was written is whole 1 MiB writes; the file stays usable.
  EXPECT_TRUE(settle());
  EXPECT_EQ(client()->stat("target").size % (1 << 20), 0u);
  EXPECT_NO_THROW(client()->unlink("target"));
}

TEST_F(Disconnect, WithABlockingLockParked) {
  LockHolder holder(client(), "locked");
  {
    auto c = attached();
    holder.open_for(*c, kRoot, 2);
    LockHolder::park(*c, 2, 5);
    EXPECT_TRUE(c->silent(50ms));
  }
  // The waiter is gone with its connection: it must not take the lock when it is released.
  ASSERT_TRUE(settle(1));  // bystander, holder
  holder.unlock();
  EXPECT_TRUE(holder.free_for_others(*client()));
}

TEST_F(Disconnect, WhileHoldingLocksReleasesThem) {
  write_file(*client(), "locked", "");
  {
    auto c = attached();
    c->call(Fcall{1, Twalk{kRoot, 2, {"locked"}}});
    c->call(Fcall{1, Tlopen{2, DOTL_RDWR}});
    for (uint32_t proc = 1; proc <= 3; ++proc) {
      auto r = c->call(Fcall{2, Tlock{2, LOCK_TYPE_WRLCK, 0, proc * 10, 5, proc, "gone"}});
      ASSERT_EQ(r.as<Rlock>().status, LOCK_SUCCESS);
    }
  }
  auto other = client();
  EXPECT_TRUE(eventually([&] {
    auto f = other->open("locked", DOTL_RDWR);
    const uint8_t status = other->lock(f.fid, {.type = LOCK_TYPE_WRLCK, .proc_id = 9, .client_id = "next"});
    other->clunk(f.fid);
    return status == LOCK_SUCCESS;
  }));
}

TEST_F(Disconnect, WithAnXattrValueNeverClunked) {
  // The value takes effect at Tclunk; a connection that goes first set nothing.
  write_file(*client(), "target", "");
  {
    auto c = attached();
    c->call(Fcall{1, Twalk{kRoot, 2, {"target"}}});
    c->call(Fcall{2, Txattrcreate{2, "user.half", 6, 0}});
    c->call(Fcall{3, Twrite{2, 0, bytes_of("abc")}});
    c->call(Fcall{1, Twalk{kRoot, 3, {"target"}}});
    c->call(Fcall{2, Txattrcreate{3, "user.whole", 3, 0}});
    c->call(Fcall{3, Twrite{3, 0, bytes_of("abc")}});
  }
  ASSERT_TRUE(settle());
  EXPECT_TRUE(client()->xattr_list("target").empty());
}

TEST_F(Disconnect, WithUnlinkedFilesOpenFreesThem) {
  // In "small", so that a leak of their space or nodes shows in statfs (the fixture's check).
  const uint64_t free_before = client("small")->statfs("/").bfree;
  {
    auto fs = client("small");
    for (int i = 0; i < 4; ++i) {
      auto f = fs->create("tmp" + std::to_string(i), DOTL_RDWR, 0600);
      fs->write_all(f.fid, 0, bytes_of(std::string(128 * 1024, 't')));
      fs->unlink("tmp" + std::to_string(i));
    }
    EXPECT_LT(fs->statfs("/").bfree, free_before);
  }
}

}  // namespace
}  // namespace p9::hostile
