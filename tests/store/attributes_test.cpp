// getattr/setattr/open/read/write: POSIX ownership rules, set-ID clearing, times, versions,
// open-unlink.
#include <fcntl.h>

#include "tests/store/store_fixture.h"

namespace p9::store::test {
namespace {

using Attributes = StoreTest;

SetAttr mode_change(uint32_t mode) {
  SetAttr a;
  a.valid = SetAttr::MODE;
  a.mode = mode;
  return a;
}

SetAttr owner_change(uint32_t valid, uint32_t uid, uint32_t gid) {
  SetAttr a;
  a.valid = valid;
  a.uid = uid;
  a.gid = gid;
  return a;
}

TEST_F(Attributes, ChmodOwnerOnly) {
  NodeRef root = store.root();
  NodeRef f = run(store.create(root, "f", 0644, 1000, alice)).value();
  EXPECT_EQ(run(store.setattr(f, mode_change(0600), bob)).error(), EPERM);
  ASSERT_TRUE(run(store.setattr(f, mode_change(0600), alice)).ok());
  EXPECT_EQ(attr(f).mode, S_IFREG | 0600);
  ASSERT_TRUE(run(store.setattr(f, mode_change(S_IFDIR | 0700), su)).ok());
  EXPECT_EQ(attr(f).mode, S_IFREG | 0700);  // type bits are not the caller's to change
}

TEST_F(Attributes, ChmodByNonMemberClearsSetgid) {
  NodeRef root = store.root();
  NodeRef f = run(store.create(root, "f", 0644, 50, alice)).value();  // group 50: alice not in it
  ASSERT_TRUE(run(store.setattr(f, mode_change(02755), alice)).ok());
  EXPECT_EQ(attr(f).mode & 07777, 0755u);
  Credentials member{1000, 1000, {50}};
  ASSERT_TRUE(run(store.setattr(f, mode_change(02755), Caller{member, true})).ok());
  EXPECT_EQ(attr(f).mode & 07777, 02755u);
}

TEST_F(Attributes, ChownRules) {
  NodeRef root = store.root();
  Credentials alice_in_50{1000, 1000, {50}};
  Caller alice50{alice_in_50, true};
  NodeRef f = run(store.create(root, "f", 0644, 1000, alice)).value();
  EXPECT_EQ(run(store.setattr(f, owner_change(SetAttr::UID, 1001, 0), alice)).error(), EPERM);
  EXPECT_TRUE(run(store.setattr(f, owner_change(SetAttr::UID, 1000, 0), alice)).ok());
  EXPECT_EQ(run(store.setattr(f, owner_change(SetAttr::GID, 0, 50), alice)).error(), EPERM);
  EXPECT_TRUE(run(store.setattr(f, owner_change(SetAttr::GID, 0, 50), alice50)).ok());
  EXPECT_EQ(attr(f).gid, 50u);
  EXPECT_EQ(run(store.setattr(f, owner_change(SetAttr::GID, 0, 1000), bob)).error(), EPERM);
  ASSERT_TRUE(run(store.setattr(f, owner_change(SetAttr::UID | SetAttr::GID, 7, 8), su)).ok());
  EXPECT_EQ(attr(f).uid, 7u);
  EXPECT_EQ(attr(f).gid, 8u);
  // access=client: the store trusts the client's checks.
  EXPECT_TRUE(run(store.setattr(f, owner_change(SetAttr::UID, 9, 0), Caller{bob_cred, false})).ok());
}

TEST_F(Attributes, ChownClearsSetIdBitsEvenForRoot) {
  NodeRef root = store.root();
  NodeRef f = create(root, "f", 06755);
  ASSERT_TRUE(run(store.setattr(f, owner_change(SetAttr::UID, 5, 0), su)).ok());
  EXPECT_EQ(attr(f).mode & 07777, 0755u);
  NodeRef g = create(root, "g", 02644);  // setgid without group-x: kept (mandatory-lock marker)
  ASSERT_TRUE(run(store.setattr(g, owner_change(SetAttr::GID, 0, 5), su)).ok());
  EXPECT_EQ(attr(g).mode & 07777, 02644u);
  NodeRef d = mkdir(root, "d", 0755);
  ASSERT_TRUE(run(store.setattr(d, mode_change(02755), su)).ok());
  ASSERT_TRUE(run(store.setattr(d, owner_change(SetAttr::GID, 0, 5), su)).ok());
  EXPECT_EQ(attr(d).mode & 07777, 02755u);  // directories keep it
}

TEST_F(Attributes, WriteAndTruncateByNonRootClearSetId) {
  NodeRef root = store.root();
  NodeRef f = run(store.create(root, "f", 06777, 1000, alice)).value();
  ASSERT_TRUE(run(store.write(f, 0, bytes("x"), false, bob)).ok());
  EXPECT_EQ(attr(f).mode & 07777, 0777u);
  ASSERT_TRUE(run(store.setattr(f, mode_change(06777), alice)).ok());
  EXPECT_EQ(attr(f).mode & 07777, 06777u);
  SetAttr size;
  size.valid = SetAttr::SIZE;
  size.size = 10;
  ASSERT_TRUE(run(store.setattr(f, size, bob)).ok());
  EXPECT_EQ(attr(f).mode & 07777, 0777u);
  ASSERT_TRUE(run(store.setattr(f, mode_change(06777), alice)).ok());
  ASSERT_TRUE(run(store.write(f, 0, bytes("x"), false, su)).ok());  // root keeps them
  EXPECT_EQ(attr(f).mode & 07777, 06777u);
  ASSERT_TRUE(run(store.open(f, O_WRONLY | O_TRUNC, alice)).ok());  // the owner too loses them
  EXPECT_EQ(attr(f).mode & 07777, 0777u);
  EXPECT_EQ(attr(f).size, 0u);
}

TEST_F(Attributes, Times) {
  NodeRef root = store.root();
  NodeRef f = run(store.create(root, "f", 0666, 1000, alice)).value();
  SetAttr t;
  t.valid = SetAttr::ATIME | SetAttr::ATIME_SET | SetAttr::MTIME | SetAttr::MTIME_SET;
  t.atime = {1234567890, 123456789};
  t.mtime = {-5, 999999999};
  EXPECT_EQ(run(store.setattr(f, t, bob)).error(), EPERM);
  ASSERT_TRUE(run(store.setattr(f, t, alice)).ok());
  EXPECT_EQ(attr(f).atime, t.atime);
  EXPECT_EQ(attr(f).mtime, t.mtime);
  // "now" needs ownership or write permission.
  SetAttr now;
  now.valid = SetAttr::ATIME | SetAttr::MTIME;
  ASSERT_TRUE(run(store.setattr(f, now, bob)).ok());  // 0666: bob may write
  EXPECT_GT(attr(f).mtime.sec, 1000000000);
  NodeRef g = run(store.create(root, "g", 0644, 1000, alice)).value();
  EXPECT_EQ(run(store.setattr(g, now, bob)).error(), EACCES);
  // Writes move mtime and ctime; btime stays.
  const Attr before = attr(f);
  ASSERT_TRUE(run(store.write(f, 0, bytes("abc"), false, alice)).ok());
  const Attr after = attr(f);
  EXPECT_GE(after.mtime, before.ctime);
  EXPECT_EQ(after.btime, before.btime);
}

TEST_F(Attributes, VersionChangesOnEveryModification) {
  NodeRef root = store.root();
  NodeRef f = create(root, "f");
  uint64_t v = attr(f).version;
  EXPECT_NE(v, 0u);
  auto changed = [&] {
    const uint64_t now = attr(f).version;
    const bool differs = now != v && now == f.version();
    v = now;
    return differs;
  };
  write(f, 0, "a");
  EXPECT_TRUE(changed());
  ASSERT_TRUE(run(store.setattr(f, mode_change(0600), su)).ok());
  EXPECT_TRUE(changed());
  ASSERT_TRUE(run(store.set_xattr(f, "user.k", bytes("v"), 0, su)).ok());
  EXPECT_TRUE(changed());
  ASSERT_TRUE(run(store.link(root, f, "g", su)).ok());
  EXPECT_TRUE(changed());
  std::byte buf[4];
  ASSERT_TRUE(run(store.read(f, 0, buf)).ok());
  EXPECT_FALSE(changed());  // reads do not invalidate caches
}

TEST_F(Attributes, SizeSetattrErrors) {
  NodeRef root = store.root();
  SetAttr size;
  size.valid = SetAttr::SIZE;
  size.size = 1;
  EXPECT_EQ(run(store.setattr(root, size, su)).error(), EISDIR);
  NodeRef l = run(store.symlink(root, "l", "t", 0, su)).value();
  EXPECT_EQ(run(store.setattr(l, size, su)).error(), EINVAL);
  NodeRef f = create(root, "f", 0644);
  EXPECT_EQ(run(store.setattr(f, size, alice)).error(), EACCES);
  size.size = uint64_t{1} << 63;
  EXPECT_EQ(run(store.setattr(f, size, su)).error(), EFBIG);
}

TEST_F(Attributes, OpenChecks) {
  NodeRef root = store.root();
  NodeRef f = create(root, "f", 0640);
  EXPECT_EQ(run(store.open(f, O_RDONLY, alice)).error(), EACCES);
  EXPECT_TRUE(run(store.open(f, O_RDWR, su)).ok());
  Credentials group{1000, 0, {}};
  EXPECT_TRUE(run(store.open(f, O_RDONLY, Caller{group, true})).ok());
  EXPECT_EQ(run(store.open(f, O_WRONLY, Caller{group, true})).error(), EACCES);
  EXPECT_EQ(run(store.open(f, O_RDONLY | O_DIRECTORY, su)).error(), ENOTDIR);
  EXPECT_EQ(run(store.open(root, O_WRONLY, su)).error(), EISDIR);
  EXPECT_EQ(run(store.open(root, O_RDONLY | O_TRUNC, su)).error(), EISDIR);
  EXPECT_TRUE(run(store.open(root, O_RDONLY | O_DIRECTORY, alice)).ok());
  NodeRef x = create(root, "x", 0600);
  EXPECT_EQ(run(store.open(x, O_RDONLY, su)).error(), 0);  // root reads anything
  NodeRef noexec = create(root, "noexec", 0644);
  EXPECT_EQ(run(store.lookup(noexec, "a", su)).error(), ENOTDIR);
  write(f, 0, "hello");
  ASSERT_TRUE(run(store.open(f, O_RDWR | O_TRUNC, su)).ok());
  EXPECT_EQ(attr(f).size, 0u);
}

TEST_F(Attributes, ReadWriteSparseAndAppend) {
  NodeRef root = store.root();
  NodeRef f = create(root, "f");
  write(f, 0, "hello");
  write(f, 10000, "end");
  EXPECT_EQ(attr(f).size, 10003u);
  std::string all = read_all(f);
  EXPECT_EQ(all.substr(0, 5), "hello");
  EXPECT_EQ(all.substr(5, 9995), std::string(9995, '\0'));
  EXPECT_EQ(all.substr(10000), "end");
  auto w = run(store.write(f, 0, bytes("+tail"), true, su)).value();
  EXPECT_EQ(w.offset, 10003u);
  EXPECT_EQ(w.bytes, 5u);
  std::byte buf[8];
  EXPECT_EQ(run(store.read(f, 20000, buf)).value(), 0u);
  EXPECT_EQ(run(store.read(root, 0, buf)).error(), EISDIR);
  EXPECT_EQ(run(store.write(root, 0, bytes("x"), false, su)).error(), EISDIR);
  EXPECT_EQ(run(store.write(f, ~uint64_t{0} - 2, bytes("xyz"), false, su)).error(), EFBIG);
  EXPECT_GE(attr(f).blocks * 512, 8192u);
}

TEST_F(Attributes, OpenUnlinkKeepsNodeUsable) {
  NodeRef root = store.root();
  NodeRef f = create(root, "f");
  write(f, 0, std::string(100000, 'z'));
  const uint64_t used = store.counters().space_used;
  EXPECT_GE(used, 100000u);
  ASSERT_TRUE(run(store.unlink(root, "f", false, su)).ok());
  EXPECT_EQ(attr(f).nlink, 0u);
  write(f, 100000, "more");
  EXPECT_EQ(read_all(f).size(), 100004u);
  SetAttr size;
  size.valid = SetAttr::SIZE;
  size.size = 5;
  ASSERT_TRUE(run(store.setattr(f, size, su)).ok());
  EXPECT_EQ(read_all(f), "zzzzz");
  EXPECT_EQ(store.counters().orphans, 1u);
  expect_clean();
  f = NodeRef();
  EXPECT_EQ(store.counters().space_used, 0u);
  EXPECT_EQ(store.counters().nodes, 1u);
  EXPECT_EQ(store.counters().orphans, 0u);
}

}  // namespace
}  // namespace p9::store::test
