// The access=user security matrix: with several uids attached on one connection, the server
// enforces POSIX permissions for each (owner/group/other × r/w/x on files and directories), root
// bypasses them, squash exports own everything as the squash ids, sticky directories protect other
// users' entries, setgid directories pass their group on, and S_ISUID/S_ISGID go on write and chown.
//
// Callers are uids the host does not know: the server gives them gid 65534 (nogroup) and no other
// groups. So a file of group 65534 puts every such caller in its group class, and one of group 4242
// puts them in the other class.
#include <pwd.h>
#include <sys/stat.h>

#include <cerrno>
#include <string>

#include "tests/hostile/hostile_fixture.h"
#include "tests/hostile/user_view.h"

namespace p9::hostile {
namespace {

constexpr uint32_t kOwner = 50001;
constexpr uint32_t kMate = 50002;      // shares the owner's group 65534
constexpr uint32_t kStranger = 50003;
constexpr uint32_t kNoGroup = 65534;   // every unknown uid's group
constexpr uint32_t kForeign = 4242;    // nobody's group

constexpr int R = 4, W = 2, X = 1;

uint32_t mode_bits(const client::Attr& a) { return a.mode & 07777; }

class Security : public HostileTest {
 protected:
  ServerConfig config() const override {
    ServerConfig c = default_config();
    c.args = {"--export", "sec", "--export", "sq,squash=4000:4001", "--export", "cl,access=client",
              "--max-fids", "256", "--threads", "2", "--shutdown-grace-ms", "1000"};
    c.exports = {"sec", "sq", "cl"};
    return c;
  }

  void SetUp() override {
    for (uint32_t uid : {kOwner, kMate, kStranger}) {
      if (getpwuid(uid) != nullptr) GTEST_SKIP() << "uid " << uid << " exists on this host";
    }
    HostileTest::SetUp();
    conn = client("sec");
    root = std::make_unique<UserView>(*conn, "sec", 0);
    owner = std::make_unique<UserView>(*conn, "sec", kOwner);
    mate = std::make_unique<UserView>(*conn, "sec", kMate);
    stranger = std::make_unique<UserView>(*conn, "sec", kStranger);
  }
  void TearDown() override {
    root.reset();
    owner.reset();
    mate.reset();
    stranger.reset();
    conn.reset();
    HostileTest::TearDown();
  }

