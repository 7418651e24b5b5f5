// POSIX ACLs: the Linux xattr format, permission checks, mode <-> ACL sync and default-ACL
// inheritance, as Linux tmpfs does them.
#include <fcntl.h>

#include <cstdint>
#include <initializer_list>

#include "store/acl.h"
#include "tests/store/store_fixture.h"

namespace p9::store::test {
namespace {

constexpr uint32_t U = ACL_UNDEFINED_ID;
constexpr std::string_view ACCESS = ACL_ACCESS_XATTR;
constexpr std::string_view DEFAULT = ACL_DEFAULT_XATTR;

// Little-endian xattr value: version, then {tag, perm, id} entries.
std::vector<std::byte> acl_value(std::initializer_list<AclEntry> entries, uint32_t version = 2) {
  std::vector<std::byte> out;
  auto put = [&](uint32_t v, int size) {
    for (int i = 0; i < size; ++i) out.push_back(static_cast<std::byte>(v >> (8 * i)));
  };
  put(version, 4);
  for (const AclEntry& e : entries) {
    put(e.tag, 2);
    put(e.perm, 2);
    put(e.id, 4);
  }
  return out;
}

constexpr uint16_t UO = AclEntry::USER_OBJ, US = AclEntry::USER, GO = AclEntry::GROUP_OBJ,
                   GR = AclEntry::GROUP, MA = AclEntry::MASK, OT = AclEntry::OTHER;

class Acls : public StoreTest {
 protected:
  Credentials carol_cred{1002, 1002, {2000}};  // in named group 2000
  Credentials dave_cred{1003, 0, {}};  // in the owning group 0
  Caller carol{carol_cred, true};
  Caller dave{dave_cred, true};

