// Tversion, Tauth, Tattach: negotiation, session reset, identities.
#include <gtest/gtest.h>

#include <cerrno>

#include "tests/server/raw_client.h"
#include "tests/server/session_fixture.h"

namespace p9::server::testing {
namespace {

class VersionTest : public ::testing::Test {
 protected:
  TestServer server;
  RawClient raw{server.connect()};
};

TEST_F(VersionTest, AnswersTheClientsMsizeWhenSmaller) {
  const Rversion v = raw.version(8192);
  EXPECT_EQ(v.msize, 8192u);
  EXPECT_EQ(v.version, "9P2000.L");
}

TEST_F(VersionTest, CapsMsizeAtTheConfiguredMaximum) {
  const Rversion v = raw.version(64u << 20);
  EXPECT_EQ(v.msize, server.context().options.max_msize);
}

TEST_F(VersionTest, AcceptsAnExtensionOfTheVersionAndAnswersTheBase) {
  EXPECT_EQ(raw.version(65536, "9P2000.L.foo").version, "9P2000.L");
}

TEST_F(VersionTest, UnknownVersionsGetUnknownAndLeaveTheSessionUnusable) {
  EXPECT_EQ(raw.version(65536, "9P2000.u").version, "unknown");
  EXPECT_EQ(raw.version(65536, "9P2000.Lx").version, "unknown");
  auto r = raw.call(Fcall{1, Tattach{1, NOFID, "", "", 0}});
  EXPECT_EQ(rlerror_of(r), static_cast<uint32_t>(EPROTO));
}

TEST_F(VersionTest, RequestsBeforeVersionGetEproto) {
  auto r = raw.call(Fcall{1, Tattach{1, NOFID, "", "", 0}});
  EXPECT_EQ(rlerror_of(r), static_cast<uint32_t>(EPROTO));
  raw.version();
  EXPECT_NO_THROW(raw.attach(1));
}

TEST_F(VersionTest, VersionForgetsEveryFid) {
  raw.version();
  raw.attach(1);
  EXPECT_EQ(server.counters().fids.load(), 1u);
  raw.version();
  EXPECT_EQ(server.counters().fids.load(), 0u);
  auto r = raw.call(Fcall{2, Tgetattr{1, GETATTR_ALL}});
  EXPECT_EQ(rlerror_of(r), static_cast<uint32_t>(EBADF));
  EXPECT_NO_THROW(raw.attach(1));  // the number is free again
}

TEST_F(VersionTest, VersionReleasesTheSessionsLocks) {
  raw.version();
  raw.attach(1);
  EXPECT_EQ(rlerror_of(raw.call(Fcall{2, Tlcreate{1, "f", DOTL_RDWR, 0644, 0}})), 0u);
  auto locked = raw.call(Fcall{3, Tlock{1, LOCK_TYPE_WRLCK, 0, 0, 0, 1, "raw"}});
  ASSERT_EQ(locked.as<Rlock>().status, LOCK_SUCCESS);

  client::SyncClient other(server.connect());
  auto f = other.open("f", DOTL_RDWR);
  EXPECT_EQ(other.lock(f.fid, {.type = LOCK_TYPE_WRLCK, .proc_id = 2, .client_id = "other"}),
            LOCK_BLOCKED);
  raw.version();
  EXPECT_EQ(other.lock(f.fid, {.type = LOCK_TYPE_WRLCK, .proc_id = 2, .client_id = "other"}),
            LOCK_SUCCESS);
}

class AttachTest : public SessionTest {};

TEST_F(AttachTest, AuthIsNotSupported) {
  EXPECT_ERRNO(fs->call(Tauth{kFidA, "", "", 0}), EOPNOTSUPP);
}

TEST_F(AttachTest, UnknownExportIsEnoent) {
  EXPECT_ERRNO(fs->call(Tattach{kFidA, NOFID, "", "nosuch", 0}), ENOENT);
  EXPECT_NO_THROW(fs->call(Tattach{kFidA, NOFID, "", "/main", 0}));
}

TEST_F(AttachTest, FidInUseAndAuthFidsAreEbadf) {
  EXPECT_ERRNO(fs->call(Tattach{fs->client().root(), NOFID, "", "", 0}), EBADF);
  EXPECT_ERRNO(fs->call(Tattach{kFidA, 7, "", "", 0}), EBADF);
}

TEST_F(AttachTest, UnameIsLookedUpOnlyWithoutNumericUid) {
  // "root" exists on every host; n_uname ~0 means "use uname".
  EXPECT_NO_THROW(fs->call(Tattach{kFidA, NOFID, "root", "", 0xFFFFFFFF}));
  EXPECT_NO_THROW(fs->call(Tattach{kFidB, NOFID, "4242", "", 0xFFFFFFFF}));
  EXPECT_ERRNO(fs->call(Tattach{kFidC, NOFID, "no-such-user-p9", "", 0xFFFFFFFF}), EACCES);
}

TEST_F(AttachTest, UnknownNumericUidsAreServedAndOwnWhatTheyCreate) {
  fs->mkdir("pub", 0777);
  auto stranger = connect(65531);
  auto f = stranger->create("pub/mine", DOTL_WRONLY, 0640, 65530);
  stranger->clunk(f.fid);
  const auto attr = fs->stat("pub/mine");
  EXPECT_EQ(attr.uid, 65531u);
  EXPECT_EQ(attr.gid, 65530u);
}

TEST_F(AttachTest, UnknownUidsBelongToNogroup) {
  write_file("g", "group readable");
  fs->setattr("g", Tsetattr{.valid = SETATTR_MODE | SETATTR_GID, .mode = 0040, .gid = 65534});
  auto stranger = connect(65531);
  EXPECT_EQ(text_of(stranger->read_file("g")), "group readable");
  fs->setattr("g", Tsetattr{.valid = SETATTR_GID, .gid = 12345});
  EXPECT_ERRNO(stranger->read_file("g"), EACCES);
}

TEST_F(AttachTest, EachAttachCarriesItsOwnUidOnOneConnection) {
  fs->mkdir("d", 0700);
  client::PathClient user = fs->attach("", "", 1000);
  const uint32_t user_dir = fs->run(user.walk("d"));
  EXPECT_ERRNO(fs->run(user.walk(user_dir, "x")), EACCES);
  const uint32_t root_dir = fs->walk("d");
  EXPECT_ERRNO(fs->walk(root_dir, "x"), ENOENT);  // root may search it
}

class ClientAccessTest : public SessionTest {
 protected:
  static ServerOptions options() {
    ServerOptions o = default_options();
    o.exports[0].access = Access::client;
    return o;
  }
  ClientAccessTest() : SessionTest(options()) {}
};

TEST_F(ClientAccessTest, ServerDoesNotCheckPermissions) {
  fs->mkdir("d", 0700);
  write_file("d/secret", "x");
  fs->setattr("d/secret", Tsetattr{.valid = SETATTR_MODE, .mode = 0});
  auto user = connect(1000);
  EXPECT_EQ(text_of(user->read_file("d/secret")), "x");
}

class SquashTest : public SessionTest {
 protected:
  static ServerOptions options() {
    ServerOptions o = default_options();
    o.exports[0].squash_uid = 1234;
    o.exports[0].squash_gid = 4321;
    return o;
  }
  SquashTest() : SessionTest(options()) {}
};

TEST_F(SquashTest, EveryCallerActsAsTheSquashIds) {
  auto f = fs->create("f", DOTL_WRONLY, 0644, 99);
  fs->clunk(f.fid);
  const auto attr = fs->stat("f");
  EXPECT_EQ(attr.uid, 1234u);
  EXPECT_EQ(attr.gid, 4321u);
}

}  // namespace
}  // namespace p9::server::testing