  std::unique_ptr<client::SyncClient> conn;
  std::unique_ptr<UserView> root, owner, mate, stranger;
};

// Who is in which class of a node the owner made with group 65534 ("g") or 4242 ("o").
struct ClassCase {
  const char* name;
  int shift;        // 6 owner, 3 group, 0 other
  char suffix;      // which of the owner's nodes: _g or _o
  bool by_owner;    // the caller: owner or mate
};
constexpr ClassCase kClasses[] = {{"owner", 6, 'g', true}, {"group", 3, 'g', false}, {"other", 0, 'o', false}};

TEST_F(Security, FilePermissionMatrix) {
  ASSERT_EQ(owner->create("f_g", 0600, kNoGroup), 0);
  ASSERT_EQ(owner->create("f_o", 0600, kForeign), 0);
  for (const ClassCase& k : kClasses) {
    const std::string file = std::string("f_") + k.suffix;
    UserView& caller = k.by_owner ? *owner : *mate;
    for (int bit : {R, W, X}) {
      ASSERT_EQ(owner->chmod(file, static_cast<uint32_t>(bit << k.shift)), 0);
      SCOPED_TRACE(std::string(k.name) + " with only " + "rwx"[bit == R ? 0 : bit == W ? 1 : 2]);
      EXPECT_EQ(caller.open(file, DOTL_RDONLY), bit == R ? 0 : EACCES);
      EXPECT_EQ(caller.open(file, DOTL_WRONLY), bit == W ? 0 : EACCES);
      EXPECT_EQ(caller.open(file, DOTL_RDWR), EACCES);
      EXPECT_EQ(caller.truncate(file, 0), bit == W ? 0 : EACCES);
    }
    // Only the caller's own class counts: every bit of the other classes grants nothing.
    ASSERT_EQ(owner->chmod(file, 0777 & ~(7u << k.shift)), 0);
    EXPECT_EQ(caller.open(file, DOTL_RDONLY), EACCES) << k.name;
    EXPECT_EQ(caller.open(file, DOTL_WRONLY), EACCES) << k.name;
  }
}

TEST_F(Security, DirectoryPermissionMatrix) {
  for (const char* dir : {"d_g", "d_o"}) {
    ASSERT_EQ(owner->mkdir(dir, 0777, dir[2] == 'g' ? kNoGroup : kForeign), 0);
    ASSERT_EQ(owner->create(std::string(dir) + "/inner", 0666), 0);
  }
  int made = 0;
  for (const ClassCase& k : kClasses) {
    const std::string dir = std::string("d_") + k.suffix;
    UserView& caller = k.by_owner ? *owner : *mate;
    for (int bits : {R, W, X, W | X, R | X}) {
      ASSERT_EQ(owner->chmod(dir, static_cast<uint32_t>(bits << k.shift)), 0);
      SCOPED_TRACE(std::string(k.name) + " with bits " + std::to_string(bits));
      // r lists, x searches, w with x makes and removes entries.
      EXPECT_EQ(caller.list(dir), bits & R ? 0 : EACCES);
      EXPECT_EQ(caller.walk(dir + "/inner"), bits & X ? 0 : EACCES);
      const std::string made_path = dir + "/made" + std::to_string(made++);
      const int create = caller.create(made_path, 0644);
      EXPECT_EQ(create, (bits & W) && (bits & X) ? 0 : EACCES);
      EXPECT_EQ(caller.mkdir(made_path + "d", 0755), create);
    }
  }
}

TEST_F(Security, RemovingAndRenamingEntriesNeedWriteAndSearchOnTheDirectory) {
  for (const char* dir : {"d_g", "d_o"}) ASSERT_EQ(owner->mkdir(dir, 0777, dir[2] == 'g' ? kNoGroup : kForeign), 0);
  int n = 0;
  for (const ClassCase& k : kClasses) {
    const std::string dir = std::string("d_") + k.suffix;
    UserView& caller = k.by_owner ? *owner : *mate;
    for (int bits : {R, W, X, R | W, R | X, W | X}) {
      // Root makes the entries whatever the directory's mode; they are root's, and the directory
      // is not sticky, so only the directory's bits decide.
      const std::string victim = dir + "/victim" + std::to_string(n++);
      ASSERT_EQ(root->create(victim, 0666), 0);
      ASSERT_EQ(root->mkdir(victim + "d", 0777), 0);
      ASSERT_EQ(root->create(victim + "r", 0666), 0);
      ASSERT_EQ(root->create(victim + "x", 0666), 0);
      ASSERT_EQ(owner->chmod(dir, static_cast<uint32_t>(bits << k.shift)), 0);
      SCOPED_TRACE(std::string(k.name) + " with bits " + std::to_string(bits));
      const int expected = (bits & W) && (bits & X) ? 0 : EACCES;
      EXPECT_EQ(caller.unlink(victim), expected);
      EXPECT_EQ(caller.unlink(victim + "d", DOTL_AT_REMOVEDIR), expected);
      EXPECT_EQ(caller.rename(victim + "r", victim + "m"), expected);
      // Out of the directory into the export root, which anyone may write: the source decides.
      EXPECT_EQ(caller.rename(victim + "x", "out" + std::to_string(n)), expected);
    }
  }
}

TEST_F(Security, RootBypassesPermissionBits) {
  ASSERT_EQ(owner->create("locked", 0000), 0);
  ASSERT_EQ(owner->mkdir("vault", 0755), 0);
  ASSERT_EQ(owner->create("vault/inside", 0000), 0);
  ASSERT_EQ(owner->chmod("vault", 0000), 0);
  EXPECT_EQ(root->open("locked", DOTL_RDWR), 0);
  EXPECT_EQ(root->write("locked", "root"), 0);
  EXPECT_EQ(root->list("vault"), 0);
  EXPECT_EQ(root->walk("vault/inside"), 0);
  EXPECT_EQ(root->create("vault/by-root", 0600), 0);
  EXPECT_EQ(root->chmod("locked", 0600), 0);
  EXPECT_EQ(root->chown("locked", kStranger, kForeign), 0);
  EXPECT_EQ(root->stat("locked").uid, kStranger);
  // The owner of the vault, without bits, is shut out like anyone.
  EXPECT_EQ(owner->list("vault"), EACCES);
  EXPECT_EQ(owner->walk("vault/inside"), EACCES);
}

TEST_F(Security, OwnershipAndTimesNeedTheOwner) {
  ASSERT_EQ(owner->create("mine", 0666, kNoGroup), 0);
  EXPECT_EQ(mate->chmod("mine", 0777), EPERM);
  EXPECT_EQ(mate->chown("mine", kMate, kNoGroup), EPERM);
  EXPECT_EQ(mate->chgrp("mine", kNoGroup), EPERM);
  // An owner cannot give a file away, nor give it a group they are not in.
  EXPECT_EQ(owner->chown("mine", kMate, kNoGroup), EPERM);
  EXPECT_EQ(owner->chgrp("mine", kForeign), EPERM);
  EXPECT_EQ(owner->chgrp("mine", kNoGroup), 0);
  // Times: "now" needs write permission (utimes(NULL)), explicit times need ownership.
  EXPECT_EQ(mate->touch("mine"), 0);
  EXPECT_EQ(mate->set_times("mine", 12345), EPERM);
  EXPECT_EQ(owner->set_times("mine", 12345), 0);
  ASSERT_EQ(owner->chmod("mine", 0644), 0);
  EXPECT_EQ(mate->touch("mine"), EACCES);
  EXPECT_EQ(mode_bits(root->stat("mine")), 0644u);
}

TEST_F(Security, StickyDirectoriesProtectOtherUsersEntries) {
  ASSERT_EQ(root->mkdir("sticky", 01777), 0);
  ASSERT_EQ(root->chown("sticky", kStranger, kNoGroup), 0);  // the directory's owner
  ASSERT_EQ(owner->create("sticky/a", 0666), 0);
  ASSERT_EQ(mate->create("sticky/b", 0666), 0);
  // Write permission on the directory is not enough for another user's entry.
  EXPECT_EQ(mate->unlink("sticky/a"), EPERM);
  EXPECT_EQ(mate->rename("sticky/a", "sticky/c"), EPERM);
  EXPECT_EQ(mate->rename("sticky/b", "sticky/a"), EPERM);  // replacing it is removing it
  EXPECT_EQ(owner->walk("sticky/a"), 0);
  // The entry's owner, the directory's owner and root may.
  EXPECT_EQ(owner->rename("sticky/a", "sticky/a2"), 0);
  EXPECT_EQ(stranger->unlink("sticky/a2"), 0);
  EXPECT_EQ(root->unlink("sticky/b"), 0);
  // The same in a directory without the sticky bit: anyone with write permission.
  ASSERT_EQ(root->mkdir("open", 0777), 0);
  ASSERT_EQ(owner->create("open/a", 0600), 0);
  EXPECT_EQ(mate->unlink("open/a"), 0);
  // The export root itself is sticky (mode 01777 by default).
  ASSERT_EQ(owner->create("top", 0666), 0);
  EXPECT_EQ(mate->unlink("top"), EPERM);
}

TEST_F(Security, SetgidDirectoriesPassOnTheirGroup) {
  ASSERT_EQ(root->mkdir("sg", 0777), 0);
  ASSERT_EQ(root->chgrp("sg", kForeign), 0);
  ASSERT_EQ(root->chmod("sg", 02777), 0);
  // Whatever group the client asks for, new nodes take the directory's.
  ASSERT_EQ(owner->create("sg/f", 02755, kNoGroup), 0);
  ASSERT_EQ(owner->mkdir("sg/sub", 0755, kNoGroup), 0);
  ASSERT_EQ(owner->symlink("target", "sg/link", kNoGroup), 0);
  ASSERT_EQ(owner->mknod("sg/fifo", S_IFIFO | 0644, kNoGroup), 0);
  for (const char* path : {"sg/f", "sg/sub", "sg/link", "sg/fifo"}) EXPECT_EQ(root->stat(path).gid, kForeign) << path;
  // Subdirectories inherit the bit; a non-member's group-executable file loses it (Linux
  // mode_strip_sgid); root's keeps it.
  EXPECT_EQ(mode_bits(root->stat("sg/sub")), 02755u);
  EXPECT_EQ(mode_bits(root->stat("sg/f")), 0755u);
  ASSERT_EQ(root->create("sg/rootf", 02755), 0);
  EXPECT_EQ(mode_bits(root->stat("sg/rootf")), 02755u);
  // A member of the directory's group keeps it too.
  ASSERT_EQ(root->mkdir("sg2", 0777), 0);
  ASSERT_EQ(root->chgrp("sg2", kNoGroup), 0);
  ASSERT_EQ(root->chmod("sg2", 02777), 0);
  ASSERT_EQ(owner->create("sg2/f", 02755), 0);
  EXPECT_EQ(mode_bits(root->stat("sg2/f")), 02755u);
}

TEST_F(Security, SetidBitsAreClearedByWritesOfAnyoneButRoot) {
  ASSERT_EQ(owner->create("setid", 0644, kNoGroup), 0);
  auto reset = [&](uint32_t mode) { ASSERT_EQ(owner->chmod("setid", mode), 0); };
  reset(06777);
  EXPECT_EQ(mate->write("setid", "x"), 0);
  EXPECT_EQ(mode_bits(root->stat("setid")), 0777u) << "write by another user";
  reset(06777);
  EXPECT_EQ(owner->write("setid", "x"), 0);
  EXPECT_EQ(mode_bits(root->stat("setid")), 0777u) << "write by the owner";
  reset(06777);
  EXPECT_EQ(mate->truncate("setid", 0), 0);
  EXPECT_EQ(mode_bits(root->stat("setid")), 0777u) << "truncate by another user";
  reset(06777);
  EXPECT_EQ(root->write("setid", "x"), 0);
  EXPECT_EQ(mode_bits(root->stat("setid")), 06777u) << "write by root (CAP_FSETID)";
  // S_ISGID without group-execute marks mandatory locking, not privilege: it stays.
  reset(06767);
  EXPECT_EQ(mate->write("setid", "x"), 0);
  EXPECT_EQ(mode_bits(root->stat("setid")), 02767u);
}

TEST_F(Security, SetidBitsAreClearedByChown) {
  ASSERT_EQ(owner->create("setid", 0644, kNoGroup), 0);
  ASSERT_EQ(owner->chmod("setid", 06755), 0);
  EXPECT_EQ(root->chown("setid", kMate, kNoGroup), 0);
  EXPECT_EQ(mode_bits(root->stat("setid")), 0755u) << "chown by root";
  ASSERT_EQ(root->chmod("setid", 06745), 0);
  EXPECT_EQ(root->chown("setid", kOwner, kNoGroup), 0);
  EXPECT_EQ(mode_bits(root->stat("setid")), 02745u) << "S_ISGID without group-x stays";
  ASSERT_EQ(owner->chmod("setid", 06755), 0);
  EXPECT_EQ(owner->chgrp("setid", kNoGroup), 0);
  EXPECT_EQ(mode_bits(root->stat("setid")), 0755u) << "chgrp by the owner";
  // Directories keep theirs (mkdir ignores S_ISGID in its mode, as Linux: set it by chmod).
  ASSERT_EQ(root->mkdir("dir", 0755), 0);
  ASSERT_EQ(root->chmod("dir", 02755), 0);
  EXPECT_EQ(root->chown("dir", kOwner, kNoGroup), 0);
  EXPECT_EQ(mode_bits(root->stat("dir")), 02755u);
}

TEST_F(Security, ChmodCannotGiveAForeignGroupTheSetgidBit) {
  // The owner is not in group 4242: S_ISGID is dropped silently (Linux chmod), the rest applies.
  ASSERT_EQ(owner->create("foreign", 0644, kForeign), 0);
  EXPECT_EQ(owner->chmod("foreign", 02755), 0);
  EXPECT_EQ(mode_bits(root->stat("foreign")), 0755u);
  EXPECT_EQ(owner->chmod("foreign", 04755), 0);
  EXPECT_EQ(mode_bits(root->stat("foreign")), 04755u);
}

TEST_F(Security, DeviceNodesNeedRoot) {
  // CAP_MKNOD: device nodes are root's; FIFOs and sockets anyone's.
  EXPECT_EQ(owner->mknod("chr", S_IFCHR | 0666), EPERM);
  EXPECT_EQ(owner->mknod("blk", S_IFBLK | 0666), EPERM);
  EXPECT_EQ(owner->mknod("fifo", S_IFIFO | 0666), 0);
  EXPECT_EQ(owner->mknod("sock", S_IFSOCK | 0666), 0);
  EXPECT_EQ(root->mknod("chr", S_IFCHR | 0666), 0);
}

TEST_F(Security, XattrNamespacesFollowTheCaller) {
  ASSERT_EQ(owner->create("attrs", 0644), 0);
  EXPECT_EQ(owner->set_xattr("attrs", "user.note", "mine"), 0);
  // user.*: reading needs read permission, writing needs write permission.
  EXPECT_EQ(mate->get_xattr("attrs", "user.note"), 0);
  EXPECT_EQ(mate->set_xattr("attrs", "user.note", "theirs"), EACCES);
  ASSERT_EQ(owner->chmod("attrs", 0600), 0);
  EXPECT_EQ(mate->get_xattr("attrs", "user.note"), EACCES);
  // trusted.*: root only; to others it does not exist.
  EXPECT_EQ(owner->set_xattr("attrs", "trusted.t", "x"), EPERM);
  EXPECT_EQ(root->set_xattr("attrs", "trusted.t", "x"), 0);
  EXPECT_EQ(owner->get_xattr("attrs", "trusted.t"), ENODATA);
  EXPECT_EQ(root->get_xattr("attrs", "trusted.t"), 0);
}

TEST_F(Security, SquashExportsOwnEverythingAsTheSquashIds) {
  UserView sq_root(*conn, "sq", 0);
  UserView sq_user(*conn, "sq", 123);
  ASSERT_EQ(sq_root.create("by-root", 0644, 777), 0);
  ASSERT_EQ(sq_user.create("by-user", 0644, 777), 0);
  ASSERT_EQ(sq_user.mkdir("dir", 0755, 777), 0);
  ASSERT_EQ(sq_user.symlink("t", "link", 777), 0);
  ASSERT_EQ(sq_root.mknod("fifo", S_IFIFO | 0644, 777), 0);
  for (const char* path : {"by-root", "by-user", "dir", "link", "fifo"}) {
    const auto a = sq_root.stat(path);
    EXPECT_EQ(a.uid, 4000u) << path;
    EXPECT_EQ(a.gid, 4001u) << path;
  }
  // Squashed root is uid 4000, not root: the export root (owned by 0) is not theirs, and
  // permission bits bind it.
  EXPECT_EQ(sq_root.chmod("", 0777), EPERM);
  EXPECT_EQ(sq_root.chown("by-user", 0, 0), EPERM);
  ASSERT_EQ(sq_user.chmod("by-user", 0000), 0);
  EXPECT_EQ(sq_root.open("by-user", DOTL_RDONLY), EACCES);
}

TEST_F(Security, AccessClientExportsLeaveChecksToTheClient) {
  // access=client: the client checked permissions; the server only records ownership.
  UserView cl_owner(*conn, "cl", kOwner);
  UserView cl_mate(*conn, "cl", kMate);
  ASSERT_EQ(cl_owner.create("f", 0000, kNoGroup), 0);
  EXPECT_EQ(cl_mate.open("f", DOTL_RDWR), 0);
  EXPECT_EQ(cl_mate.chmod("f", 0600), 0);
  EXPECT_EQ(cl_owner.stat("f").uid, kOwner);
  // S_ISUID still goes on a write by a non-root caller: it protects the file, not the caller.
  ASSERT_EQ(cl_owner.chmod("f", 04755), 0);
  EXPECT_EQ(cl_mate.write("f", "x"), 0);
  EXPECT_EQ(mode_bits(cl_owner.stat("f")), 0755u);
}

}  // namespace
}  // namespace p9::hostile
