// Names a hostile client can put in every name-taking message: empty, with '/' or NUL, "." and
// "..", longer than NAME_MAX. Each must be refused with Linux's errno and change nothing; a name of
// exactly 255 bytes must work.
#include <sys/stat.h>

#include <cerrno>
#include <functional>
#include <string>
#include <vector>

#include "tests/hostile/hostile_fixture.h"

namespace p9::hostile {
namespace {

constexpr uint32_t kClone = 2;   // a walked, unopened clone of the root
constexpr uint32_t kProbe = 3;   // walked to /probe
constexpr uint32_t kXattr = 4;   // turned into an xattr fid
constexpr uint32_t kTarget = 5;  // walked to a file the xattr cases make

struct BadName {
  std::string name;
  uint32_t err;
};

// Refused in Twalk: no component may be empty, hold '/' or NUL, or exceed 255 bytes. Length is
// checked first (Linux: ENAMETOOLONG for an overlong component whatever it holds).
const std::vector<BadName>& bad_walk_names() {
  static const std::vector<BadName> names = {
      {"", EINVAL},
      {"a/b", EINVAL},
      {"/", EINVAL},
      {"probe/", EINVAL},
      {std::string("a\0b", 3), EINVAL},
      {std::string("probe\0", 6), EINVAL},
      {std::string(256, 'n'), ENAMETOOLONG},
      {std::string(300, '/'), ENAMETOOLONG},
  };
  return names;
}

// Refused in messages that make, remove, rename or link an entry: also "." and ".." (EINVAL, the
// documented choice of the Linux-client notes; the client never sends them).
const std::vector<BadName>& bad_entry_names() {
  static const std::vector<BadName> names = [] {
    std::vector<BadName> v = bad_walk_names();
    v.push_back({".", EINVAL});
    v.push_back({"..", EINVAL});
    return v;
  }();
  return names;
}

class Names : public RawSessionTest {
 protected:
  void SetUp() override {
    RawSessionTest::SetUp();
    c->call(Fcall{1, Twalk{kRoot, kClone, {}}});
    c->call(Fcall{1, Twalk{kRoot, kProbe, {kProbePath}}});
  }

  // Sends make(name) for every bad entry name and checks the errno; then checks that the export's
  // root still holds only the probe.
  void expect_refused(const std::function<Message(std::string_view)>& make) {
    uint16_t tag = 100;
    for (const BadName& bad : bad_entry_names()) {
      EXPECT_EQ(err(*c, Fcall{tag++, make(bad.name)}), bad.err)
          << "name '" << bad.name.substr(0, 20) << "' (" << bad.name.size() << " bytes)";
    }
    EXPECT_EQ(root_names(), std::vector<std::string>{std::string(kProbePath)});
  }

