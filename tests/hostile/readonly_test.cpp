// A read-only export refuses every message that would change it with EROFS, and still serves every
// message that only looks.
#include <sys/stat.h>

#include <cerrno>

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
      Tlopen{kClone, DOTL_WRONLY},
      Tlopen{kClone, DOTL_RDWR},
      Tlopen{kClone, DOTL_RDONLY | DOTL_TRUNC},
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

}  // namespace
}  // namespace p9::hostile
