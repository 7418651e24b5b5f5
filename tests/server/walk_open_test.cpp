// Twalk, Tclunk, Tlopen, Tlcreate.
#include <gtest/gtest.h>

#include <cerrno>
#include <string>

#include "tests/server/session_fixture.h"

namespace p9::server::testing {
namespace {

class WalkTest : public SessionTest {
 protected:
  WalkTest() {
    fs->mkdir("a", 0755);
    fs->mkdir("a/b", 0755);
    write_file("a/b/f", "data");
  }
  uint32_t root() { return fs->client().root(); }
};

TEST_F(WalkTest, WalksSeveralNamesAndAnswersOneQidEach) {
  auto r = fs->call(Twalk{root(), kFidA, {"a", "b", "f"}});
  const auto& qids = r.as<Rwalk>().wqids;
  ASSERT_EQ(qids.size(), 3u);
  EXPECT_EQ(qids[0].type, QTDIR);
  EXPECT_EQ(qids[2].type, QTFILE);
  EXPECT_NE(qids[2].version, 0u);
  EXPECT_EQ(fs->getattr(kFidA).size, 4u);
}

TEST_F(WalkTest, ZeroNamesClones) {
  auto r = fs->call(Twalk{root(), kFidA, {}});
  EXPECT_TRUE(r.as<Rwalk>().wqids.empty());
  EXPECT_EQ(fs->getattr(kFidA).qid, fs->getattr(root()).qid);
}

TEST_F(WalkTest, FirstNameFailureIsAnErrorAndCreatesNoFid) {
  EXPECT_ERRNO(fs->call(Twalk{root(), kFidA, {"nope", "b"}}), ENOENT);
  EXPECT_ERRNO(fs->call(Tclunk{kFidA}), EBADF);
  walk_to(*fs, kFidB, {"a", "b", "f"});
  EXPECT_ERRNO(fs->call(Twalk{kFidB, kFidA, {"x"}}), ENOTDIR);
}

TEST_F(WalkTest, PartialWalkAnswersTheQidsWalkedAndCreatesNoFid) {
  auto r = fs->call(Twalk{root(), kFidA, {"a", "b", "missing", "x"}});
  EXPECT_EQ(r.as<Rwalk>().wqids.size(), 2u);
  // The Linux client clunks the fid that was never made: an error, not a dropped connection.
  EXPECT_ERRNO(fs->call(Tclunk{kFidA}), EBADF);
  EXPECT_NO_THROW(fs->stat("a"));
}

TEST_F(WalkTest, NewfidInUseIsEbadf) {
  walk_to(*fs, kFidA, {"a"});
  EXPECT_ERRNO(fs->call(Twalk{root(), kFidA, {"a", "b"}}), EBADF);
  EXPECT_ERRNO(fs->call(Twalk{kFidC, kFidB, {"a"}}), EBADF);  // unknown fid
}

TEST_F(WalkTest, NewfidEqualToFidMovesTheFid) {
  walk_to(*fs, kFidA, {"a"});
  fs->call(Twalk{kFidA, kFidA, {"b", "f"}});
  EXPECT_EQ(fs->getattr(kFidA).size, 4u);
}

TEST_F(WalkTest, DotDotAtTheExportRootStaysThere) {
  auto r = fs->call(Twalk{root(), kFidA, {"..", "..", "a", "..", ".."}});
  EXPECT_EQ(r.as<Rwalk>().wqids.size(), 5u);
  EXPECT_EQ(fs->getattr(kFidA).qid.path, fs->getattr(root()).qid.path);
}

TEST_F(WalkTest, BadNamesAreEinvalOrEnametoolong) {
  EXPECT_ERRNO(fs->call(Twalk{root(), kFidA, {"a/b"}}), EINVAL);
  EXPECT_ERRNO(fs->call(Twalk{root(), kFidA, {""}}), EINVAL);
  const std::string long_name(256, 'n');
  EXPECT_ERRNO(fs->call(Twalk{root(), kFidA, {long_name}}), ENAMETOOLONG);
}

TEST_F(WalkTest, WalkFromAnOpenFidIsAllowed) {
  auto f = fs->open("a/b/f", DOTL_RDONLY);
  fs->call(Twalk{f.fid, kFidA, {}});
  EXPECT_EQ(fs->getattr(kFidA).size, 4u);
  // The clone is not open.
  EXPECT_ERRNO(fs->call(Tread{kFidA, 0, 10}), EBADF);
  auto d = fs->open("a", DOTL_RDONLY | DOTL_DIRECTORY);
  fs->call(Twalk{d.fid, kFidB, {"b", "f"}});
  EXPECT_EQ(fs->getattr(kFidB).size, 4u);
}

TEST_F(WalkTest, ClunkTwiceIsEbadf) {
  walk_to(*fs, kFidA, {"a"});
  EXPECT_NO_THROW(fs->call(Tclunk{kFidA}));
  EXPECT_ERRNO(fs->call(Tclunk{kFidA}), EBADF);
}

TEST_F(WalkTest, FidGaugeFollowsWalksAndClunks) {
  const uint64_t base = server.counters().fids.load();
  walk_to(*fs, kFidA, {"a"});
  walk_to(*fs, kFidB, {"a", "b"});
  EXPECT_EQ(server.counters().fids.load(), base + 2);
  fs->call(Tclunk{kFidA});
  fs->call(Tclunk{kFidB});
  EXPECT_EQ(server.counters().fids.load(), base);
}

class OpenTest : public WalkTest {};

TEST_F(OpenTest, OpenTwiceIsEinval) {
  walk_to(*fs, kFidA, {"a", "b", "f"});
  auto r = fs->call(Tlopen{kFidA, DOTL_RDONLY});
  EXPECT_EQ(r.as<Rlopen>().iounit, 0u);
  EXPECT_ERRNO(fs->call(Tlopen{kFidA, DOTL_RDONLY}), EINVAL);
}

TEST_F(OpenTest, FlagsWithoutMeaningInMemoryAreIgnored) {
  walk_to(*fs, kFidA, {"a", "b", "f"});
  fs->call(Tlopen{kFidA, DOTL_RDWR | DOTL_DIRECT | DOTL_LARGEFILE | DOTL_NOATIME | DOTL_CLOEXEC |
                             DOTL_NOCTTY | DOTL_NONBLOCK | DOTL_SYNC | DOTL_DSYNC | DOTL_FASYNC |
                             DOTL_CREATE | DOTL_EXCL});
  EXPECT_EQ(text_of(fs->read(kFidA, 0, 100)), "data");
  EXPECT_EQ(fs->write(kFidA, 4, bytes_of("!")), 1u);
}

TEST_F(OpenTest, AccessModeIsEnforcedPerFid) {
  auto ro = fs->open("a/b/f", DOTL_RDONLY);
  EXPECT_ERRNO(fs->write(ro.fid, 0, bytes_of("x")), EBADF);
  auto wo = fs->open("a/b/f", DOTL_WRONLY);
  EXPECT_ERRNO(fs->read(wo.fid, 0, 10), EBADF);
  walk_to(*fs, kFidA, {"a", "b", "f"});
  EXPECT_ERRNO(fs->read(kFidA, 0, 10), EBADF);  // not open
  EXPECT_ERRNO(fs->write(kFidA, 0, bytes_of("x")), EBADF);
}

TEST_F(OpenTest, DirectoryCannotBeOpenedForWriting) {
  walk_to(*fs, kFidA, {"a"});
  EXPECT_ERRNO(fs->call(Tlopen{kFidA, DOTL_WRONLY}), EISDIR);
  EXPECT_NO_THROW(fs->call(Tlopen{kFidA, DOTL_RDONLY | DOTL_DIRECTORY}));  // the fid is still usable
}

TEST_F(OpenTest, DirectoryFlagOnAFileIsEnotdir) {
  walk_to(*fs, kFidA, {"a", "b", "f"});
  EXPECT_ERRNO(fs->call(Tlopen{kFidA, DOTL_RDONLY | DOTL_DIRECTORY}), ENOTDIR);
}

TEST_F(OpenTest, TruncateEmptiesTheFile) {
  auto f = fs->open("a/b/f", DOTL_WRONLY | DOTL_TRUNC);
  EXPECT_EQ(fs->getattr(f.fid).size, 0u);
}

TEST_F(OpenTest, ReadOfADirectoryFidIsEisdir) {
  auto d = fs->open("a", DOTL_RDONLY);
  EXPECT_ERRNO(fs->read(d.fid, 0, 100), EISDIR);
}

TEST_F(OpenTest, AppendWritesGoToTheEndWhateverTheOffset) {
  auto one = fs->open("a/b/f", DOTL_WRONLY | DOTL_APPEND);
  auto two = fs->open("a/b/f", DOTL_WRONLY | DOTL_APPEND);
  fs->write(one.fid, 0, bytes_of("-one"));
  fs->write(two.fid, 0, bytes_of("-two"));
  fs->write(one.fid, 2, bytes_of("-three"));
  EXPECT_EQ(text_of(fs->read_file("a/b/f")), "data-one-two-three");
}

TEST_F(OpenTest, CreateTurnsTheDirectoryFidIntoTheOpenFile) {
  walk_to(*fs, kFidA, {"a"});
  auto r = fs->call(Tlcreate{kFidA, "new", DOTL_RDWR, 0600, 0});
  EXPECT_EQ(r.as<Rlcreate>().qid.type, QTFILE);
  EXPECT_EQ(fs->write(kFidA, 0, bytes_of("hello")), 5u);
  EXPECT_EQ(text_of(fs->read(kFidA, 0, 100)), "hello");
  EXPECT_EQ(fs->stat("a/new").mode & 07777, 0600u);
  // Tremove through the created fid knows its name.
  fs->call(Tremove{kFidA});
  EXPECT_ERRNO(fs->stat("a/new"), ENOENT);
}

TEST_F(OpenTest, CreateErrors) {
  walk_to(*fs, kFidA, {"a"});
  EXPECT_ERRNO(fs->call(Tlcreate{kFidA, "b", DOTL_RDWR, 0600, 0}), EEXIST);
  EXPECT_ERRNO(fs->call(Tlcreate{kFidA, ".", DOTL_RDWR, 0600, 0}), EINVAL);
  EXPECT_ERRNO(fs->call(Tlcreate{kFidA, "x/y", DOTL_RDWR, 0600, 0}), EINVAL);
  EXPECT_ERRNO(fs->call(Tlcreate{kFidA, std::string(256, 'x'), DOTL_RDWR, 0600, 0}), ENAMETOOLONG);
  walk_to(*fs, kFidB, {"a", "b", "f"});
  EXPECT_ERRNO(fs->call(Tlcreate{kFidB, "x", DOTL_RDWR, 0600, 0}), ENOTDIR);
  auto open_dir = fs->open("a", DOTL_RDONLY);
  EXPECT_ERRNO(fs->call(Tlcreate{open_dir.fid, "x", DOTL_RDWR, 0600, 0}), EINVAL);
  // After the failures the fid is still the directory.
  EXPECT_NO_THROW(fs->call(Tlcreate{kFidA, "ok", DOTL_RDWR, 0600, 0}));
}

TEST_F(OpenTest, ReadCountIsClampedToMsize) {
  const std::string big(300000, 'z');
  auto f = fs->create("big", DOTL_RDWR, 0600);
  fs->write_all(f.fid, 0, bytes_of(big));
  client::SyncClient small(server.connect(), {.msize = 8192});
  ASSERT_EQ(small.msize(), 8192u);
  auto g = small.open("big", DOTL_RDONLY);
  auto r = small.call(Tread{g.fid, 0, 0xFFFFFFFF});
  EXPECT_EQ(r.as<Rread>().data.size(), 8192u - IOHDRSZ);
  EXPECT_EQ(small.read_all(g.fid).size(), big.size());
}

}  // namespace
}  // namespace p9::server::testing