  std::vector<std::string> root_names() {
    std::vector<std::string> names;
    for (const auto& e : client()->list("/"))
      if (e.name != "." && e.name != "..") names.push_back(e.name);
    return names;
  }
};

TEST_F(Names, BadNamesInWalkAreRefused) {
  uint16_t tag = 100;
  for (const BadName& bad : bad_walk_names()) {
    EXPECT_EQ(err(*c, Fcall{tag++, Twalk{kRoot, 10, {bad.name}}}), bad.err) << bad.name.size();
    // Past the first name a bad one ends the walk there: a partial Rwalk, no newfid.
    auto r = c->call(Fcall{tag++, Twalk{kRoot, 10, {".", bad.name}}});
    EXPECT_EQ(r.as<Rwalk>().wqids.size(), 1u);
    EXPECT_EQ(err(*c, Fcall{tag++, Tclunk{10}}), uint32_t{EBADF});
  }
}

TEST_F(Names, BadNamesInLcreateAreRefused) {
  expect_refused([](std::string_view n) { return Tlcreate{kClone, n, DOTL_RDWR, 0644, 0}; });
  // The fid is still an unopened directory fid after all those failures.
  EXPECT_EQ(c->call(Fcall{1, Tlcreate{kClone, "fine", DOTL_RDWR, 0644, 0}}).type(), MsgType::Rlcreate);
}

TEST_F(Names, BadNamesInMkdirAreRefused) {
  expect_refused([](std::string_view n) { return Tmkdir{kRoot, n, 0755, 0}; });
}

TEST_F(Names, BadNamesInSymlinkAreRefused) {
  expect_refused([](std::string_view n) { return Tsymlink{kRoot, n, "target", 0}; });
}

TEST_F(Names, BadNamesInMknodAreRefused) {
  expect_refused([](std::string_view n) { return Tmknod{kRoot, n, S_IFIFO | 0644, 0, 0, 0}; });
}

TEST_F(Names, BadNamesInLinkAreRefused) {
  expect_refused([](std::string_view n) { return Tlink{kRoot, kProbe, n}; });
}

TEST_F(Names, BadNamesInRenameatAreRefusedOnEitherSide) {
  expect_refused([](std::string_view n) { return Trenameat{kRoot, kProbePath, kRoot, n}; });
  expect_refused([](std::string_view n) { return Trenameat{kRoot, n, kRoot, "elsewhere"}; });
  expect_refused([](std::string_view n) { return Trename{kProbe, kRoot, n}; });
}

TEST_F(Names, BadNamesInUnlinkatAreRefused) {
  expect_refused([](std::string_view n) { return Tunlinkat{kRoot, n, 0}; });
  expect_refused([](std::string_view n) { return Tunlinkat{kRoot, n, DOTL_AT_REMOVEDIR}; });
}

TEST_F(Names, NamesOfExactly255BytesWorkEverywhere) {
  const std::string n(255, 'n');
  const std::string m(255, 'm');
  EXPECT_EQ(c->call(Fcall{1, Tmkdir{kRoot, n, 0755, 0}}).type(), MsgType::Rmkdir);
  c->call(Fcall{2, Twalk{kRoot, 10, {n}}});
  EXPECT_EQ(c->call(Fcall{3, Tsymlink{10, m, std::string(4095, 't'), 0}}).type(), MsgType::Rsymlink);
  EXPECT_EQ(c->call(Fcall{4, Tmknod{10, n, S_IFIFO | 0600, 0, 0, 0}}).type(), MsgType::Rmknod);
  EXPECT_EQ(c->call(Fcall{5, Trenameat{10, n, kRoot, m}}).type(), MsgType::Rrenameat);
  EXPECT_EQ(c->call(Fcall{6, Tlink{10, kProbe, n}}).type(), MsgType::Rlink);
  EXPECT_EQ(c->call(Fcall{7, Tunlinkat{10, n, 0}}).type(), MsgType::Runlinkat);
  EXPECT_EQ(c->call(Fcall{8, Tlcreate{kClone, std::string(255, 'f'), DOTL_RDWR, 0644, 0}}).type(),
            MsgType::Rlcreate);
  // A symlink target is a path, not a name: 4095 bytes is PATH_MAX - 1, one more is too long.
  EXPECT_EQ(err(*c, Fcall{9, Tsymlink{10, "long", std::string(4096, 't'), 0}}), uint32_t{ENAMETOOLONG});
}

// The Txattrcreate + Twrite + Tclunk sequence of setxattr(2) on kTarget; the first errno.
uint32_t set_xattr(RawClient& c, std::string_view name, std::string_view value) {
  c.call(Fcall{1, Twalk{kTarget, kXattr, {}}});
  if (uint32_t e = err(c, Fcall{2, Txattrcreate{kXattr, name, value.size(), 0}})) {
    c.call(Fcall{3, Tclunk{kXattr}});
    return e;
  }
  if (!value.empty()) c.call(Fcall{4, Twrite{kXattr, 0, bytes_of(value)}});
  return err(c, Fcall{5, Tclunk{kXattr}});
}

class XattrNames : public Names {
 protected:
  void SetUp() override {
    Names::SetUp();
    write_file(*client(), "target", "");
    c->call(Fcall{1, Twalk{kRoot, kTarget, {"target"}}});
  }
};

TEST_F(XattrNames, NamesFollowLinuxRules) {
  // Linux setxattr: empty or over 255 bytes ERANGE; a bare namespace prefix EINVAL (as the store
  // documents); an unknown namespace EOPNOTSUPP.
  EXPECT_EQ(set_xattr(*c, "", "v"), uint32_t{ERANGE});
  EXPECT_EQ(set_xattr(*c, "user." + std::string(251, 'x'), "v"), uint32_t{ERANGE});
  EXPECT_EQ(set_xattr(*c, "user.", "v"), uint32_t{EINVAL});
  EXPECT_EQ(set_xattr(*c, "nonsense.name", "v"), uint32_t{EOPNOTSUPP});
  EXPECT_EQ(set_xattr(*c, "system.other", "v"), uint32_t{EOPNOTSUPP});
  // '/' is an ordinary character in an attribute name.
  EXPECT_EQ(set_xattr(*c, "user.a/b", "v"), 0u);
  EXPECT_EQ(err(*c, Fcall{6, Txattrwalk{kTarget, kXattr, "user.a/b"}}), 0u);
  c->call(Fcall{7, Tclunk{kXattr}});
  EXPECT_EQ(err(*c, Fcall{8, Txattrwalk{kTarget, kXattr, std::string(256, 'x')}}), uint32_t{ERANGE});
  EXPECT_EQ(err(*c, Fcall{9, Txattrwalk{kTarget, kXattr, "user.absent"}}), uint32_t{ENODATA});
}

TEST_F(XattrNames, NameWithNulIsNeverStored) {
  // No Linux caller can make one (names are C strings), and the list reply separates names with
  // NUL: a stored "user.a\0b" would list as two attributes, "user.a" and "b". Judgement call on
  // the errno (the store could say EINVAL or ERANGE): the name must be refused, whichever.
  EXPECT_NE(set_xattr(*c, std::string("user.a\0b", 8), "v"), 0u);
  auto size = c->call(Fcall{1, Txattrwalk{kTarget, kXattr, ""}});
  EXPECT_EQ(size.as<Rxattrwalk>().size, 0u) << "the file lists attributes it should not have";
  c->call(Fcall{2, Tclunk{kXattr}});
}

}  // namespace
}  // namespace p9::hostile
