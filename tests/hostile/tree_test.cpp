// Tree operations a client may try to tie in knots: a directory moved into its own subtree, the
// export root removed or renamed, "." and ".." unlinked, directories used after their removal.
#include <sys/stat.h>

#include <cerrno>

#include "tests/hostile/hostile_fixture.h"

namespace p9::hostile {
namespace {

constexpr uint32_t kA = 2;    // /a
constexpr uint32_t kB = 3;    // /a/b
constexpr uint32_t kC = 4;    // /a/b/c
constexpr uint32_t kFile = 5;  // /probe

class Tree : public RawSessionTest {
 protected:
  void SetUp() override {
    RawSessionTest::SetUp();
    auto fs = client();
    fs->mkdir("a", 0755);
    fs->mkdir("a/b", 0755);
    fs->mkdir("a/b/c", 0755);
    c->call(Fcall{1, Twalk{kRoot, kA, {"a"}}});
    c->call(Fcall{1, Twalk{kRoot, kB, {"a", "b"}}});
    c->call(Fcall{1, Twalk{kRoot, kC, {"a", "b", "c"}}});
    c->call(Fcall{1, Twalk{kRoot, kFile, {kProbePath}}});
  }
};

TEST_F(Tree, ADirectoryCannotMoveIntoItsOwnSubtree) {
  EXPECT_EQ(err(*c, Fcall{1, Trenameat{kRoot, "a", kC, "x"}}), uint32_t{EINVAL});
  EXPECT_EQ(err(*c, Fcall{2, Trenameat{kRoot, "a", kA, "x"}}), uint32_t{EINVAL});
  EXPECT_EQ(err(*c, Fcall{3, Trenameat{kA, "b", kC, "x"}}), uint32_t{EINVAL});
  EXPECT_EQ(err(*c, Fcall{4, Trename{kA, kB, "x"}}), uint32_t{EINVAL});
  // Nor can a directory replace one of its ancestors (Linux: ENOTEMPTY, the ancestor holds it).
  EXPECT_EQ(err(*c, Fcall{5, Trenameat{kB, "c", kRoot, "a"}}), uint32_t{ENOTEMPTY});
  // The tree is as it was.
  EXPECT_EQ(c->call(Fcall{6, Twalk{kRoot, 10, {"a", "b", "c"}}}).as<Rwalk>().wqids.size(), 3u);
}

TEST_F(Tree, RenamesBetweenKindsFollowLinux) {
  auto fs = client();
  fs->mkdir("full", 0755);
  fs->mkdir("full/x", 0755);
  EXPECT_EQ(err(*c, Fcall{1, Trenameat{kA, "b", kRoot, "full"}}), uint32_t{ENOTEMPTY});
  EXPECT_EQ(err(*c, Fcall{2, Trenameat{kRoot, "a", kRoot, kProbePath}}), uint32_t{ENOTDIR});
  EXPECT_EQ(err(*c, Fcall{3, Trenameat{kRoot, kProbePath, kRoot, "a"}}), uint32_t{EISDIR});
  EXPECT_EQ(err(*c, Fcall{4, Trenameat{kFile, "x", kRoot, "y"}}), uint32_t{ENOTDIR});
  EXPECT_EQ(err(*c, Fcall{5, Trenameat{kRoot, "missing", kRoot, "y"}}), uint32_t{ENOENT});
  // Renaming onto itself is a no-op.
  EXPECT_EQ(err(*c, Fcall{6, Trenameat{kRoot, "a", kRoot, "a"}}), 0u);
}

TEST_F(Tree, TheExportRootCannotBeRemovedOrRenamed) {
  // Tremove/Trename of the root fid: EBUSY (rmdir of a mount point; the server's documented
  // choice). Tremove clunks the fid anyway, so use a clone.
  c->call(Fcall{1, Twalk{kRoot, 10, {}}});
  EXPECT_EQ(err(*c, Fcall{2, Tremove{10}}), uint32_t{EBUSY});
  EXPECT_EQ(err(*c, Fcall{3, Trename{kRoot, kA, "root"}}), uint32_t{EBUSY});
  // "." and ".." cannot be unlinked or renamed by name (EINVAL, the Linux-client notes' choice).
  for (uint32_t flags : {0u, DOTL_AT_REMOVEDIR}) {
    EXPECT_EQ(err(*c, Fcall{4, Tunlinkat{kA, ".", flags}}), uint32_t{EINVAL});
    EXPECT_EQ(err(*c, Fcall{5, Tunlinkat{kA, "..", flags}}), uint32_t{EINVAL});
    EXPECT_EQ(err(*c, Fcall{6, Tunlinkat{kRoot, "..", flags}}), uint32_t{EINVAL});
  }
  EXPECT_EQ(err(*c, Fcall{7, Trenameat{kB, "..", kRoot, "moved"}}), uint32_t{EINVAL});
  // A fid reached through ".." has no known entry name: Tremove of it is EINVAL, not a guess.
  c->call(Fcall{8, Twalk{kC, 11, {".."}}});
  EXPECT_EQ(err(*c, Fcall{9, Tremove{11}}), uint32_t{EINVAL});
  EXPECT_EQ(c->call(Fcall{10, Twalk{kRoot, 12, {"a", "b"}}}).as<Rwalk>().wqids.size(), 2u);
}

TEST_F(Tree, RemovedDirectoriesStayDeadForTheirFids) {
  // rmdir a/b/c and a/b while fids still point into them.
  auto fs = client();
  fs->unlink("a/b/c", DOTL_AT_REMOVEDIR);
  fs->unlink("a/b", DOTL_AT_REMOVEDIR);
  // Nothing can be made in them (ENOENT, as Linux for a deleted directory)...
  EXPECT_EQ(err(*c, Fcall{1, Tmkdir{kC, "x", 0755, 0}}), uint32_t{ENOENT});
  c->call(Fcall{2, Twalk{kB, 10, {}}});
  EXPECT_EQ(err(*c, Fcall{3, Tlcreate{10, "x", DOTL_RDWR, 0644, 0}}), uint32_t{ENOENT});
  EXPECT_EQ(err(*c, Fcall{4, Tsymlink{kB, "x", "t", 0}}), uint32_t{ENOENT});
  EXPECT_EQ(err(*c, Fcall{5, Tlink{kB, kFile, "x"}}), uint32_t{ENOENT});
  EXPECT_EQ(err(*c, Fcall{6, Trenameat{kRoot, kProbePath, kB, "x"}}), uint32_t{ENOENT});
  // ...they list as empty and still answer getattr (nlink 0).
  c->call(Fcall{7, Tlopen{10, DOTL_RDONLY}});
  EXPECT_EQ(c->call(Fcall{8, Tgetattr{kB, GETATTR_ALL}}).as<Rgetattr>().nlink, 0u);
  // Walking ".." from a dead directory never leaves the export (where it lands is a judgement
  // call: Linux's d_parent still names the old parent).
  auto up = c->call(Fcall{9, Twalk{kC, 11, {"..", "..", "..", ".."}}});
  if (up.type() == MsgType::Rwalk && up.as<Rwalk>().wqids.size() == 4) {
    EXPECT_EQ(c->call(Fcall{10, Twalk{11, 12, {kProbePath}}}).type(), MsgType::Rwalk);
  }
  EXPECT_EQ(c->call(Fcall{11, Tgetattr{kA, GETATTR_ALL}}).as<Rgetattr>().nlink, 2u);
}

TEST_F(Tree, LinksToDirectoriesAndToUnlinkedFilesAreRefused) {
  EXPECT_EQ(err(*c, Fcall{1, Tlink{kRoot, kA, "alias"}}), uint32_t{EPERM});
  // An open-unlinked file (nlink 0) cannot get a name again (Linux linkat: ENOENT).
  auto fs = client();
  write_file(*fs, "victim", "v");
  c->call(Fcall{2, Twalk{kRoot, 10, {"victim"}}});
  fs->unlink("victim");
  EXPECT_EQ(err(*c, Fcall{3, Tlink{kRoot, 10, "revived"}}), uint32_t{ENOENT});
  // Linking onto an existing name is EEXIST.
  EXPECT_EQ(err(*c, Fcall{4, Tlink{kRoot, kFile, "a"}}), uint32_t{EEXIST});
}

TEST_F(Tree, TypeBitsInModesNeverChangeWhatANodeIs) {
  // Modes arrive as 32-bit fields; only the permission bits may be taken from them (Linux masks
  // with S_IALLUGO), never a file type.
  c->call(Fcall{1, Twalk{kRoot, 10, {}}});
  auto made = c->call(Fcall{2, Tlcreate{10, "file", DOTL_RDWR, S_IFDIR | 0644, 0}});
  EXPECT_EQ(made.as<Rlcreate>().qid.type, QTFILE);
  EXPECT_EQ(c->call(Fcall{3, Tmkdir{kRoot, "dir", 0xFFFFFFFF, 0}}).as<Rmkdir>().qid.type, QTDIR);
  EXPECT_EQ(c->call(Fcall{4, Tsetattr{kFile, SETATTR_MODE, S_IFDIR | 0755}}).type(), MsgType::Rsetattr);
  const auto attr = c->call(Fcall{5, Tgetattr{kFile, GETATTR_ALL}}).as<Rgetattr>();
  EXPECT_TRUE(S_ISREG(attr.mode)) << std::oct << attr.mode;
  EXPECT_EQ(attr.mode & 07777, 0755u);
  // The probe is still a readable file.
  EXPECT_EQ(client()->read_file(kProbePath).size(), kProbeText.size());
}

TEST_F(Tree, MknodOfEveryOddType) {
  // Linux mknod(2): S_IFDIR EPERM, S_IFLNK and unknown types EINVAL; 0 or S_IFREG make a file.
  EXPECT_EQ(err(*c, Fcall{1, Tmknod{kRoot, "dir", S_IFDIR | 0755, 0, 0, 0}}), uint32_t{EPERM});
  EXPECT_EQ(err(*c, Fcall{2, Tmknod{kRoot, "lnk", S_IFLNK | 0777, 0, 0, 0}}), uint32_t{EINVAL});
  EXPECT_EQ(err(*c, Fcall{3, Tmknod{kRoot, "odd", 0170000 | 0644, 0, 0, 0}}), uint32_t{EINVAL});
  EXPECT_EQ(err(*c, Fcall{4, Tmknod{kRoot, "odd", 0030000 | 0644, 0, 0, 0}}), uint32_t{EINVAL});
  EXPECT_EQ(c->call(Fcall{5, Tmknod{kRoot, "plain", 0644, 0, 0, 0}}).as<Rmknod>().qid.type, QTFILE);
  // Device numbers of any size are only numbers (root may make devices).
  EXPECT_EQ(err(*c, Fcall{6, Tmknod{kRoot, "chr", S_IFCHR | 0600, 0xFFFFFFFF, 0xFFFFFFFF, 0}}), 0u);
  // Times with nanoseconds of a second or more are EINVAL, as utimensat(2).
  EXPECT_EQ(err(*c, Fcall{7, Tsetattr{kFile, SETATTR_MTIME | SETATTR_MTIME_SET, 0, 0, 0, 0, 0, 0, 1,
                                      1'000'000'000}}),
            uint32_t{EINVAL});
}

}  // namespace
}  // namespace p9::hostile
