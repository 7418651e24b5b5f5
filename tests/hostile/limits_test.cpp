// Limits a client runs into on purpose: fids per connection (EMFILE), connections per server
// (refused), bytes and inodes of an export (ENOSPC), and memory a handful of small requests could
// make the server hold.
#include <sys/stat.h>

#include <cerrno>
#include <string>

#include "tests/hostile/eventually.h"
#include "tests/hostile/hostile_fixture.h"

namespace p9::hostile {
namespace {

class Limits : public HostileTest {};

TEST_F(Limits, FidsBeyondMaxFidsAreEmfile) {
  // --max-fids 64: the attach is one; 63 more, then every fid-making message is EMFILE.
  auto c = attached();
  for (uint32_t fid = 100; fid < 163; ++fid) ASSERT_EQ(err(*c, Fcall{1, Twalk{kRoot, fid, {}}}), 0u) << fid;
  EXPECT_EQ(err(*c, Fcall{2, Twalk{kRoot, 200, {}}}), uint32_t{EMFILE});
  EXPECT_EQ(err(*c, Fcall{3, Twalk{kRoot, 200, {kProbePath}}}), uint32_t{EMFILE});
  EXPECT_EQ(err(*c, Fcall{4, Tattach{200, NOFID, "", "main", 0}}), uint32_t{EMFILE});
  EXPECT_EQ(err(*c, Fcall{5, Txattrwalk{kRoot, 200, ""}}), uint32_t{EMFILE});
  // In place walks and Tlcreate make no new fid and still work.
  EXPECT_EQ(err(*c, Fcall{6, Twalk{100, 100, {kProbePath}}}), 0u);
  EXPECT_EQ(err(*c, Fcall{7, Tlcreate{101, "made", DOTL_RDWR, 0644, 0}}), 0u);
  // Another connection has its own budget.
  auto other = attached();
  EXPECT_EQ(err(*other, Fcall{8, Twalk{kRoot, 2, {}}}), 0u);
  // One clunk makes room for exactly one.
  c->call(Fcall{9, Tclunk{162}});
  EXPECT_EQ(err(*c, Fcall{10, Twalk{kRoot, 200, {}}}), 0u);
  EXPECT_EQ(err(*c, Fcall{11, Twalk{kRoot, 201, {}}}), uint32_t{EMFILE});
}

TEST_F(Limits, WritesBeyondTheExportSizeAreEnospc) {
  // "small" holds 1 MiB of data: writing 2 MiB stops with ENOSPC, having stored at most 1 MiB.
  auto c = attached("small");
  c->call(Fcall{1, Tlcreate{kRoot, "fill", DOTL_RDWR, 0644, 0}});
  const std::string chunk(32768, 'f');
  uint64_t written = 0;
  uint32_t error = 0;
  while (error == 0 && written < (2u << 20)) {
    auto r = c->call(Fcall{2, Twrite{kRoot, written, bytes_of(chunk)}});
    error = rlerror_of(r);
    if (error == 0) written += r.as<Rwrite>().count;
  }
  EXPECT_EQ(error, uint32_t{ENOSPC});
  EXPECT_LE(written, 1u << 20);
  // Growing by truncation does not take space (a hole); a hole at the limit is fine.
  EXPECT_EQ(err(*c, Fcall{3, Tsetattr{kRoot, SETATTR_SIZE, 0, 0, 0, 100u << 20}}), 0u);
  // Space comes back with truncation, at once.
  EXPECT_EQ(err(*c, Fcall{4, Tsetattr{kRoot, SETATTR_SIZE, 0, 0, 0, 0}}), 0u);
  EXPECT_EQ(err(*c, Fcall{5, Twrite{kRoot, 0, bytes_of(chunk)}}), 0u);
}

TEST_F(Limits, NodesBeyondTheInodeLimitAreEnospc) {
  // "small" holds 64 nodes, its root one of them.
  auto c = attached("small");
  int made = 0;
  uint32_t error = 0;
  while (error == 0 && made < 100) {
    error = err(*c, Fcall{1, Tmkdir{kRoot, "d" + std::to_string(made), 0755, 0}});
    made += error == 0;
  }
  EXPECT_EQ(error, uint32_t{ENOSPC});
  EXPECT_EQ(made, 63);
  // Every other way of making a node is refused as well; links make no node and still work.
  c->call(Fcall{2, Twalk{kRoot, 2, {}}});
  EXPECT_EQ(err(*c, Fcall{3, Tlcreate{2, "f", DOTL_RDWR, 0644, 0}}), uint32_t{ENOSPC});
  EXPECT_EQ(err(*c, Fcall{4, Tsymlink{kRoot, "s", "t", 0}}), uint32_t{ENOSPC});
  EXPECT_EQ(err(*c, Fcall{5, Tmknod{kRoot, "p", S_IFIFO | 0644, 0, 0, 0}}), uint32_t{ENOSPC});
  EXPECT_EQ(client("small")->statfs("/").ffree, 0u);
  // One removal makes room for one.
  EXPECT_EQ(err(*c, Fcall{6, Tunlinkat{kRoot, "d0", DOTL_AT_REMOVEDIR}}), 0u);
  EXPECT_EQ(err(*c, Fcall{7, Tlcreate{2, "f", DOTL_RDWR, 0644, 0}}), 0u);
}

TEST_F(Limits, OpenUnlinkedFilesKeepTheirSpaceUntilTheLastFidGoes) {
  auto c = attached("small", 0, client::DEFAULT_MSIZE);
  const uint64_t free_before = client("small")->statfs("/").bfree;
  c->call(Fcall{1, Tlcreate{kRoot, "gone", DOTL_RDWR, 0644, 0}});
  c->call(Fcall{2, Twrite{kRoot, 0, bytes_of(std::string(256 * 1024, 'g'))}});
  c->attach(2, 0, "small");  // kRoot became the new file
  EXPECT_EQ(err(*c, Fcall{4, Tunlinkat{2, "gone", 0}}), 0u);
  // Still readable, writable and stat-able through the fid (nlink 0), still charged.
  auto attr = c->call(Fcall{5, Tgetattr{kRoot, GETATTR_ALL}}).as<Rgetattr>();
  EXPECT_EQ(attr.nlink, 0u);
  EXPECT_EQ(attr.size, 256u * 1024);
  EXPECT_EQ(c->call(Fcall{6, Tread{kRoot, 0, 10}}).as<Rread>().data.size(), 10u);
  EXPECT_EQ(err(*c, Fcall{7, Twrite{kRoot, 0, bytes_of("more")}}), 0u);
  EXPECT_LT(client("small")->statfs("/").bfree, free_before);
  // Walking from the open fid works too (open-unlink-fstat); the clone keeps it alive.
  EXPECT_EQ(err(*c, Fcall{8, Twalk{kRoot, 3, {}}}), 0u);
  c->call(Fcall{9, Tclunk{kRoot}});
  EXPECT_EQ(c->call(Fcall{10, Tgetattr{3, GETATTR_ALL}}).as<Rgetattr>().size, 256u * 1024);
  EXPECT_LT(client("small")->statfs("/").bfree, free_before);
  c->call(Fcall{11, Tclunk{3}});
  EXPECT_TRUE(eventually([&] { return client("small")->statfs("/").bfree == free_before; }));
}

// --max-connections 4 (the bystander is one of them).
class ConnectionLimit : public HostileTest {
 protected:
  ServerConfig config() const override {
    return default_config().set("--max-connections", "4");
  }
};

TEST_F(ConnectionLimit, ConnectionsBeyondTheLimitAreRefusedAndLogged) {
  std::vector<std::unique_ptr<RawClient>> held;
  for (int i = 0; i < 3; ++i) held.push_back(attached());
  const std::size_t log_before = server().log_size();
  auto refused = raw();
  EXPECT_TRUE(refused->closed_by_server());
  EXPECT_NE(server().log_since(log_before).find("refused"), std::string::npos);
  // The held connections are unaffected; once one goes, a new one is accepted.
  for (auto& c : held) EXPECT_EQ(c->call(Fcall{1, Tstatfs{kRoot}}).type(), MsgType::Rstatfs);
  held.pop_back();
  ASSERT_TRUE(settle(2));
  auto again = raw(true);
  EXPECT_EQ(again->version().version, "9P2000.L");
}

// Enough fids to see what pending xattr values cost.
class XattrMemory : public HostileTest {
 protected:
  ServerConfig config() const override {
    ServerConfig c = default_config().set("--max-fids", "2100");
    c.fresh_per_case = true;
    return c;
  }
  static constexpr uint32_t kFids = 2000;
  // 2000 values of 64 KiB would be 125 MiB; the bound leaves room for ASan's bookkeeping.
  static constexpr uint64_t kBoundKib = 32 * 1024;
};

TEST_F(XattrMemory, PendingXattrcreateCostsNothingUntilDataArrives) {
  // A 20-byte Txattrcreate announcing 64 KiB must not make the server allocate 64 KiB at once:
  // 2000 of them on one connection would pin 125 MiB for nothing sent.
  auto c = attached();
  c->call(Fcall{1, Twalk{kRoot, 2, {kProbePath}}});
  const uint64_t before = server().rss_kib();
  for (uint32_t fid = 10; fid < 10 + kFids; ++fid) {
    c->call(Fcall{1, Twalk{2, fid, {}}});
    ASSERT_EQ(err(*c, Fcall{2, Txattrcreate{fid, "user.x", 65536, 0}}), 0u);
  }
  EXPECT_LT(server().rss_kib(), before + kBoundKib);
}

TEST_F(XattrMemory, XattrwalkSnapshotsAreNotCopiedPerFid) {
  // One 64 KiB attribute read through 2000 fids: the value is the same for all of them.
  auto fs = client();
  const std::string value(65536, 'v');
  fs->xattr_set(kProbePath, "user.big", bytes_of(value));
  auto c = attached();
  c->call(Fcall{1, Twalk{kRoot, 2, {kProbePath}}});
  const uint64_t before = server().rss_kib();
  for (uint32_t fid = 10; fid < 10 + kFids; ++fid) {
    ASSERT_EQ(err(*c, Fcall{1, Txattrwalk{2, fid, "user.big"}}), 0u);
  }
  EXPECT_LT(server().rss_kib(), before + kBoundKib);
  fs->xattr_remove(kProbePath, "user.big");
}

}  // namespace
}  // namespace p9::hostile
