// Limits and hostile clients: fid and space limits, disconnects mid-request, clients that never
// read, broken frames; the server stays healthy and every resource returns.
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

#include "tests/server/raw_client.h"
#include "tests/server/session_fixture.h"

namespace p9::server::testing {
namespace {

ServerOptions with(auto change) {
  ServerOptions o = default_options();
  change(o);
  return o;
}

class FidLimitTest : public SessionTest {
 protected:
  FidLimitTest() : SessionTest(with([](ServerOptions& o) { o.max_fids = 8; })) {}
};

TEST_F(FidLimitTest, FidsBeyondTheLimitAreEmfile) {
  const uint32_t root = fs->client().root();  // fid 1 of 8
  for (uint32_t i = 0; i < 7; ++i) fs->call(Twalk{root, kFidA + 10 + i, {}});
  EXPECT_ERRNO(fs->call(Twalk{root, kFidA, {}}), EMFILE);
  EXPECT_ERRNO(fs->call(Tattach{kFidA, NOFID, "", "", 0}), EMFILE);
  EXPECT_ERRNO(fs->call(Txattrwalk{root, kFidA, ""}), EMFILE);
  fs->call(Tclunk{kFidA + 10});
  EXPECT_NO_THROW(fs->call(Twalk{root, kFidA, {}}));
  EXPECT_EQ(server.counters().fids.load(), 8u);
}

class SpaceLimitTest : public SessionTest {
 protected:
  SpaceLimitTest()
      : SessionTest(with([](ServerOptions& o) {
          o.exports[0].size_limit = 256 * 1024;
          o.exports[0].inode_limit = 10;
        })) {}
};

TEST_F(SpaceLimitTest, WritesBeyondTheSizeLimitAreEnospc) {
  auto f = fs->create("big", DOTL_WRONLY, 0644);
  const std::vector<std::byte> data(1 << 20, std::byte{1});
  EXPECT_ERRNO(fs->write_all(f.fid, 0, data), ENOSPC);
  fs->clunk(f.fid);
  fs->unlink("big");
  EXPECT_EQ(server.store_counters().space_used, 0u);
  // The space is usable again.
  auto g = fs->create("small", DOTL_WRONLY, 0644);
  EXPECT_NO_THROW(fs->write_all(g.fid, 0, std::span(data).first(100 * 1024)));
}

TEST_F(SpaceLimitTest, NodesBeyondTheInodeLimitAreEnospc) {
  int created = 0;
  int err = 0;
  while (err == 0 && created < 20) {
    err = error_of([&] { fs->mkdir("d" + std::to_string(created), 0755); });
    created += err == 0;
  }
  EXPECT_EQ(err, ENOSPC);
  EXPECT_EQ(created, 9);  // the root is the tenth node
}

class DisconnectTest : public SessionTest {};

TEST_F(DisconnectTest, DroppingAConnectionMidRequestReleasesEverything) {
  write_file("f", "x");
  const auto base_nodes = server.store_counters().nodes;
  const uint64_t base_fids = server.counters().fids.load();
  auto held = fs->open("f", DOTL_RDWR);
  ASSERT_EQ(fs->lock(held.fid, {.type = LOCK_TYPE_WRLCK, .proc_id = 1, .client_id = "a"}), LOCK_SUCCESS);
  {
    RawClient b(server.connect());
    b.version();
    b.attach(1);
    b.call(Fcall{2, Twalk{1, 2, {"f"}}});
    b.call(Fcall{3, Tlopen{2, DOTL_RDWR}});
    // An open-unlinked file of its own, and a parked lock: both in flight when it goes.
    b.call(Fcall{4, Twalk{1, 3, {}}});
    b.call(Fcall{5, Tlcreate{3, "tmp", DOTL_RDWR, 0600, 0}});
    b.call(Fcall{6, Tunlinkat{1, "tmp", 0}});
    EXPECT_EQ(server.store_counters().orphans, 1u);
    b.send(Fcall{7, Tlock{2, LOCK_TYPE_WRLCK, LOCK_FLAGS_BLOCK, 0, 0, 1, "b"}});
    b.send(Fcall{8, Tread{3, 0, 100}});
    EXPECT_EQ(server.counters().fids.load(), base_fids + 4);
  }
  ASSERT_TRUE(server.wait_for_sessions(1));
  EXPECT_EQ(server.counters().fids.load(), base_fids + 1);
  EXPECT_EQ(server.store_counters().orphans, 0u);
  EXPECT_EQ(server.store_counters().nodes, base_nodes);
  // B's cancelled lock was not granted when A let go.
  fs->lock(held.fid, {.type = LOCK_TYPE_UNLCK, .proc_id = 1, .client_id = "a"});
  auto c = connect();
  auto f = c->open("f", DOTL_RDWR);
  EXPECT_EQ(c->lock(f.fid, {.type = LOCK_TYPE_WRLCK, .proc_id = 3, .client_id = "c"}), LOCK_SUCCESS);
  EXPECT_TRUE(server.session_errors().empty());
}

TEST_F(DisconnectTest, TruncatedFrameThenCloseEndsOnlyThatSession) {
  {
    RawClient b(server.connect());
    b.version();
    const auto frame = encode_frame(Fcall{1, Tattach{1, NOFID, "", "", 0}});
    b.send_bytes(std::span(frame).first(frame.size() - 3));
  }
  ASSERT_TRUE(server.wait_for_sessions(1));
  EXPECT_NO_THROW(fs->stat("/"));
}

TEST_F(DisconnectTest, ThousandConnectionsOpenedAndDropped) {
  for (int i = 0; i < 1000; ++i) {
    {
      RawClient r(server.connect());
      if (i % 2 == 0) r.send(Fcall{NOTAG, Tversion{65536, "9P2000.L"}});
    }
    if (i % 100 == 99) {
      ASSERT_TRUE(server.wait_for_sessions(1, std::chrono::seconds(30)));
    }
  }
  ASSERT_TRUE(server.wait_for_sessions(1, std::chrono::seconds(30)));
  EXPECT_NO_THROW(fs->stat("/"));
  EXPECT_EQ(server.counters().fids.load(), 1u);
}

class SlowReaderTest : public SessionTest {
 protected:
  SlowReaderTest() : SessionTest(with([](ServerOptions& o) { o.max_inflight = 16; })) {}
};

TEST_F(SlowReaderTest, AClientThatNeverReadsStopsTheReader) {
  constexpr uint32_t kCount = 16384;
  constexpr int kRequests = 2000;
  write_file("f", std::string(kCount, 'r'));
  RawClient b(server.connect());
  b.version(65536);
  b.attach(1);
  b.call(Fcall{2, Twalk{1, 2, {"f"}}});
  b.call(Fcall{3, Tlopen{2, DOTL_RDONLY}});
  const uint64_t before = server.counters().requests.load();

  // 2000 reads of 16 KiB (32 MiB of replies) sent at once, no reply read.
  std::vector<std::byte> frames;
  for (int i = 0; i < kRequests; ++i) {
    const auto f = encode_frame(Fcall{static_cast<uint16_t>(i + 10), Tread{2, 0, kCount}});
    frames.insert(frames.end(), f.begin(), f.end());
  }
  b.send_bytes(frames);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  // The server took in what --max-inflight allows plus the replies the socket could buffer.
  const uint64_t taken = server.counters().requests.load() - before;
  EXPECT_LT(taken, 100u);
  EXPECT_GE(taken, 16u);

  // Once the client reads, every request is answered.
  for (int i = 0; i < kRequests; ++i) {
    auto r = b.receive();
    ASSERT_TRUE(r) << i;
    ASSERT_EQ(r->as<Rread>().data.size(), kCount);
  }
  EXPECT_EQ(server.counters().requests.load() - before, static_cast<uint64_t>(kRequests));
}

class BadFrameTest : public SessionTest {
 protected:
  RawClient raw{server.connect()};
  void expect_others_unharmed() {
    EXPECT_NO_THROW(fs->stat("/"));
    EXPECT_TRUE(server.session_errors().empty());
  }
};

std::vector<std::byte> header(uint32_t size, uint8_t type, uint16_t tag) {
  std::vector<std::byte> h(7);
  for (int i = 0; i < 4; ++i) h[i] = static_cast<std::byte>(size >> (8 * i));
  h[4] = static_cast<std::byte>(type);
  h[5] = static_cast<std::byte>(tag);
  h[6] = static_cast<std::byte>(tag >> 8);
  return h;
}

TEST_F(BadFrameTest, SizeBelowTheHeaderClosesTheConnection) {
  raw.version();
  raw.send_bytes(header(3, 100, 1));
  EXPECT_TRUE(raw.closed_by_server());
  expect_others_unharmed();
}

TEST_F(BadFrameTest, SizeAboveMsizeClosesTheConnection) {
  raw.version(8192);
  raw.send_bytes(header(8193, static_cast<uint8_t>(MsgType::Twrite), 1));
  EXPECT_TRUE(raw.closed_by_server());
  expect_others_unharmed();
}

TEST_F(BadFrameTest, FourGigabyteFrameClosesTheConnection) {
  raw.send_bytes(header(0xFFFFFFFF, static_cast<uint8_t>(MsgType::Twrite), 1));
  EXPECT_TRUE(raw.closed_by_server());
  expect_others_unharmed();
}

TEST_F(BadFrameTest, UnknownTypeIsEopnotsuppAndTheConnectionLives) {
  raw.version();
  raw.send_bytes(header(7, 200, 5));
  auto r = raw.receive();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->tag(), 5);
  EXPECT_EQ(rlerror_of(*r), static_cast<uint32_t>(EOPNOTSUPP));
  EXPECT_NO_THROW(raw.attach(1));
}

TEST_F(BadFrameTest, MalformedBodiesAreEprotoOrEinval) {
  raw.version();
  // A string whose length runs past the end of the frame.
  auto frame = header(7 + 4 + 4 + 2, static_cast<uint8_t>(MsgType::Tattach), 6);
  for (uint8_t b : {1, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 50, 0}) frame.push_back(std::byte{b});
  raw.send_bytes(frame);
  auto r = raw.receive();
  ASSERT_TRUE(r);
  EXPECT_EQ(rlerror_of(*r), static_cast<uint32_t>(EPROTO));
  // A reply sent as a request.
  raw.send(Fcall{7, Rclunk{}});
  EXPECT_EQ(rlerror_of(*raw.receive()), static_cast<uint32_t>(EPROTO));
  // 17 walk names.
  auto walk = header(0, static_cast<uint8_t>(MsgType::Twalk), 8);
  for (uint8_t b : {1, 0, 0, 0, 2, 0, 0, 0, 17, 0}) walk.push_back(std::byte{b});
  for (int i = 0; i < 17; ++i) {
    walk.push_back(std::byte{1});
    walk.push_back(std::byte{0});
    walk.push_back(std::byte{'a'});
  }
  const uint32_t size = static_cast<uint32_t>(walk.size());
  for (int i = 0; i < 4; ++i) walk[i] = static_cast<std::byte>(size >> (8 * i));
  raw.send_bytes(walk);
  EXPECT_EQ(rlerror_of(*raw.receive()), static_cast<uint32_t>(EINVAL));
  EXPECT_NO_THROW(raw.attach(1));
}

class StopTest : public SessionTest {
 protected:
  StopTest() : SessionTest(with([](ServerOptions& o) { o.shutdown_grace_ms = 300; })) {}
};

TEST_F(StopTest, StopFinishesRequestsAndReleasesEverything) {
  write_file("f", "x");
  auto held = fs->open("f", DOTL_RDWR);
  ASSERT_EQ(fs->lock(held.fid, {.type = LOCK_TYPE_WRLCK, .proc_id = 1, .client_id = "a"}), LOCK_SUCCESS);
  RawClient b(server.connect());
  b.version();
  b.attach(1);
  b.call(Fcall{2, Twalk{1, 2, {"f"}}});
  b.call(Fcall{3, Tlopen{2, DOTL_RDWR}});
  b.send(Fcall{4, Tlock{2, LOCK_TYPE_WRLCK, LOCK_FLAGS_BLOCK, 0, 0, 1, "b"}});
  EXPECT_TRUE(b.silent());
  const auto start = std::chrono::steady_clock::now();
  server.stop_sessions();
  ASSERT_TRUE(server.wait_for_sessions(0));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  EXPECT_TRUE(b.closed_by_server());
  EXPECT_EQ(server.counters().fids.load(), 0u);
  EXPECT_TRUE(server.check_store().empty());
  EXPECT_TRUE(server.session_errors().empty());
}

}  // namespace
}  // namespace p9::server::testing
