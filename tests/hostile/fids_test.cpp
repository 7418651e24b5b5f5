// Fid misuse: numbers in use, numbers never made, the same fid twice in one message, clunks of
// clunked fids, auth fids that cannot exist, xattr fids used as nodes, and attaches as users the
// host has never heard of.
#include <sys/stat.h>

#include <cerrno>
#include <vector>

#include "tests/hostile/hostile_fixture.h"

namespace p9::hostile {
namespace {

constexpr uint32_t kDir = 2;    // walked to /d
constexpr uint32_t kFile = 3;   // walked to /probe
constexpr uint32_t kOpen = 4;   // /probe, open read-write
constexpr uint32_t kFree = 999;  // never made

class Fids : public RawSessionTest {
 protected:
  void SetUp() override {
    RawSessionTest::SetUp();
    client()->mkdir("d", 0755);
    c->call(Fcall{1, Twalk{kRoot, kDir, {"d"}}});
    c->call(Fcall{1, Twalk{kRoot, kFile, {kProbePath}}});
    c->call(Fcall{1, Twalk{kRoot, kOpen, {kProbePath}}});
    c->call(Fcall{1, Tlopen{kOpen, DOTL_RDWR}});
  }

  // Every message that names an existing fid, with `fid` in that place (and valid fids elsewhere).
  std::vector<Message> every_use_of(uint32_t fid) const {
    return {
        Twalk{fid, 50, {}},
        Tlopen{fid, DOTL_RDONLY},
        Tlcreate{fid, "new", DOTL_RDWR, 0644, 0},
        Tread{fid, 0, 10},
        Twrite{fid, 0, {}},
        Tclunk{fid},
        Tremove{fid},
        Tstatfs{fid},
        Tsymlink{fid, "new", "t", 0},
        Tmknod{fid, "new", S_IFIFO | 0644, 0, 0, 0},
        Trename{fid, kDir, "new"},
        Trename{kFile, fid, "new"},
        Treadlink{fid},
        Tgetattr{fid, GETATTR_ALL},
        Tsetattr{fid, SETATTR_MODE, 0644},
        Txattrwalk{fid, 50, ""},
        Txattrcreate{fid, "user.x", 1, 0},
        Treaddir{fid, 0, 1000},
        Tfsync{fid, 0},
        Tlock{fid, LOCK_TYPE_RDLCK, 0, 0, 0, 1, "c"},
        Tgetlock{fid, LOCK_TYPE_RDLCK, 0, 0, 1, "c"},
        Tlink{fid, kFile, "new"},
        Tlink{kDir, fid, "new"},
        Tmkdir{fid, "new", 0755, 0},
        Trenameat{fid, "x", kDir, "new"},
        Trenameat{kDir, "x", fid, "new"},
        Tunlinkat{fid, "x", 0},
    };
  }
};

TEST_F(Fids, UnknownFidsInEveryMessageAreEbadf) {
  for (uint32_t fid : {kFree, NOFID}) {
    uint16_t tag = 100;
    for (const Message& m : every_use_of(fid)) {
      EXPECT_EQ(err(*c, Fcall{tag++, m}), uint32_t{EBADF}) << msg_name(type_of(m)) << " fid " << fid;
    }
  }
  // Nothing was made along the way.
  EXPECT_EQ(client()->list("d").size(), 2u);  // "." and ".."
}

TEST_F(Fids, ClunkedFidsAreGoneForEveryMessage) {
  c->call(Fcall{1, Twalk{kRoot, 20, {}}});
  EXPECT_EQ(c->call(Fcall{2, Tclunk{20}}).type(), MsgType::Rclunk);
  EXPECT_EQ(err(*c, Fcall{3, Tclunk{20}}), uint32_t{EBADF});
  uint16_t tag = 100;
  for (const Message& m : every_use_of(20)) EXPECT_EQ(err(*c, Fcall{tag++, m}), uint32_t{EBADF});
  // Tremove clunks even when the removal fails (a non-empty directory): the fid is gone after it.
  client()->mkdir("d/sub", 0755);
  EXPECT_EQ(err(*c, Fcall{4, Tremove{kDir}}), uint32_t{ENOTEMPTY});
  EXPECT_EQ(err(*c, Fcall{5, Tclunk{kDir}}), uint32_t{EBADF});
}

TEST_F(Fids, NewFidsAlreadyInUseAreEbadf) {
  EXPECT_EQ(err(*c, Fcall{1, Tattach{kFile, NOFID, "", "main", 0}}), uint32_t{EBADF});
  EXPECT_EQ(err(*c, Fcall{2, Twalk{kRoot, kFile, {"d"}}}), uint32_t{EBADF});
  EXPECT_EQ(err(*c, Fcall{3, Txattrwalk{kFile, kDir, ""}}), uint32_t{EBADF});
  // The fids kept what they were.
  EXPECT_EQ(c->call(Fcall{4, Tgetattr{kFile, GETATTR_BASIC}}).as<Rgetattr>().size, kProbeText.size());
  EXPECT_EQ(c->call(Fcall{5, Tgetattr{kDir, GETATTR_BASIC}}).as<Rgetattr>().qid.type, QTDIR);
}

TEST_F(Fids, NewfidEqualToFid) {
  // Twalk in place: with no names a no-op, with names the fid moves (walk(5)).
  EXPECT_EQ(c->call(Fcall{1, Twalk{kDir, kDir, {}}}).type(), MsgType::Rwalk);
  EXPECT_EQ(c->call(Fcall{2, Twalk{kDir, kDir, {".."}}}).type(), MsgType::Rwalk);
  EXPECT_EQ(c->call(Fcall{3, Twalk{kDir, kDir, {kProbePath}}}).type(), MsgType::Rwalk);
  EXPECT_EQ(c->call(Fcall{4, Tgetattr{kDir, GETATTR_BASIC}}).as<Rgetattr>().size, kProbeText.size());
  // A failed in-place walk leaves the fid where it was.
  EXPECT_EQ(err(*c, Fcall{5, Twalk{kDir, kDir, {"missing"}}}), uint32_t{ENOTDIR});
  EXPECT_EQ(c->call(Fcall{6, Tgetattr{kDir, GETATTR_BASIC}}).as<Rgetattr>().size, kProbeText.size());
  // An open fid may not be walked in place (walk(5)); cloning it elsewhere is fine.
  EXPECT_EQ(err(*c, Fcall{7, Twalk{kOpen, kOpen, {}}}), 0u);
  EXPECT_EQ(err(*c, Fcall{8, Twalk{kOpen, kOpen, {"."}}}), uint32_t{EINVAL});
  EXPECT_EQ(c->call(Fcall{9, Twalk{kOpen, 30, {}}}).type(), MsgType::Rwalk);
  // An xattr fid may not replace the fid it reads from.
  EXPECT_EQ(err(*c, Fcall{10, Txattrwalk{kFile, kFile, ""}}), uint32_t{EBADF});
}

TEST_F(Fids, AuthIsRefusedAndNoAfidIsAccepted) {
  // No authentication is configured: Tauth gets Rlerror (EOPNOTSUPP, the server's documented choice,
  // as QEMU), and an attach naming any afid but NOFID is EBADF.
  EXPECT_EQ(err(*c, Fcall{1, Tauth{40, "", "main", 0}}), uint32_t{EOPNOTSUPP});
  EXPECT_EQ(err(*c, Fcall{2, Tauth{40, "root", "", NOFID}}), uint32_t{EOPNOTSUPP});
  EXPECT_EQ(err(*c, Fcall{3, Tclunk{40}}), uint32_t{EBADF});  // no auth fid was made
  for (uint32_t afid : {0u, 40u, kRoot, kFile, 0x7FFFFFFFu}) {
    EXPECT_EQ(err(*c, Fcall{4, Tattach{41, afid, "", "main", 0}}), uint32_t{EBADF}) << afid;
  }
  EXPECT_EQ(err(*c, Fcall{5, Tattach{41, 41, "", "main", 0}}), uint32_t{EBADF});
}

TEST_F(Fids, AttachAsUsersTheHostDoesNotKnow) {
  // Numeric uids are taken as they are (the Linux notes: callers are numeric and exist nowhere
  // on the server host), including the largest one below the "no uid" marker.
  for (uint32_t uid : {4242u, 61000u, 4000000000u, 0xFFFFFFFEu}) {
    auto u = attached("main", uid);
    u->call(Fcall{2, Tlcreate{kRoot, "by-" + std::to_string(uid), DOTL_RDWR, 0644, 777}});
    EXPECT_EQ(u->call(Fcall{3, Tgetattr{kRoot, GETATTR_ALL}}).as<Rgetattr>().uid, uid);
  }
  // n_uname "none" (~0): the uname decides. A number is a uid; a name the host lacks is EACCES
  // (the documented choice: the server will not guess whom it means).
  EXPECT_EQ(err(*c, Fcall{4, Tattach{50, NOFID, "4243", "main", NOFID}}), 0u);
  c->call(Fcall{5, Tlcreate{50, "by-name", DOTL_RDWR, 0644, 0}});
  EXPECT_EQ(c->call(Fcall{6, Tgetattr{50, GETATTR_ALL}}).as<Rgetattr>().uid, 4243u);
  EXPECT_EQ(err(*c, Fcall{7, Tattach{51, NOFID, "no-such-user-p9hostile", "main", NOFID}}), uint32_t{EACCES});
  EXPECT_EQ(err(*c, Fcall{8, Tattach{51, NOFID, "", "main", NOFID}}), uint32_t{EACCES});
  EXPECT_EQ(err(*c, Fcall{9, Tattach{51, NOFID, std::string(1000, 'u'), "main", NOFID}}), uint32_t{EACCES});
}

TEST_F(Fids, XattrFidsAreNotNodes) {
  c->call(Fcall{1, Txattrwalk{kFile, 60, ""}});
  uint16_t tag = 100;
  for (const Message& m : {Message{Twalk{60, 61, {}}}, Message{Tlopen{60, DOTL_RDONLY}},
                           Message{Tgetattr{60, GETATTR_BASIC}}, Message{Tsetattr{60, SETATTR_MODE, 0}},
                           Message{Treaddir{60, 0, 100}}, Message{Txattrwalk{60, 61, ""}},
                           Message{Txattrcreate{60, "user.x", 1, 0}}, Message{Tstatfs{60}},
                           Message{Tlink{kRoot, 60, "x"}}, Message{Tmkdir{60, "x", 0755, 0}},
                           Message{Twrite{60, 0, {}}}}) {
    EXPECT_EQ(err(*c, Fcall{tag++, m}), uint32_t{EBADF}) << msg_name(type_of(m));
  }
  // Reading it is what it is for; Tremove of it removes nothing (EINVAL) and clunks it.
  EXPECT_EQ(c->call(Fcall{1, Tread{60, 0, 100}}).type(), MsgType::Rread);
  EXPECT_EQ(err(*c, Fcall{2, Tremove{60}}), uint32_t{EINVAL});
  EXPECT_EQ(err(*c, Fcall{3, Tclunk{60}}), uint32_t{EBADF});
  EXPECT_EQ(client()->stat(kProbePath).size, kProbeText.size());
}

}  // namespace
}  // namespace p9::hostile