  Result<void> set(const NodeRef& n, std::string_view name, std::initializer_list<AclEntry> e,
                   const Caller& c) {
    const std::vector<std::byte> v = acl_value(e);
    return run(store.set_xattr(n, name, v, 0, c));
  }
  int open_error(const NodeRef& n, uint32_t flags, const Caller& c) {
    return run(store.open(n, flags, c)).error();
  }
  Result<std::vector<std::byte>> get(const NodeRef& n, std::string_view name) {
    return run(store.get_xattr(n, name, su));
  }
  uint32_t perms(const NodeRef& n) { return attr(n).mode & 07777; }
  Result<void> chmod(const NodeRef& n, uint32_t mode) {
    SetAttr a;
    a.valid = SetAttr::MODE;
    a.mode = mode;
    return run(store.setattr(n, a, su));
  }
};

// tests/kernel/scenarios/xattrs.sh: user:1000:r-- on a 0600 root file.
TEST_F(Acls, NamedUserEntryGrantsRead) {
  NodeRef f = create(store.root(), "f", 0600);
  EXPECT_EQ(open_error(f, O_RDONLY, alice), EACCES);
  ASSERT_TRUE(set(f, ACCESS, {{UO, 6, U}, {US, 4, 1000}, {GO, 0, U}, {MA, 4, U}, {OT, 0, U}}, su).ok());
  EXPECT_EQ(perms(f), 0640u);
  EXPECT_EQ(open_error(f, O_RDONLY, alice), 0);
  EXPECT_EQ(open_error(f, O_WRONLY, alice), EACCES);
  EXPECT_EQ(open_error(f, O_RDONLY, bob), EACCES);
  EXPECT_EQ(open_error(f, O_RDWR, su), 0);
  expect_clean();
}

TEST_F(Acls, MaskLimitsNamedUserAndGroups) {
  NodeRef f = create(store.root(), "f", 0600);
  ASSERT_TRUE(set(f, ACCESS,
                  {{UO, 6, U}, {US, 6, 1000}, {GO, 6, U}, {GR, 6, 2000}, {MA, 4, U}, {OT, 0, U}},
                  su).ok());
  for (const Caller* c : {&alice, &carol, &dave}) {
    EXPECT_EQ(open_error(f, O_RDONLY, *c), 0);
    EXPECT_EQ(open_error(f, O_WRONLY, *c), EACCES);
  }
  EXPECT_EQ(open_error(f, O_RDONLY, bob), EACCES);
  // chmod's group bits are the mask: widening them lets the entries through.
  ASSERT_TRUE(chmod(f, 0660).ok());
  EXPECT_EQ(get(f, ACCESS).value(),
            acl_value({{UO, 6, U}, {US, 6, 1000}, {GO, 6, U}, {GR, 6, 2000}, {MA, 6, U}, {OT, 0, U}}));
  for (const Caller* c : {&alice, &carol, &dave}) EXPECT_EQ(open_error(f, O_RDWR, *c), 0);
}

TEST_F(Acls, GroupClassAndOther) {
  NodeRef f = create(store.root(), "f", 0644);
  // The owning group may read, group 2000 may write; others (bob) read through OTHER.
  ASSERT_TRUE(set(f, ACCESS,
                  {{UO, 6, U}, {GO, 4, U}, {GR, 2, 2000}, {MA, 6, U}, {OT, 4, U}}, su).ok());
  EXPECT_EQ(open_error(f, O_RDONLY, dave), 0);
  EXPECT_EQ(open_error(f, O_WRONLY, dave), EACCES);
  EXPECT_EQ(open_error(f, O_WRONLY, carol), 0);
  // A group-class member gets nothing from OTHER, though OTHER would grant the read.
  EXPECT_EQ(open_error(f, O_RDONLY, carol), EACCES);
  EXPECT_EQ(open_error(f, O_RDONLY, bob), 0);
  // In both groups: any matching entry that grants the access will do, but not their union.
  Credentials both_cred{1004, 0, {2000}};
  Caller both{both_cred, true};
  EXPECT_EQ(open_error(f, O_RDONLY, both), 0);
  EXPECT_EQ(open_error(f, O_WRONLY, both), 0);
  EXPECT_EQ(open_error(f, O_RDWR, both), EACCES);
  // A named user entry decides even when a group entry would grant more.
  ASSERT_TRUE(set(f, ACCESS,
                  {{UO, 6, U}, {US, 0, 1002}, {GO, 4, U}, {GR, 6, 2000}, {MA, 6, U}, {OT, 4, U}},
                  su).ok());
  EXPECT_EQ(open_error(f, O_RDONLY, carol), EACCES);
  // Permissions unchecked (access=client): the ACL is not consulted either.
  EXPECT_EQ(open_error(f, O_RDWR, Caller{carol_cred, false}), 0);
}

TEST_F(Acls, ModeFollowsAclAndBack) {
  NodeRef f = create(store.root(), "f", 0600);
  // Only the base entries: the mode says it all, nothing is stored.
  ASSERT_TRUE(set(f, ACCESS, {{UO, 7, U}, {GO, 5, U}, {OT, 1, U}}, su).ok());
  EXPECT_EQ(perms(f), 0751u);
  EXPECT_EQ(get(f, ACCESS).error(), ENODATA);
  EXPECT_EQ(run(store.list_xattrs(f, su)).value(), "");
  // Ids of the unnamed entries are ignored and handed back undefined.
  ASSERT_TRUE(set(f, ACCESS, {{UO, 6, 5}, {US, 4, 1000}, {GO, 0, 5}, {MA, 7, 5}, {OT, 4, 5}}, su).ok());
  EXPECT_EQ(perms(f), 0674u);
  EXPECT_EQ(get(f, ACCESS).value(),
            acl_value({{UO, 6, U}, {US, 4, 1000}, {GO, 0, U}, {MA, 7, U}, {OT, 4, U}}));
  EXPECT_EQ(run(store.list_xattrs(f, alice)).value(), std::string("system.posix_acl_access\0", 24));
  ASSERT_TRUE(chmod(f, 0751).ok());
  EXPECT_EQ(get(f, ACCESS).value(),
            acl_value({{UO, 7, U}, {US, 4, 1000}, {GO, 0, U}, {MA, 5, U}, {OT, 1, U}}));
  // Removing the ACL keeps the mode; removing an absent one succeeds, as on Linux.
  ASSERT_TRUE(run(store.remove_xattr(f, ACCESS, su)).ok());
  EXPECT_EQ(perms(f), 0751u);
  EXPECT_EQ(get(f, ACCESS).error(), ENODATA);
  EXPECT_TRUE(run(store.remove_xattr(f, ACCESS, su)).ok());
  // A header-only value removes as well.
  ASSERT_TRUE(set(f, ACCESS, {{UO, 6, U}, {US, 4, 1000}, {GO, 0, U}, {MA, 4, U}, {OT, 0, U}}, su).ok());
  ASSERT_TRUE(set(f, ACCESS, {}, su).ok());
  EXPECT_EQ(get(f, ACCESS).error(), ENODATA);
  EXPECT_EQ(store.counters().space_used, 0u);
  expect_clean();
}

TEST_F(Acls, SettingAnAclByANonMemberClearsSetGid) {
  NodeRef f = run(store.create(store.root(), "f", 02770, 0, alice)).value();
  ASSERT_EQ(perms(f), 02770u);
  ASSERT_TRUE(set(f, ACCESS, {{UO, 7, U}, {GO, 7, U}, {OT, 0, U}}, alice).ok());
  EXPECT_EQ(perms(f), 0770u);
}

TEST_F(Acls, DefaultAclIsInherited) {
  NodeRef d = mkdir(store.root(), "d", 0777);
  ASSERT_TRUE(set(d, DEFAULT, {{UO, 7, U}, {US, 7, 1000}, {GO, 5, U}, {MA, 7, U}, {OT, 5, U}}, su).ok());
  EXPECT_EQ(perms(d), 0777u);  // a default ACL leaves the mode alone

  NodeRef f = create(d, "f", 0640);
  EXPECT_EQ(perms(f), 0640u);
  EXPECT_EQ(get(f, ACCESS).value(),
            acl_value({{UO, 6, U}, {US, 7, 1000}, {GO, 5, U}, {MA, 4, U}, {OT, 0, U}}));
  EXPECT_EQ(get(f, DEFAULT).error(), ENODATA);
  EXPECT_EQ(open_error(f, O_RDONLY, alice), 0);
  EXPECT_EQ(open_error(f, O_WRONLY, alice), EACCES);

  NodeRef sub = mkdir(d, "sub", 0750);
  EXPECT_EQ(attr(sub).mode & 07777, 0750u);
  EXPECT_EQ(get(sub, ACCESS).value(),
            acl_value({{UO, 7, U}, {US, 7, 1000}, {GO, 5, U}, {MA, 5, U}, {OT, 0, U}}));
  EXPECT_EQ(get(sub, DEFAULT).value(), get(d, DEFAULT).value());
  // ...and passes it on.
  NodeRef g = create(sub, "g", 0666);
  EXPECT_EQ(perms(g), 0664u);  // other limited by the ACL's r-x, group by the mask rwx & rw-

  NodeRef fifo = run(store.mknod(d, "p", S_IFIFO | 0600, 0, 0, su)).value();
  EXPECT_EQ(perms(fifo), 0600u);
  EXPECT_EQ(get(fifo, ACCESS).value(),
            acl_value({{UO, 6, U}, {US, 7, 1000}, {GO, 5, U}, {MA, 0, U}, {OT, 0, U}}));
  NodeRef link = run(store.symlink(d, "l", "f", 0, su)).value();
  EXPECT_EQ(run(store.list_xattrs(link, su)).value(), "");
  expect_clean();
}

TEST_F(Acls, InheritedBaseOnlyAclStaysInTheMode) {
  NodeRef d = mkdir(store.root(), "d", 0777);
  ASSERT_TRUE(set(d, DEFAULT, {{UO, 7, U}, {GO, 5, U}, {OT, 0, U}}, su).ok());
  EXPECT_EQ(get(d, DEFAULT).value(), acl_value({{UO, 7, U}, {GO, 5, U}, {OT, 0, U}}));
  NodeRef f = create(d, "f", 0666);
  EXPECT_EQ(perms(f), 0640u);
  EXPECT_EQ(get(f, ACCESS).error(), ENODATA);
  // Without a default ACL the mode is used as given (the client applied its umask).
  ASSERT_TRUE(run(store.remove_xattr(d, DEFAULT, su)).ok());
  EXPECT_EQ(perms(create(d, "g", 0666)), 0666u);
}

TEST_F(Acls, MalformedOrMisplacedAclsAreRefused) {
  NodeRef f = run(store.create(store.root(), "f", 0644, 1000, alice)).value();
  auto raw_set = [&](std::vector<std::byte> v) {
    return run(store.set_xattr(f, ACCESS, v, 0, alice)).error();
  };
  EXPECT_EQ(raw_set({std::byte{2}, std::byte{0}}), EINVAL);  // shorter than the header
  EXPECT_EQ(raw_set(acl_value({{UO, 6, U}, {GO, 4, U}, {OT, 4, U}}, 1)), EOPNOTSUPP);
  std::vector<std::byte> ragged = acl_value({{UO, 6, U}, {GO, 4, U}, {OT, 4, U}});
  ragged.push_back(std::byte{0});
  EXPECT_EQ(raw_set(ragged), EINVAL);
  const std::initializer_list<AclEntry> invalid[] = {
      {{UO, 6, U}, {GO, 4, U}, {0x40, 4, U}, {OT, 4, U}},  // unknown tag
      {{UO, 6, U}, {US, 4, U}, {GO, 4, U}, {MA, 4, U}, {OT, 4, U}},  // named user without id
      {{UO, 8, U}, {GO, 4, U}, {OT, 4, U}},  // permission bit beyond rwx
      {{UO, 6, U}, {US, 4, 7}, {GO, 4, U}, {OT, 4, U}},  // named entry without a mask
      {{GO, 4, U}, {UO, 6, U}, {OT, 4, U}},  // out of order
      {{UO, 6, U}, {UO, 6, U}, {GO, 4, U}, {OT, 4, U}},  // USER_OBJ twice
      {{UO, 6, U}, {GO, 4, U}},  // no OTHER
  };
  for (const auto& entries : invalid) EXPECT_EQ(raw_set(acl_value(entries)), EINVAL);
  EXPECT_EQ(perms(f), 0644u);

  const std::initializer_list<AclEntry> base = {{UO, 6, U}, {GO, 4, U}, {OT, 4, U}};
  EXPECT_EQ(set(f, ACCESS, base, bob).error(), EPERM);
  EXPECT_EQ(set(f, DEFAULT, base, alice).error(), EACCES);  // default ACLs are for directories
  EXPECT_TRUE(run(store.remove_xattr(f, DEFAULT, bob)).ok());  // ...so there is none to remove
  NodeRef link = run(store.symlink(store.root(), "l", "f", 0, su)).value();
  EXPECT_EQ(set(link, ACCESS, base, su).error(), EOPNOTSUPP);
  EXPECT_EQ(get(link, ACCESS).error(), EOPNOTSUPP);
  // XATTR_CREATE / XATTR_REPLACE do not apply to ACLs (Linux ignores them).
  const std::vector<std::byte> named =
      acl_value({{UO, 6, U}, {US, 4, 1001}, {GO, 4, U}, {MA, 4, U}, {OT, 0, U}});
  EXPECT_TRUE(run(store.set_xattr(f, ACCESS, named, XATTR_REPLACE_FLAG, alice)).ok());
  EXPECT_TRUE(run(store.set_xattr(f, ACCESS, named, XATTR_CREATE_FLAG, alice)).ok());
  EXPECT_EQ(open_error(f, O_RDONLY, bob), 0);
  expect_clean();
}

}  // namespace
}  // namespace p9::store::test
