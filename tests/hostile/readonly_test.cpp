// A read-only export refuses every message that would change it with EROFS, and still serves every
// message that only looks.
#include <sys/stat.h>
#include <sys/xattr.h>

#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <fstream>
#include <set>
#include <system_error>

#include "tests/hostile/eventually.h"
#include "tests/hostile/hostile_fixture.h"

namespace p9::hostile {
namespace {

constexpr uint32_t kClone = 2;  // an unopened clone of the root
constexpr uint32_t kMain = 3;   // the root of "main", on the same connection

class ReadOnly : public RawSessionTest {
 protected:
  std::string aname() const override { return "ro"; }
  void SetUp() override {
    RawSessionTest::SetUp();
    c->call(Fcall{1, Twalk{kRoot, kClone, {}}});
    c->attach(kMain, 0, "main");
  }
};

TEST_F(ReadOnly, EveryMutatingMessageIsErofs) {
  const Message mutating[] = {
      Tlcreate{kClone, "f", DOTL_RDWR, 0644, 0},
      Tlcreate{kClone, "f", DOTL_RDONLY, 0644, 0},  // a new name is a change whatever the flags
      Tmkdir{kRoot, "d", 0755, 0},
      Tsymlink{kRoot, "s", "t", 0},
      Tmknod{kRoot, "p", S_IFIFO | 0644, 0, 0, 0},
      Tmknod{kRoot, "c", S_IFCHR | 0644, 1, 3, 0},
      Tlink{kRoot, kClone, "l"},
      Trenameat{kRoot, "x", kRoot, "y"},
      Tunlinkat{kRoot, "x", 0},
      Tunlinkat{kRoot, "x", DOTL_AT_REMOVEDIR},
      Trename{kClone, kRoot, "y"},
      Tsetattr{kClone, SETATTR_MODE, 0777},
      Tsetattr{kClone, SETATTR_UID | SETATTR_GID, 0, 1, 1},
      Tsetattr{kClone, SETATTR_ATIME | SETATTR_MTIME},
      Tsetattr{kClone, SETATTR_SIZE, 0, 0, 0, 0},
      Txattrcreate{kClone, "user.x", 1, 0},
      Txattrcreate{kClone, "user.x", 0, XATTR_REPLACE},           // removexattr(2)
      Txattrcreate{kClone, "system.posix_acl_access", 0, 0},      // removal of an ACL
      Tlopen{kClone, DOTL_WRONLY},
      Tlopen{kClone, DOTL_RDWR},
      Tlopen{kClone, DOTL_RDONLY | DOTL_TRUNC},
      Tlopen{kClone, DOTL_WRONLY | DOTL_APPEND},
  };
  uint16_t tag = 100;
  for (const Message& m : mutating) {
    EXPECT_EQ(err(*c, Fcall{tag++, m}), uint32_t{EROFS}) << msg_name(type_of(m));
  }
  // Tremove clunks its fid whatever happens; EROFS comes first even for the root.
  c->call(Fcall{1, Twalk{kRoot, 10, {}}});
  EXPECT_EQ(err(*c, Fcall{2, Tremove{10}}), uint32_t{EROFS});
  EXPECT_EQ(err(*c, Fcall{3, Tclunk{10}}), uint32_t{EBADF});
  // A writable export's fid does not make the read-only side writable.
  c->call(Fcall{4, Twalk{kMain, 11, {kProbePath}}});
  EXPECT_EQ(err(*c, Fcall{5, Tlink{kRoot, 11, "l"}}), uint32_t{EROFS});
  EXPECT_EQ(err(*c, Fcall{6, Trenameat{kMain, kProbePath, kRoot, "stolen"}}), uint32_t{EROFS});
  EXPECT_EQ(client()->stat(kProbePath).size, kProbeText.size());
}

TEST_F(ReadOnly, NoFidOpensForWritingSoTwriteAndWriteLocksAreEbadf) {
  // The export holds only its root: the fid of a directory open for reading.
  c->call(Fcall{1, Tlopen{kClone, DOTL_RDONLY}});
  const auto data = bytes_of("x");
  EXPECT_EQ(err(*c, Fcall{2, Twrite{kClone, 0, data}}), uint32_t{EBADF});
  EXPECT_EQ(err(*c, Fcall{3, Tlock{kClone, LOCK_TYPE_WRLCK, 0, 0, 0, 1, "ro"}}), uint32_t{EBADF});
  // Looking at locks is no change: a read lock on a fid open for reading is granted, as fcntl(2)
  // grants one on a read-only mount.
  EXPECT_EQ(c->call(Fcall{4, Tlock{kClone, LOCK_TYPE_RDLCK, 0, 0, 0, 1, "ro"}}).as<Rlock>().status, LOCK_SUCCESS);
}

TEST_F(ReadOnly, MessagesThatOnlyLookStillWork) {
  EXPECT_EQ(c->call(Fcall{1, Tgetattr{kRoot, GETATTR_ALL}}).type(), MsgType::Rgetattr);
  EXPECT_EQ(c->call(Fcall{2, Tstatfs{kRoot}}).type(), MsgType::Rstatfs);
  EXPECT_EQ(c->call(Fcall{3, Twalk{kRoot, 10, {".", ".."}}}).type(), MsgType::Rwalk);
  EXPECT_EQ(c->call(Fcall{4, Txattrwalk{kRoot, 11, ""}}).type(), MsgType::Rxattrwalk);
  EXPECT_EQ(c->call(Fcall{5, Tlopen{kClone, DOTL_RDONLY}}).type(), MsgType::Rlopen);
  EXPECT_EQ(c->call(Fcall{6, Treaddir{kClone, 0, 4096}}).type(), MsgType::Rreaddir);
  EXPECT_EQ(c->call(Fcall{7, Tfsync{kClone, 1}}).type(), MsgType::Rfsync);
  EXPECT_EQ(err(*c, Fcall{8, Twalk{kRoot, 12, {"missing"}}}), uint32_t{ENOENT});
}

// A SIGHUP reload may turn a writable export read-only while a client holds fids in it: a file open
// for writing, an xattr value waiting for its Tclunk, fids of what the export holds. From then on
// that client changes nothing either, whether a message names something that exists or not.
class ReadOnlyByReload : public ::testing::Test {
 protected:
  static constexpr std::string_view kText = "written before the reload\n";

