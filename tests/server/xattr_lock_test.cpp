// Txattrwalk/Txattrcreate, Tlock/Tgetlock, and a read-only export.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cerrno>
#include <string>

#include "tests/server/session_fixture.h"

namespace p9::server::testing {
namespace {

class XattrTest : public SessionTest {
 protected:
  XattrTest() { write_file("f", "file"); }
};

TEST_F(XattrTest, SetGetListRemove) {
  fs->xattr_set("f", "user.one", bytes_of("1"));
  fs->xattr_set("f", "user.two", bytes_of("22"));
  EXPECT_EQ(text_of(fs->xattr_get("f", "user.two")), "22");
  const auto names = fs->xattr_list("f");
  EXPECT_NE(std::find(names.begin(), names.end(), "user.one"), names.end());
  EXPECT_NE(std::find(names.begin(), names.end(), "user.two"), names.end());
  fs->xattr_remove("f", "user.one");
  EXPECT_ERRNO(fs->xattr_get("f", "user.one"), ENODATA);
  EXPECT_ERRNO(fs->xattr_remove("f", "user.one"), ENODATA);
}

TEST_F(XattrTest, SizeZeroWithoutFlagsRemovesAndToleratesAbsence) {
  fs->xattr_set("f", "user.acl", bytes_of("v"));
  fs->xattr_set("f", "user.acl", {}, 0);
  EXPECT_ERRNO(fs->xattr_get("f", "user.acl"), ENODATA);
  EXPECT_NO_THROW(fs->xattr_set("f", "user.acl", {}, 0));  // already absent: as an ACL removal
  fs->xattr_set("f", "user.empty", {}, store::XATTR_CREATE_FLAG);
  EXPECT_TRUE(fs->xattr_get("f", "user.empty").empty());
}

TEST_F(XattrTest, CreateAndReplaceFlags) {
  fs->xattr_set("f", "user.a", bytes_of("1"), store::XATTR_CREATE_FLAG);
  EXPECT_ERRNO(fs->xattr_set("f", "user.a", bytes_of("2"), store::XATTR_CREATE_FLAG), EEXIST);
  EXPECT_ERRNO(fs->xattr_set("f", "user.b", bytes_of("2"), store::XATTR_REPLACE_FLAG), ENODATA);
}

TEST_F(XattrTest, ValueIsReadBackByOffset) {
  const std::string value(5000, 'v');
  fs->xattr_set("f", "user.big", bytes_of(value));
  const uint32_t fid = fs->walk("f");
  auto r = fs->call(Txattrwalk{fid, kFidA, "user.big"});
  EXPECT_EQ(r.as<Rxattrwalk>().size, value.size());
  EXPECT_EQ(fs->read(kFidA, 4990, 100).size(), 10u);
  EXPECT_EQ(fs->read(kFidA, 6000, 100).size(), 0u);
  EXPECT_EQ(fs->read(kFidA, 0, 100).size(), 100u);
  // An xattr fid is not a file.
  EXPECT_ERRNO(fs->call(Tgetattr{kFidA, GETATTR_ALL}), EBADF);
  EXPECT_ERRNO(fs->call(Txattrwalk{fid, fid, "user.big"}), EBADF);
}

TEST_F(XattrTest, WriteFidErrorsSurfaceAtClunk) {
  const uint32_t fid = fs->walk("f");
  fs->call(Txattrcreate{fid, "user.short", 10, 0});
  fs->write(fid, 0, bytes_of("12345"));
  EXPECT_ERRNO(fs->write(fid, 9, bytes_of("x")), EINVAL);        // out of order
  EXPECT_ERRNO(fs->write(fid, 5, bytes_of("123456")), ENOSPC);  // past attr_size
  EXPECT_ERRNO(fs->call(Tclunk{fid}), EINVAL);                  // short value
  EXPECT_ERRNO(fs->xattr_get("f", "user.short"), ENODATA);
  fs->connection().fids().release(fid);

  const uint32_t bad = fs->walk("f");
  fs->call(Txattrcreate{bad, "nonamespace", 1, 0});
  fs->write(bad, 0, bytes_of("x"));
  EXPECT_ERRNO(fs->call(Tclunk{bad}), EOPNOTSUPP);
  EXPECT_ERRNO(fs->call(Tclunk{bad}), EBADF);  // clunked anyway
  fs->connection().fids().release(bad);
}

TEST_F(XattrTest, CreateChecks) {
  const uint32_t fid = fs->walk("f");
  EXPECT_ERRNO(fs->call(Txattrcreate{fid, "user.x", 65537, 0}), E2BIG);
  auto open = fs->open("f", DOTL_RDONLY);
  EXPECT_ERRNO(fs->call(Txattrcreate{open.fid, "user.x", 1, 0}), EINVAL);
}

class LockTest : public SessionTest {
 protected:
  LockTest() { write_file("f", "0123456789"); }
  static client::LockRange range(uint8_t type, uint64_t start = 0, uint64_t length = 0,
                                 uint32_t proc = 1) {
    return {.type = type, .start = start, .length = length, .proc_id = proc, .client_id = "test"};
  }
};

TEST_F(LockTest, ConflictsAcrossConnections) {
  auto a = fs->open("f", DOTL_RDWR);
  EXPECT_EQ(fs->lock(a.fid, range(LOCK_TYPE_WRLCK, 0, 5)), LOCK_SUCCESS);
  auto other = connect();
  auto b = other->open("f", DOTL_RDWR);
  EXPECT_EQ(other->lock(b.fid, range(LOCK_TYPE_WRLCK, 2, 1)), LOCK_BLOCKED);
  EXPECT_EQ(other->lock(b.fid, range(LOCK_TYPE_WRLCK, 5, 0)), LOCK_SUCCESS);  // after it
  const auto held = other->getlock(b.fid, range(LOCK_TYPE_RDLCK, 0, 0));
  EXPECT_EQ(held.type, LOCK_TYPE_WRLCK);
  EXPECT_EQ(held.start, 0u);
  EXPECT_EQ(held.length, 5u);
  EXPECT_EQ(held.client_id, "test");
  EXPECT_EQ(fs->lock(a.fid, range(LOCK_TYPE_UNLCK, 0, 0)), LOCK_SUCCESS);
  EXPECT_EQ(other->lock(b.fid, range(LOCK_TYPE_WRLCK, 2, 1)), LOCK_SUCCESS);
  // Same connection, other proc_id: another owner.
  EXPECT_EQ(other->lock(b.fid, range(LOCK_TYPE_WRLCK, 2, 1, 99)), LOCK_BLOCKED);
}

TEST_F(LockTest, GetlockWithoutConflictAnswersUnlck) {
  auto a = fs->open("f", DOTL_RDWR);
  const auto none = fs->getlock(a.fid, range(LOCK_TYPE_WRLCK, 3, 4));
  EXPECT_EQ(none.type, LOCK_TYPE_UNLCK);
  EXPECT_EQ(none.start, 3u);
  EXPECT_EQ(none.length, 4u);
}

TEST_F(LockTest, GetlockOfTypeUnlckReportsAnyLockOfAnotherOwner) {
  // What the Linux client sends for every F_GETLK.
  auto a = fs->open("f", DOTL_RDONLY);
  EXPECT_EQ(fs->lock(a.fid, range(LOCK_TYPE_RDLCK, 2, 3)), LOCK_SUCCESS);
  auto other = connect();
  auto b = other->open("f", DOTL_RDWR);
  const auto held = other->getlock(b.fid, range(LOCK_TYPE_UNLCK, 0, 0, 5));
  EXPECT_EQ(held.type, LOCK_TYPE_RDLCK);
  EXPECT_EQ(held.start, 2u);
  EXPECT_EQ(held.length, 3u);
  EXPECT_EQ(held.proc_id, 1u);
  EXPECT_EQ(other->getlock(b.fid, range(LOCK_TYPE_UNLCK, 5, 0, 5)).type, LOCK_TYPE_UNLCK);
}

TEST_F(LockTest, ModeAndTypeChecks) {
  auto ro = fs->open("f", DOTL_RDONLY);
  EXPECT_ERRNO(fs->lock(ro.fid, range(LOCK_TYPE_WRLCK)), EBADF);
  EXPECT_EQ(fs->lock(ro.fid, range(LOCK_TYPE_RDLCK)), LOCK_SUCCESS);
  auto wo = fs->open("f", DOTL_WRONLY);
  EXPECT_ERRNO(fs->lock(wo.fid, range(LOCK_TYPE_RDLCK)), EBADF);
  EXPECT_ERRNO(fs->lock(wo.fid, range(7)), EINVAL);
  EXPECT_ERRNO(fs->getlock(wo.fid, range(9)), EINVAL);
  const uint32_t walked = fs->walk("f");
  EXPECT_ERRNO(fs->lock(walked, range(LOCK_TYPE_RDLCK)), EBADF);
}

TEST_F(LockTest, ClunkReleasesTheFidsLocks) {
  auto a = fs->open("f", DOTL_RDWR);
  EXPECT_EQ(fs->lock(a.fid, range(LOCK_TYPE_WRLCK)), LOCK_SUCCESS);
  auto other = connect();
  auto b = other->open("f", DOTL_RDWR);
  EXPECT_EQ(other->lock(b.fid, range(LOCK_TYPE_WRLCK)), LOCK_BLOCKED);
  fs->clunk(a.fid);
  EXPECT_EQ(other->lock(b.fid, range(LOCK_TYPE_WRLCK)), LOCK_SUCCESS);
}

TEST_F(LockTest, ClunkKeepsLocksHeldThroughAnotherFid) {
  auto a = fs->open("f", DOTL_RDWR);
  auto a2 = fs->open("f", DOTL_RDWR);
  EXPECT_EQ(fs->lock(a.fid, range(LOCK_TYPE_WRLCK)), LOCK_SUCCESS);
  EXPECT_EQ(fs->lock(a2.fid, range(LOCK_TYPE_WRLCK)), LOCK_SUCCESS);  // same owner
  fs->clunk(a.fid);
  auto other = connect();
  auto b = other->open("f", DOTL_RDWR);
  EXPECT_EQ(other->lock(b.fid, range(LOCK_TYPE_WRLCK)), LOCK_BLOCKED);
  fs->clunk(a2.fid);
  EXPECT_EQ(other->lock(b.fid, range(LOCK_TYPE_WRLCK)), LOCK_SUCCESS);
}

TEST_F(LockTest, DisconnectReleasesLocks) {
  auto holder = connect();
  auto h = holder->open("f", DOTL_RDWR);
  EXPECT_EQ(holder->lock(h.fid, range(LOCK_TYPE_WRLCK)), LOCK_SUCCESS);
  auto a = fs->open("f", DOTL_RDWR);
  EXPECT_EQ(fs->lock(a.fid, range(LOCK_TYPE_WRLCK, 0, 0, 2)), LOCK_BLOCKED);
  holder.reset();
  ASSERT_TRUE(server.wait_for_sessions(1));
  EXPECT_EQ(fs->lock(a.fid, range(LOCK_TYPE_WRLCK, 0, 0, 2)), LOCK_SUCCESS);
}

class ReadOnlyTest : public SessionTest {
 protected:
  static ServerOptions options() {
    ServerOptions o = default_options();
    ExportOptions ro;
    ro.name = "ro";
    ro.read_only = true;
    o.exports.push_back(ro);
    return o;
  }
  ReadOnlyTest() : SessionTest(options()), ro(connect(0, "ro")) {}
  std::unique_ptr<client::SyncClient> ro;
};

TEST_F(ReadOnlyTest, EveryMutatingMessageIsErofs) {
  const uint32_t root = ro->client().root();
  EXPECT_ERRNO(ro->call(Tmkdir{root, "d", 0755, 0}), EROFS);
  EXPECT_ERRNO(ro->call(Tsymlink{root, "l", "t", 0}), EROFS);
  EXPECT_ERRNO(ro->call(Tmknod{root, "n", S_IFIFO | 0644, 0, 0, 0}), EROFS);
  EXPECT_ERRNO(ro->call(Tunlinkat{root, "x", 0}), EROFS);
  EXPECT_ERRNO(ro->call(Trenameat{root, "x", root, "y"}), EROFS);
  EXPECT_ERRNO(ro->call(Tsetattr{.fid = root, .valid = SETATTR_MODE, .mode = 0777}), EROFS);
  EXPECT_ERRNO(ro->call(Tlink{root, root, "h"}), EROFS);
  EXPECT_ERRNO(ro->call(Trename{root, root, "r"}), EROFS);
  ro->call(Twalk{root, kFidA, {}});
  EXPECT_ERRNO(ro->call(Txattrcreate{kFidA, "user.x", 1, 0}), EROFS);
  EXPECT_ERRNO(ro->call(Tlcreate{kFidA, "f", DOTL_RDWR, 0644, 0}), EROFS);
  EXPECT_ERRNO(ro->call(Tlopen{kFidA, DOTL_RDONLY | DOTL_TRUNC}), EROFS);
  EXPECT_ERRNO(ro->call(Tremove{kFidA}), EROFS);
  EXPECT_ERRNO(ro->call(Tclunk{kFidA}), EBADF);  // Tremove clunked it
  // Reading works.
  EXPECT_NO_THROW(ro->list("/"));
  EXPECT_NO_THROW(ro->stat("/"));
  EXPECT_NO_THROW(ro->statfs("/"));
}

}  // namespace
}  // namespace p9::server::testing
