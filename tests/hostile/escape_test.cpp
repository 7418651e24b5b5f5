// Names can never reach outside the export: the store has no paths to join, but ".." at a root,
// symlinks (which the server never follows) and several exports on one connection are the ways a
// client would try.
#include <cerrno>

#include "tests/hostile/hostile_fixture.h"

namespace p9::hostile {
namespace {

class Escape : public HostileTest {};

TEST_F(Escape, DotDotAtTheRootStaysAtTheRoot) {
  auto c = attached();
  const Qid root = c->call(Fcall{1, Tgetattr{kRoot, GETATTR_BASIC}}).as<Rgetattr>().qid;
  Twalk up{kRoot, 2, {}};
  for (int i = 0; i < 16; ++i) up.wnames.push_back("..");
  const auto r = c->call(Fcall{2, up});
  ASSERT_EQ(r.as<Rwalk>().wqids.size(), 16u);
  for (const Qid& q : r.as<Rwalk>().wqids) EXPECT_EQ(q, root);
  EXPECT_EQ(c->call(Fcall{3, Tgetattr{2, GETATTR_BASIC}}).as<Rgetattr>().qid, root);
  // And from a directory below it: up twice ends at the root, not above.
  client()->mkdir("d", 0755);
  const auto down_up = c->call(Fcall{4, Twalk{kRoot, 3, {"d", "..", "..", kProbePath}}});
  ASSERT_EQ(down_up.as<Rwalk>().wqids.size(), 4u);
  EXPECT_EQ(down_up.as<Rwalk>().wqids[2].path, root.path);  // the version moved with the mkdir
}

TEST_F(Escape, DotDotNeverLeavesAnExportForAnother) {
  // /probe exists in "main" only; from "small" no walk may find it, whatever goes up.
  auto c = attached("small");
  client("small")->mkdir("sub", 0755);
  for (const WalkNames& names : {WalkNames{"..", kProbePath}, WalkNames{"..", "..", "main", kProbePath},
                                 WalkNames{"sub", "..", "..", kProbePath}}) {
    auto r = c->call(Fcall{1, Twalk{kRoot, 2, names}});
    if (r.type() == MsgType::Rwalk) {
      EXPECT_LT(r.as<Rwalk>().wqids.size(), names.size()) << "walked out of the export";
    } else {
      EXPECT_EQ(rlerror_of(r), uint32_t{ENOENT});
    }
  }
  // The fid of another export's root is no door either: two exports on one connection.
  c->attach(9, 0, "main");
  auto r = c->call(Fcall{2, Twalk{kRoot, 3, {"..", "sub"}}});
  ASSERT_EQ(r.type(), MsgType::Rwalk);
  EXPECT_EQ(r.as<Rwalk>().wqids.size(), 2u);
  EXPECT_EQ(err(*c, Fcall{3, Twalk{9, 4, {"sub"}}}), uint32_t{ENOENT});
}

TEST_F(Escape, CrossExportRenameAndLinkAreExdev) {
  // Each export is its own store (its own limits and accounting): as across Linux mounts, a node
  // cannot move or gain a name in another one.
  auto c = attached("small");
  client("small")->mkdir("sub", 0755);
  c->attach(9, 0, "main");
  c->call(Fcall{1, Twalk{9, 2, {kProbePath}}});
  c->call(Fcall{2, Twalk{kRoot, 3, {"sub"}}});
  EXPECT_EQ(err(*c, Fcall{3, Trename{3, 9, "moved"}}), uint32_t{EXDEV});
  EXPECT_EQ(err(*c, Fcall{4, Trenameat{kRoot, "sub", 9, "moved"}}), uint32_t{EXDEV});
  EXPECT_EQ(err(*c, Fcall{5, Tlink{kRoot, 2, "probe-link"}}), uint32_t{EXDEV});
  // Nothing moved.
  EXPECT_EQ(err(*c, Fcall{6, Twalk{9, 4, {"moved"}}}), uint32_t{ENOENT});
  EXPECT_EQ(err(*c, Fcall{7, Twalk{kRoot, 4, {"probe-link"}}}), uint32_t{ENOENT});
}

TEST_F(Escape, SymlinksAreNeverFollowedByTheServer) {
  auto fs = client();
  fs->symlink("loop2", "loop1");
  fs->symlink("loop1", "loop2");
  fs->symlink("../../../../../../etc", "up");
  fs->symlink("/etc/passwd", "abs");
  auto c = attached();
  for (std::string_view link : {"loop1", "up", "abs"}) {
    // A walk to a symlink stops at the symlink itself...
    auto r = c->call(Fcall{1, Twalk{kRoot, 2, {link}}});
    ASSERT_EQ(r.as<Rwalk>().wqids.size(), 1u);
    EXPECT_EQ(r.as<Rwalk>().wqids[0].type, QTSYMLINK) << link;
    c->call(Fcall{2, Tclunk{2}});
    // ...and cannot go through it.
    auto through = c->call(Fcall{3, Twalk{kRoot, 2, {link, "passwd"}}});
    EXPECT_EQ(through.as<Rwalk>().wqids.size(), 1u) << link;
  }
  EXPECT_EQ(fs->readlink("up"), "../../../../../../etc");
  // Opening a symlink fid is refused (O_NOFOLLOW semantics: ELOOP), never resolved.
  c->call(Fcall{4, Twalk{kRoot, 2, {"abs"}}});
  EXPECT_EQ(err(*c, Fcall{5, Tlopen{2, DOTL_RDONLY}}), uint32_t{ELOOP});
}

TEST_F(Escape, AttachToUnknownExportsIsEnoent) {
  auto c = raw();
  c->version();
  uint16_t tag = 1;
  for (std::string_view aname : {"nosuch", "/nosuch", "main/..", "../main", "main/", "//main",
                                 "MAIN", "/etc", "."}) {
    EXPECT_EQ(err(*c, Fcall{tag++, Tattach{kRoot, NOFID, "", aname, 0}}), uint32_t{ENOENT}) << aname;
  }
  // "" and "/" name the first export; "/main" is "main".
  for (std::string_view aname : {"", "/", "/main"}) {
    EXPECT_EQ(c->call(Fcall{tag++, Tattach{kRoot, NOFID, "", aname, 0}}).type(), MsgType::Rattach);
    EXPECT_EQ(c->call(Fcall{tag++, Twalk{kRoot, 2, {kProbePath}}}).type(), MsgType::Rwalk);
    c->call(Fcall{tag++, Tclunk{2}});
    c->call(Fcall{tag++, Tclunk{kRoot}});
  }
}

}  // namespace
}  // namespace p9::hostile
