// Names: lookup, create, mkdir, mknod, symlink, link, unlink, rename, readdir.
#include <dirent.h>
#include <fcntl.h>
#include <sys/sysmacros.h>

#include "tests/store/store_fixture.h"

namespace p9::store::test {
namespace {

using TreeOps = StoreTest;

TEST_F(TreeOps, LookupDotAndDotDotAreDerived) {
  NodeRef root = store.root();
  NodeRef a = mkdir(root, "a");
  EXPECT_EQ(lookup(a, ".", su).value(), a);
  EXPECT_EQ(lookup(a, "..", su).value(), root);
  EXPECT_EQ(lookup(root, "..", su).value(), root);
  EXPECT_EQ(list(a), (std::vector<std::string>{".", ".."}));
}

TEST_F(TreeOps, LookupErrors) {
  NodeRef root = store.root();
  NodeRef f = create(root, "f");
  EXPECT_EQ(lookup_error(root, "missing"), ENOENT);
  EXPECT_EQ(lookup_error(f, "x"), ENOTDIR);
  EXPECT_EQ(lookup_error(root, std::string(256, 'n')), ENAMETOOLONG);
  EXPECT_TRUE(lookup(root, std::string(255, 'n'), su).error() == ENOENT);
  EXPECT_EQ(lookup_error(root, "a/b"), EINVAL);
  EXPECT_EQ(lookup_error(root, ""), EINVAL);
  NodeRef d = mkdir(root, "d", 0700);
  EXPECT_EQ(lookup(d, "x", alice).error(), EACCES);
}

TEST_F(TreeOps, CreateErrors) {
  NodeRef root = store.root();
  NodeRef f = create(root, "f");
  EXPECT_EQ(run(store.create(root, "f", 0644, 0, su)).error(), EEXIST);
  EXPECT_EQ(run(store.mkdir(root, ".", 0755, 0, su)).error(), EEXIST);
  EXPECT_EQ(run(store.mkdir(root, "..", 0755, 0, su)).error(), EEXIST);
  EXPECT_EQ(run(store.create(f, "x", 0644, 0, su)).error(), ENOTDIR);
  NodeRef ro = mkdir(root, "ro", 0555);
  EXPECT_EQ(run(store.create(ro, "x", 0644, 0, alice)).error(), EACCES);
  EXPECT_TRUE(run(store.create(ro, "x", 0644, 0, su)).ok());  // root bypasses w
  // EEXIST wins over EACCES, as in Linux.
  EXPECT_EQ(run(store.create(ro, "x", 0644, 0, alice)).error(), EEXIST);
}

TEST_F(TreeOps, CreateSetsOwnerModeAndLinks) {
  NodeRef root = store.root();
  NodeRef f = run(store.create(root, "f", 04755, 77, alice)).value();
  Attr a = attr(f);
  EXPECT_EQ(a.mode, S_IFREG | 04755);
  EXPECT_EQ(a.uid, 1000u);
  EXPECT_EQ(a.gid, 77u);
  EXPECT_EQ(a.nlink, 1u);
  EXPECT_NE(a.version, 0u);
  NodeRef d = run(store.mkdir(root, "d", 07777, 5, alice)).value();
  EXPECT_EQ(attr(d).mode, S_IFDIR | 01777);  // mkdir drops suid/sgid
  EXPECT_EQ(attr(d).nlink, 2u);
  EXPECT_EQ(attr(root).nlink, 3u);
}

TEST_F(TreeOps, SetgidDirectoryInheritance) {
  NodeRef root = store.root();
  NodeRef d = run(store.mkdir(root, "d", 02777, 500, su)).value();
  EXPECT_EQ(attr(d).mode & 07777, 0777u);  // mkdir takes no set-ID bits from its caller
  SetAttr chmod;
  chmod.valid = SetAttr::MODE;
  chmod.mode = 02777;
  ASSERT_TRUE(run(store.setattr(d, chmod, su)).ok());
  NodeRef f = run(store.create(d, "f", 0644, 1000, alice)).value();
  EXPECT_EQ(attr(f).gid, 500u);
  NodeRef sub = run(store.mkdir(d, "sub", 0755, 1000, alice)).value();
  EXPECT_EQ(attr(sub).gid, 500u);
  EXPECT_EQ(attr(sub).mode & S_ISGID, static_cast<uint32_t>(S_ISGID));
  // A setgid+group-exec file asked for by a non-member loses S_ISGID.
  NodeRef g = run(store.create(d, "g", 02755, 1000, alice)).value();
  EXPECT_EQ(attr(g).mode & 07777, 0755u);
  NodeRef outside = run(store.create(root, "o", 0644, 1000, alice)).value();
  EXPECT_EQ(attr(outside).gid, 1000u);
}

TEST_F(TreeOps, MknodKinds) {
  NodeRef root = store.root();
  auto fifo = run(store.mknod(root, "p", S_IFIFO | 0600, 0, 0, alice)).value();
  EXPECT_EQ(attr(fifo).mode, S_IFIFO | 0600);
  auto sock = run(store.mknod(root, "s", S_IFSOCK | 0600, 0, 0, alice)).value();
  EXPECT_EQ(sock.kind(), NodeKind::socket);
  auto chr = run(store.mknod(root, "c", S_IFCHR | 0600, makedev(1, 3), 0, su)).value();
  EXPECT_EQ(attr(chr).rdev, makedev(1, 3));
  auto blk = run(store.mknod(root, "b", S_IFBLK | 0600, makedev(8, 0), 0, su)).value();
  EXPECT_EQ(blk.kind(), NodeKind::block_device);
  auto reg = run(store.mknod(root, "r", 0600, 0, 0, alice)).value();
  EXPECT_EQ(reg.kind(), NodeKind::regular);
  EXPECT_EQ(run(store.mknod(root, "c2", S_IFCHR | 0600, 1, 0, alice)).error(), EPERM);
  EXPECT_EQ(run(store.mknod(root, "d", S_IFDIR | 0700, 0, 0, su)).error(), EPERM);
  EXPECT_EQ(run(store.mknod(root, "x", 0170000 | 0600, 0, 0, su)).error(), EINVAL);
  EXPECT_EQ(run(store.read(fifo, 0, {})).error(), EINVAL);
}

TEST_F(TreeOps, Symlinks) {
  NodeRef root = store.root();
  NodeRef l = run(store.symlink(root, "l", "some/target", 0, alice)).value();
  EXPECT_EQ(run(store.readlink(l)).value(), "some/target");
  EXPECT_EQ(attr(l).mode, S_IFLNK | 0777);
  EXPECT_EQ(attr(l).size, 11u);
  EXPECT_EQ(run(store.readlink(root)).error(), EINVAL);
  EXPECT_EQ(run(store.symlink(root, "e", "", 0, su)).error(), ENOENT);
  EXPECT_EQ(run(store.symlink(root, "e", std::string(4096, 'x'), 0, su)).error(), ENAMETOOLONG);
  EXPECT_TRUE(run(store.symlink(root, "m", std::string(4095, 'x'), 0, su)).ok());
  EXPECT_EQ(run(store.open(l, O_RDONLY, su)).error(), ELOOP);
}

TEST_F(TreeOps, HardLinks) {
  NodeRef root = store.root();
  NodeRef d = mkdir(root, "d");
  NodeRef f = create(root, "f");
  ASSERT_TRUE(run(store.link(d, f, "g", su)).ok());
  EXPECT_EQ(attr(f).nlink, 2u);
  EXPECT_EQ(lookup(d, "g", su).value(), f);
  EXPECT_EQ(run(store.link(d, f, "g", su)).error(), EEXIST);
  EXPECT_EQ(run(store.link(root, d, "d2", su)).error(), EPERM);
  // protected_hardlinks: alice may not link root's 0644 file (no write permission).
  NodeRef pub = mkdir(root, "pub", 0777);
  EXPECT_EQ(run(store.link(pub, f, "h", alice)).error(), EPERM);
  ASSERT_TRUE(run(store.unlink(root, "f", false, su)).ok());
  ASSERT_TRUE(run(store.unlink(d, "g", false, su)).ok());
  EXPECT_EQ(attr(f).nlink, 0u);
  EXPECT_EQ(run(store.link(d, f, "again", su)).error(), ENOENT);
  expect_clean();
}

TEST_F(TreeOps, UnlinkAndRmdirErrors) {
  NodeRef root = store.root();
  NodeRef d = mkdir(root, "d");
  create(d, "f");
  create(root, "f");
  EXPECT_EQ(run(store.unlink(root, "d", false, su)).error(), EISDIR);
  EXPECT_EQ(run(store.unlink(root, "f", true, su)).error(), ENOTDIR);
  EXPECT_EQ(run(store.unlink(root, "d", true, su)).error(), ENOTEMPTY);
  EXPECT_EQ(run(store.unlink(root, "nope", false, su)).error(), ENOENT);
  EXPECT_EQ(run(store.unlink(d, ".", true, su)).error(), EINVAL);
  EXPECT_EQ(run(store.unlink(d, "..", true, su)).error(), ENOTEMPTY);
  EXPECT_EQ(run(store.unlink(d, ".", false, su)).error(), EISDIR);
  EXPECT_EQ(run(store.unlink(d, "f", false, alice)).error(), EACCES);  // d is 0755
  ASSERT_TRUE(run(store.unlink(d, "f", false, su)).ok());
  ASSERT_TRUE(run(store.unlink(root, "d", true, su)).ok());
  EXPECT_EQ(attr(root).nlink, 2u);
  // A removed directory accepts nothing new and lists nothing.
  EXPECT_EQ(run(store.create(d, "x", 0644, 0, su)).error(), ENOENT);
  EXPECT_EQ(lookup_error(d, "x"), ENOENT);
  EXPECT_EQ(attr(d).nlink, 0u);
  EXPECT_EQ(run(store.readdir(d, 0, [](std::span<const DirEntry> batch) { return batch.size(); })).error(), ENOENT);
  expect_clean();
}

TEST_F(TreeOps, RemovedDirectoriesStaySafeToUse) {
  NodeRef root = store.root();
  NodeRef p = mkdir(root, "p");
  NodeRef x = mkdir(p, "x");
  create(root, "f");
  ASSERT_TRUE(run(store.unlink(p, "x", true, su)).ok());
  ASSERT_TRUE(run(store.unlink(root, "p", true, su)).ok());
  p = NodeRef();  // x's old parent is now unnamed and unreferenced by handles
  EXPECT_EQ(run(store.rename(root, "f", x, "g", su)).error(), ENOENT);
  EXPECT_EQ(lookup_error(x, ".."), ENOENT);
  EXPECT_EQ(run(store.mkdir(x, "y", 0755, 0, su)).error(), ENOENT);
  EXPECT_EQ(store.counters().orphans, 2u);
  x = NodeRef();
  EXPECT_EQ(store.counters().orphans, 0u);
  expect_clean();
}

TEST_F(TreeOps, StickyDirectory) {
  NodeRef root = store.root();
  NodeRef tmp = mkdir(root, "tmp", 01777);
  ASSERT_TRUE(run(store.create(tmp, "alices", 0666, 1000, alice)).ok());
  EXPECT_EQ(run(store.unlink(tmp, "alices", false, bob)).error(), EPERM);
  EXPECT_EQ(run(store.rename(tmp, "alices", tmp, "bobs", bob)).error(), EPERM);
  ASSERT_TRUE(run(store.create(tmp, "bobs", 0666, 1001, bob)).ok());
  EXPECT_EQ(run(store.rename(tmp, "bobs", tmp, "alices", bob)).error(), EPERM);
  EXPECT_TRUE(run(store.unlink(tmp, "alices", false, alice)).ok());
  EXPECT_TRUE(run(store.unlink(tmp, "bobs", false, su)).ok());
  // The directory's owner may remove anything in it.
  NodeRef mine = run(store.mkdir(root, "mine", 01777, 1000, alice)).value();
  ASSERT_TRUE(run(store.create(mine, "b", 0666, 1001, bob)).ok());
  EXPECT_TRUE(run(store.unlink(mine, "b", false, alice)).ok());
}

TEST_F(TreeOps, RenameOverFilesAndDirectories) {
  NodeRef root = store.root();
  NodeRef a = create(root, "a");
  write(a, 0, "A");
  NodeRef b = create(root, "b");
  ASSERT_TRUE(run(store.rename(root, "a", root, "b", su)).ok());
  EXPECT_EQ(lookup(root, "b", su).value(), a);
  EXPECT_EQ(lookup_error(root, "a"), ENOENT);
  EXPECT_EQ(attr(b).nlink, 0u);

  NodeRef d1 = mkdir(root, "d1");
  NodeRef d2 = mkdir(root, "d2");
  create(d2, "x");
  EXPECT_EQ(run(store.rename(root, "d1", root, "d2", su)).error(), ENOTEMPTY);
  EXPECT_EQ(run(store.rename(root, "d1", root, "b", su)).error(), ENOTDIR);
  EXPECT_EQ(run(store.rename(root, "b", root, "d1", su)).error(), EISDIR);
  NodeRef e = mkdir(root, "e");
  ASSERT_TRUE(run(store.rename(root, "d1", root, "e", su)).ok());
  EXPECT_EQ(attr(e).nlink, 0u);
  EXPECT_EQ(attr(root).nlink, 4u);  // d2, e (was d1)
  EXPECT_EQ(run(store.rename(root, "nope", root, "z", su)).error(), ENOENT);
  EXPECT_EQ(run(store.rename(root, ".", root, "z", su)).error(), EBUSY);
  expect_clean();
}

TEST_F(TreeOps, RenameDirectoryAcrossParents) {
  NodeRef root = store.root();
  NodeRef a = mkdir(root, "a");
  NodeRef b = mkdir(a, "b");
  NodeRef c = mkdir(b, "c");
  NodeRef other = mkdir(root, "other");
  EXPECT_EQ(run(store.rename(root, "a", c, "a", su)).error(), EINVAL);
  EXPECT_EQ(run(store.rename(root, "a", a, "x", su)).error(), EINVAL);
  // Target is an ancestor of the source's directory: ENOTEMPTY, as Linux.
  EXPECT_EQ(run(store.rename(b, "c", root, "a", su)).error(), ENOTEMPTY);
  ASSERT_TRUE(run(store.rename(a, "b", other, "b", su)).ok());
  EXPECT_EQ(lookup(b, "..", su).value(), other);
  EXPECT_EQ(attr(a).nlink, 2u);
  EXPECT_EQ(attr(other).nlink, 3u);
  // Moving a directory to a new parent needs write permission on it (its ".." changes).
  NodeRef pub = mkdir(root, "pub", 0777);
  NodeRef pub2 = mkdir(root, "pub2", 0777);
  ASSERT_TRUE(run(store.mkdir(pub, "ro", 0555, 0, alice)).ok());
  EXPECT_EQ(run(store.rename(pub, "ro", pub2, "ro", alice)).error(), EACCES);
  EXPECT_TRUE(run(store.rename(pub, "ro", pub, "ro2", alice)).ok());
  expect_clean();
}

TEST_F(TreeOps, RenameSameNodeIsNoOp) {
  NodeRef root = store.root();
  NodeRef f = create(root, "f");
  ASSERT_TRUE(run(store.link(root, f, "g", su)).ok());
  const uint64_t v = f.version();
  ASSERT_TRUE(run(store.rename(root, "f", root, "g", su)).ok());
  EXPECT_EQ(attr(f).nlink, 2u);
  EXPECT_EQ(list(root), (std::vector<std::string>{".", "..", "f", "g"}));
  EXPECT_EQ(f.version(), v);
  ASSERT_TRUE(run(store.rename(root, "f", root, "f", su)).ok());
}

TEST_F(TreeOps, ReaddirCookiesSurviveChanges) {
  NodeRef root = store.root();
  NodeRef d = mkdir(root, "d");
  for (int i = 0; i < 10; ++i) create(d, "f" + std::to_string(i));
  uint64_t resume = 0;
  EXPECT_EQ(list(d, 0, 5, &resume), (std::vector<std::string>{".", "..", "f0", "f1", "f2"}));
  // Remove the next entry, and the last one handed out; add new ones.
  ASSERT_TRUE(run(store.unlink(d, "f3", false, su)).ok());
  ASSERT_TRUE(run(store.unlink(d, "f2", false, su)).ok());
  create(d, "new");
  EXPECT_EQ(list(d, resume),
            (std::vector<std::string>{"f4", "f5", "f6", "f7", "f8", "f9", "new"}));
  // A cookie handed out earlier still resumes at the same place (seekdir).
  EXPECT_EQ(list(d, resume, 1), (std::vector<std::string>{"f4"}));
  EXPECT_EQ(list(d, 1, 1), (std::vector<std::string>{".."}));
  std::vector<uint64_t> inos;
  ASSERT_TRUE(run(store.readdir(d, 0, [&](std::span<const DirEntry> batch) {
    for (const DirEntry& e : batch) {
      inos.push_back(e.ino);
      if (e.name == "f4") {
        EXPECT_EQ(e.type, DT_REG);
      }
      if (e.name == ".") {
        EXPECT_EQ(e.type, DT_DIR);
      }
    }
    return batch.size();
  })).ok());
  EXPECT_EQ(inos[0], d.id());
  EXPECT_EQ(inos[1], root.id());
}

TEST_F(TreeOps, LargeDirectoryListsEveryEntryOnceAcrossChurn) {
  NodeRef root = store.root();
  NodeRef d = mkdir(root, "big");
  constexpr int N = 3000;
  for (int i = 0; i < N; ++i) create(d, "s" + std::to_string(i));
  std::vector<int> seen(N, 0);
  uint64_t cookie = 0;
  int round = 0;
  for (;;) {
    std::vector<std::string> page = list(d, cookie, 97, &cookie);
    if (page.empty()) break;
    for (const auto& n : page) {
      if (n[0] == 's') ++seen[std::stoi(n.substr(1))];
    }
    // Churn between pages: new names and removal of transient ones.
    if (round == 60) continue;  // stop churning, or new names would keep the listing going
    const std::string t = "t" + std::to_string(round++);
    create(d, t);
    if (round % 2 == 0) {
      ASSERT_TRUE(run(store.unlink(d, "t" + std::to_string(round - 2), false, su)).ok());
    }
  }
  for (int i = 0; i < N; ++i) ASSERT_EQ(seen[i], 1) << i;
  expect_clean();
}

}  // namespace
}  // namespace p9::store::test
