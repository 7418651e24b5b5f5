// Treaddir, Tmkdir, Tsymlink, Tmknod, Tlink, Treadlink, Tunlinkat, Trenameat, Trename, Tremove,
// Tgetattr, Tsetattr, Tstatfs, Tfsync.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <algorithm>
#include <cerrno>
#include <set>
#include <string>

#include "proto/dirent.h"
#include "tests/server/session_fixture.h"

namespace p9::server::testing {
namespace {

class DirTest : public SessionTest {
 protected:
  DirTest() {
    fs->mkdir("d", 0755);
    write_file("d/f", "file");
  }
  uint32_t root() { return fs->client().root(); }
};

TEST_F(DirTest, ReaddirOffsetsAreTheNextEntrysCookie) {
  for (int i = 0; i < 50; ++i) write_file("d/e" + std::to_string(i), "");
  auto d = fs->open("d", DOTL_RDONLY | DOTL_DIRECTORY);
  // One entry per reply (a count only one entry fits), following each entry's offset.
  std::vector<std::string> names;
  uint64_t offset = 0;
  for (;;) {
    auto r = fs->call(Treaddir{d.fid, offset, 40});
    DirentParser parser(r.as<Rreaddir>().data.bytes);
    auto e = parser.next();
    if (!e) break;
    names.emplace_back(e->name);
    EXPECT_FALSE(parser.next());
    offset = e->offset;
  }
  EXPECT_EQ(names.size(), 53u);  // ".", "..", f, e0..e49
  EXPECT_EQ(names[0], ".");
  EXPECT_EQ(names[1], "..");
  EXPECT_EQ(std::set<std::string>(names.begin(), names.end()).size(), names.size());
  // The listing also ends with an empty reply when read in big chunks.
  EXPECT_EQ(fs->readdir(d.fid).size(), 53u);
}

TEST_F(DirTest, ReaddirErrors) {
  walk_to(*fs, kFidA, {"d"});
  EXPECT_ERRNO(fs->call(Treaddir{kFidA, 0, 8192}), EBADF);  // not open
  auto f = fs->open("d/f", DOTL_RDONLY);
  EXPECT_ERRNO(fs->call(Treaddir{f.fid, 0, 8192}), ENOTDIR);
  auto d = fs->open("d", DOTL_RDONLY);
  EXPECT_ERRNO(fs->call(Treaddir{d.fid, 0, 10}), EINVAL);  // no entry fits
}

TEST_F(DirTest, MkdirSymlinkMknodLink) {
  EXPECT_EQ(fs->mkdir("d/sub", 0750).type, QTDIR);
  EXPECT_ERRNO(fs->mkdir("d/sub", 0750), EEXIST);
  EXPECT_EQ(fs->symlink("f", "d/link").type, QTSYMLINK);
  EXPECT_EQ(fs->readlink("d/link"), "f");
  EXPECT_ERRNO(fs->readlink("d/f"), EINVAL);
  fs->mknod("d/fifo", S_IFIFO | 0644, 0, 0);
  fs->mknod("d/null", S_IFCHR | 0666, 1, 3);
  const auto dev = fs->stat("d/null");
  EXPECT_TRUE(S_ISCHR(dev.mode));
  EXPECT_EQ(dev.rdev, makedev(1, 3));
  EXPECT_TRUE(S_ISFIFO(fs->stat("d/fifo").mode));
  fs->link("d/f", "d/hard");
  EXPECT_EQ(fs->stat("d/f").nlink, 2u);
  EXPECT_ERRNO(fs->link("d", "d/dirlink"), EPERM);
}

TEST_F(DirTest, EntryNamesAreChecked) {
  walk_to(*fs, kFidA, {"d"});
  EXPECT_ERRNO(fs->call(Tmkdir{kFidA, "..", 0755, 0}), EINVAL);
  EXPECT_ERRNO(fs->call(Tsymlink{kFidA, "a/b", "x", 0}), EINVAL);
  EXPECT_ERRNO(fs->call(Tmknod{kFidA, std::string(256, 'm'), S_IFIFO | 0600, 0, 0, 0}), ENAMETOOLONG);
  EXPECT_ERRNO(fs->call(Tunlinkat{kFidA, ".", 0}), EINVAL);
  EXPECT_ERRNO(fs->call(Trenameat{kFidA, "f", kFidA, ""}), EINVAL);
}

TEST_F(DirTest, UnlinkAndRmdir) {
  fs->mkdir("d/sub", 0755);
  EXPECT_ERRNO(fs->unlink("d/sub"), EISDIR);
  EXPECT_ERRNO(fs->unlink("d", DOTL_AT_REMOVEDIR), ENOTEMPTY);
  EXPECT_ERRNO(fs->unlink("d/f", DOTL_AT_REMOVEDIR), ENOTDIR);
  walk_to(*fs, kFidA, {"d"});
  EXPECT_ERRNO(fs->call(Tunlinkat{kFidA, "f", 0x1}), EINVAL);  // unknown flag
  fs->unlink("d/sub", DOTL_AT_REMOVEDIR);
  fs->unlink("d/f");
  EXPECT_ERRNO(fs->unlink("d/f"), ENOENT);
}

TEST_F(DirTest, Renameat) {
  fs->mkdir("e", 0755);
  fs->rename("d/f", "e/g");
  EXPECT_ERRNO(fs->stat("d/f"), ENOENT);
  EXPECT_EQ(text_of(fs->read_file("e/g")), "file");
  EXPECT_ERRNO(fs->rename("d/none", "e/x"), ENOENT);
  EXPECT_ERRNO(fs->rename("d", "d/inside"), EINVAL);
}

TEST_F(DirTest, RenameByFidFollowsTheFid) {
  walk_to(*fs, kFidA, {"d", "f"});
  walk_to(*fs, kFidB, {"d"});
  fs->call(Trename{kFidA, root(), "moved"});
  EXPECT_EQ(text_of(fs->read_file("moved")), "file");
  // The fid knows its new name: a second rename and a remove work through it.
  fs->call(Trename{kFidA, kFidB, "back"});
  EXPECT_EQ(text_of(fs->read_file("d/back")), "file");
  fs->call(Tremove{kFidA});
  EXPECT_ERRNO(fs->stat("d/back"), ENOENT);
}

TEST_F(DirTest, RemoveClunksTheFidEvenWhenItFails) {
  walk_to(*fs, kFidA, {"d"});
  EXPECT_ERRNO(fs->call(Tremove{kFidA}), ENOTEMPTY);
  EXPECT_ERRNO(fs->call(Tclunk{kFidA}), EBADF);
  // The export root cannot be removed.
  fs->call(Twalk{root(), kFidB, {}});
  EXPECT_ERRNO(fs->call(Tremove{kFidB}), EBUSY);
  // A name that no longer refers to the fid's node.
  walk_to(*fs, kFidC, {"d", "f"});
  fs->rename("d/f", "d/g");
  write_file("d/f", "impostor");
  EXPECT_ERRNO(fs->call(Tremove{kFidC}), ENOENT);
  EXPECT_EQ(text_of(fs->read_file("d/f")), "impostor");
}

TEST_F(DirTest, RemoveAfterDotDotHasNoName) {
  fs->mkdir("d/sub", 0755);
  fs->call(Twalk{root(), kFidA, {"d", "sub", ".."}});
  EXPECT_ERRNO(fs->call(Tremove{kFidA}), EINVAL);
  EXPECT_NO_THROW(fs->stat("d"));
}

class TwoExportsTest : public SessionTest {
 protected:
  static ServerOptions options() {
    ServerOptions o = default_options();
    ExportOptions other;
    other.name = "other";
    o.exports.push_back(other);
    return o;
  }
  TwoExportsTest() : SessionTest(options()) {
    write_file("f", "main");
    fs->call(Tattach{kFidA, NOFID, "", "other", 0});
  }
};

TEST_F(TwoExportsTest, LinksAndRenamesCannotCrossExports) {
  walk_to(*fs, kFidB, {"f"});
  EXPECT_ERRNO(fs->call(Tlink{kFidA, kFidB, "x"}), EXDEV);
  EXPECT_ERRNO(fs->call(Trenameat{fs->client().root(), "f", kFidA, "x"}), EXDEV);
  EXPECT_ERRNO(fs->call(Trename{kFidB, kFidA, "x"}), EXDEV);
  EXPECT_EQ(text_of(fs->read_file("f")), "main");
  EXPECT_EQ(server.store_counters(1).nodes, 1u);  // only the other export's root
}

class AttrTest : public DirTest {};

TEST_F(AttrTest, GetattrFillsEveryField) {
  walk_to(*fs, kFidA, {"d", "f"});
  auto r = fs->call(Tgetattr{kFidA, GETATTR_BASIC});
  const auto& a = r.as<Rgetattr>();
  EXPECT_EQ(a.valid, GETATTR_ALL);
  EXPECT_TRUE(S_ISREG(a.mode));
  EXPECT_EQ(a.size, 4u);
  EXPECT_EQ(a.nlink, 1u);
  EXPECT_NE(a.qid.version, 0u);
  EXPECT_NE(a.btime_sec, 0u);
  EXPECT_NE(a.data_version, 0u);
  EXPECT_EQ(a.qid.path, fs->stat("d/f").qid.path);
}

TEST_F(AttrTest, QidVersionChangesWithData) {
  const auto before = fs->stat("d/f");
  auto f = fs->open("d/f", DOTL_WRONLY);
  fs->write(f.fid, 0, bytes_of("x"));
  const auto after = fs->getattr(f.fid);
  EXPECT_NE(after.qid.version, before.qid.version);
  EXPECT_NE(after.data_version, before.data_version);
}

TEST_F(AttrTest, SetattrPassesValidThrough) {
  fs->setattr("d/f", Tsetattr{.valid = SETATTR_MODE | SETATTR_UID | SETATTR_GID | SETATTR_SIZE |
                                       SETATTR_ATIME | SETATTR_ATIME_SET | SETATTR_MTIME |
                                       SETATTR_MTIME_SET,
                              .mode = 0600,
                              .uid = 7,
                              .gid = 8,
                              .size = 10,
                              .atime_sec = 1000,
                              .atime_nsec = 123456789,
                              .mtime_sec = 2000,
                              .mtime_nsec = 987654321});
  const auto a = fs->stat("d/f");
  EXPECT_EQ(a.mode & 07777, 0600u);
  EXPECT_EQ(a.uid, 7u);
  EXPECT_EQ(a.gid, 8u);
  EXPECT_EQ(a.size, 10u);
  EXPECT_EQ(a.atime_sec, 1000u);
  EXPECT_EQ(a.atime_nsec, 123456789u);
  EXPECT_EQ(a.mtime_sec, 2000u);
  EXPECT_EQ(a.mtime_nsec, 987654321u);
  EXPECT_ERRNO(fs->setattr("d/f", Tsetattr{.valid = SETATTR_MTIME | SETATTR_MTIME_SET,
                                           .mtime_nsec = 1000000000}),
               EINVAL);
  EXPECT_ERRNO(fs->setattr("d", Tsetattr{.valid = SETATTR_SIZE, .size = 0}), EISDIR);
}

TEST_F(AttrTest, StatfsAndFsync) {
  const Rstatfs st = fs->statfs("d");
  EXPECT_EQ(st.type, 0x01021997u);
  EXPECT_EQ(st.bsize, 4096u);
  EXPECT_EQ(st.namelen, 255u);
  auto f = fs->open("d/f", DOTL_RDWR);
  EXPECT_NO_THROW(fs->fsync(f.fid, true));
  EXPECT_NO_THROW(fs->fsync(f.fid, false));
  EXPECT_ERRNO(fs->call(Tfsync{kFidA, 0}), EBADF);
  EXPECT_ERRNO(fs->call(Tgetattr{kFidA, GETATTR_ALL}), EBADF);
  EXPECT_ERRNO(fs->call(Tstatfs{kFidA}), EBADF);
}

}  // namespace
}  // namespace p9::server::testing