  ReadOnlyByReload() {
    char dir[] = "/tmp/p9ro.XXXXXX";
    if (::mkdtemp(dir) == nullptr) throw std::system_error(errno, std::generic_category(), "mkdtemp");
    dir_ = dir;
    config_ = dir_ + "/p9tmpfs.toml";
    write_config(false);
  }
  ~ReadOnlyByReload() override {
    ::unlink(config_.c_str());
    ::rmdir(dir_.c_str());
  }

  void write_config(bool read_only) {
    std::ofstream(config_, std::ios::trunc)
        << "[[export]]\nname = \"data\"\nread_only = " << (read_only ? "true" : "false") << "\n";
  }

  std::string dir_;
  std::string config_;
};

TEST_F(ReadOnlyByReload, FidsFromBeforeTheReloadChangeNothing) {
  std::signal(SIGPIPE, SIG_IGN);
  ServerProcess server({"--config", config_, "--threads", "1", "--shutdown-grace-ms", "1000"});
  {
    client::SyncClient fs(server.unix_address(), {.aname = "data"});
    auto f = fs.create("/file", DOTL_WRONLY, 0644);
    fs.write_all(f.fid, 0, bytes_of(kText));
    fs.clunk(f.fid);
    fs.xattr_set("/file", "user.kept", bytes_of("v"));
    fs.mkdir("/dir", 0755);
    fs.clunk(fs.create("/dir/inner", DOTL_WRONLY, 0644).fid);
    fs.symlink("file", "/link");
  }
  RawClient c(server.connect_unix());
  c.version(kRawMsize);
  c.attach(kRoot, 0, "data");
  constexpr uint32_t kFile = 2, kDir = 3, kWritable = 4, kPendingXattr = 5, kRemoved = 6;
  c.call(Fcall{1, Twalk{kRoot, kFile, {"file"}}});
  c.call(Fcall{2, Twalk{kRoot, kDir, {"dir"}}});
  c.call(Fcall{3, Twalk{kRoot, kWritable, {"file"}}});
  ASSERT_EQ(c.call(Fcall{4, Tlopen{kWritable, DOTL_RDWR}}).type(), MsgType::Rlopen);
  c.call(Fcall{5, Twalk{kRoot, kPendingXattr, {"file"}}});
  ASSERT_EQ(c.call(Fcall{6, Txattrcreate{kPendingXattr, "user.pending", 0, XATTR_CREATE}}).type(),
            MsgType::Rxattrcreate);
  c.call(Fcall{7, Twalk{kRoot, kRemoved, {"file"}}});

  write_config(true);
  const std::size_t from = server.log_size();
  ::kill(server.pid(), SIGHUP);
  ASSERT_TRUE(eventually([&] { return server.log_since(from).find("SIGHUP: reloaded") != std::string::npos; }))
      << server.log_since(from);

  const auto data = bytes_of("changed");
  const Message mutating[] = {
      Twrite{kWritable, 0, data},  // open for writing before the reload
      Tlcreate{kDir, "new", DOTL_RDWR, 0644, 0},
      Tlcreate{kDir, "inner", DOTL_RDWR, 0644, 0},
      Tmkdir{kRoot, "dir", 0755, 0},
      Tmkdir{kDir, "sub", 0755, 0},
      Tsymlink{kRoot, "link", "elsewhere", 0},
      Tmknod{kDir, "fifo", S_IFIFO | 0644, 0, 0, 0},
      Tlink{kDir, kFile, "file2"},
      Trenameat{kRoot, "file", kRoot, "moved"},
      Trenameat{kRoot, "file", kDir, "inner"},
      Trename{kFile, kDir, "moved"},
      Tunlinkat{kRoot, "file", 0},
      Tunlinkat{kRoot, "link", 0},
      Tunlinkat{kDir, "inner", 0},
      Tunlinkat{kRoot, "dir", DOTL_AT_REMOVEDIR},
      Tsetattr{kFile, SETATTR_MODE, 0600},
      Tsetattr{kFile, SETATTR_UID | SETATTR_GID, 0, 1, 1},
      Tsetattr{kFile, SETATTR_ATIME | SETATTR_MTIME},
      Tsetattr{kFile, SETATTR_SIZE, 0, 0, 0, 0},
      Tsetattr{kDir, SETATTR_MODE, 0700},
      Txattrcreate{kFile, "user.kept", 0, XATTR_REPLACE},
      Txattrcreate{kFile, "user.new", 1, 0},
      Tlopen{kFile, DOTL_WRONLY},
      Tlopen{kFile, DOTL_RDWR},
      Tlopen{kFile, DOTL_RDONLY | DOTL_TRUNC},
  };
  uint16_t tag = 100;
  for (const Message& m : mutating) {
    EXPECT_EQ(err(c, Fcall{tag++, m}), uint32_t{EROFS}) << msg_name(type_of(m));
  }
  EXPECT_EQ(err(c, Fcall{tag++, Tremove{kRemoved}}), uint32_t{EROFS});
  // The value announced before the reload is applied at Tclunk, which must refuse it.
  EXPECT_EQ(err(c, Fcall{tag++, Tclunk{kPendingXattr}}), uint32_t{EROFS});
  // Reading still works on the fid open before the reload.
  EXPECT_EQ(text_of(c.call(Fcall{tag++, Tread{kWritable, 0, 4096}}).as<Rread>().data.bytes), kText);

  // The export holds what it held.
  client::SyncClient fs(server.unix_address(), {.aname = "data"});
  std::set<std::string> names;
  for (const auto& e : fs.list("/")) names.insert(e.name);
  EXPECT_EQ(names, (std::set<std::string>{".", "..", "dir", "file", "link"}));
  names.clear();
  for (const auto& e : fs.list("/dir")) names.insert(e.name);
  EXPECT_EQ(names, (std::set<std::string>{".", "..", "inner"}));
  EXPECT_EQ(text_of(fs.read_file("/file")), kText);
  const client::Attr file = fs.stat("/file");
  EXPECT_EQ(file.mode & 07777, 0644u);
  EXPECT_EQ(file.uid, 0u);
  EXPECT_EQ(file.nlink, 1u);
  EXPECT_EQ(fs.stat("/dir").mode & 07777, 0755u);
  EXPECT_EQ(fs.readlink("/link"), "file");
  EXPECT_EQ(fs.xattr_list("/file"), std::vector<std::string>{"user.kept"});
  EXPECT_EQ(text_of(fs.xattr_get("/file", "user.kept")), "v");

  c.close();
  EXPECT_EQ(server.stop(), 0) << server.ending();
}

}  // namespace
}  // namespace p9::hostile
