// Extended attributes and POSIX byte-range locks.
#include <asio/bind_cancellation_slot.hpp>
#include <asio/cancellation_signal.hpp>
#include <asio/detached.hpp>
#include <asio/post.hpp>

#include "store/acl.h"
#include "tests/store/store_fixture.h"

namespace p9::store::test {
namespace {

using Xattrs = StoreTest;
using Locks = StoreTest;

std::string text(const std::vector<std::byte>& v) {
  return std::string(reinterpret_cast<const char*>(v.data()), v.size());
}

TEST_F(Xattrs, SetGetListRemove) {
  NodeRef root = store.root();
  NodeRef f = run(store.create(root, "f", 0644, 1000, alice)).value();
  EXPECT_EQ(run(store.get_xattr(f, "user.a", alice)).error(), ENODATA);
  ASSERT_TRUE(run(store.set_xattr(f, "user.a", bytes("1"), 0, alice)).ok());
  ASSERT_TRUE(run(store.set_xattr(f, "user.b", bytes(""), 0, alice)).ok());
  EXPECT_EQ(text(run(store.get_xattr(f, "user.a", bob)).value()), "1");
  EXPECT_EQ(run(store.list_xattrs(f, bob)).value(), std::string("user.a\0user.b\0", 14));
  EXPECT_EQ(run(store.set_xattr(f, "user.a", bytes("2"), XATTR_CREATE_FLAG, alice)).error(), EEXIST);
  EXPECT_EQ(run(store.set_xattr(f, "user.c", bytes("2"), XATTR_REPLACE_FLAG, alice)).error(), ENODATA);
  ASSERT_TRUE(run(store.set_xattr(f, "user.a", bytes("22"), XATTR_REPLACE_FLAG, alice)).ok());
  EXPECT_EQ(text(run(store.get_xattr(f, "user.a", alice)).value()), "22");
  ASSERT_TRUE(run(store.remove_xattr(f, "user.a", alice)).ok());
  EXPECT_EQ(run(store.remove_xattr(f, "user.a", alice)).error(), ENODATA);
  EXPECT_EQ(run(store.set_xattr(f, "user.x", bytes("v"), 4, alice)).error(), EINVAL);
}

TEST_F(Xattrs, NamesAndSizes) {
  NodeRef root = store.root();
  NodeRef f = create(root, "f");
  EXPECT_EQ(run(store.set_xattr(f, "other.a", bytes("v"), 0, su)).error(), EOPNOTSUPP);
  EXPECT_EQ(run(store.set_xattr(f, "system.foo", bytes("v"), 0, su)).error(), EOPNOTSUPP);
  EXPECT_EQ(run(store.set_xattr(f, "", bytes("v"), 0, su)).error(), ERANGE);
  EXPECT_EQ(run(store.set_xattr(f, std::string("user.a\0b", 8), bytes("v"), 0, su)).error(), EINVAL);
  EXPECT_EQ(run(store.set_xattr(f, "user." + std::string(251, 'n'), bytes("v"), 0, su)).error(), ERANGE);
  EXPECT_EQ(run(store.set_xattr(f, "user.", bytes("v"), 0, su)).error(), EINVAL);
  std::string big(XATTR_VALUE_MAX, 'b');
  EXPECT_TRUE(run(store.set_xattr(f, "user.big", bytes(big), 0, su)).ok());
  big.push_back('b');
  EXPECT_EQ(run(store.set_xattr(f, "user.big", bytes(big), 0, su)).error(), E2BIG);
  EXPECT_EQ(store.counters().space_used, 8 + XATTR_VALUE_MAX);
  ASSERT_TRUE(run(store.remove_xattr(f, "user.big", su)).ok());
  EXPECT_EQ(store.counters().space_used, 0u);
}

TEST_F(Xattrs, NamespacePermissions) {
  NodeRef root = store.root();
  NodeRef f = run(store.create(root, "f", 0644, 1000, alice)).value();
  EXPECT_EQ(run(store.set_xattr(f, "user.a", bytes("v"), 0, bob)).error(), EACCES);
  NodeRef secret = run(store.create(root, "s", 0600, 1000, alice)).value();
  ASSERT_TRUE(run(store.set_xattr(secret, "user.a", bytes("v"), 0, alice)).ok());
  EXPECT_EQ(run(store.get_xattr(secret, "user.a", bob)).error(), EACCES);
  EXPECT_EQ(run(store.set_xattr(f, "trusted.t", bytes("v"), 0, alice)).error(), EPERM);
  ASSERT_TRUE(run(store.set_xattr(f, "trusted.t", bytes("v"), 0, su)).ok());
  EXPECT_EQ(run(store.get_xattr(f, "trusted.t", alice)).error(), ENODATA);
  EXPECT_EQ(run(store.list_xattrs(f, alice)).value(), "");
  EXPECT_EQ(run(store.list_xattrs(f, su)).value(), std::string("trusted.t\0", 10));
  EXPECT_EQ(run(store.set_xattr(f, "security.selinux", bytes("v"), 0, alice)).error(), EPERM);
  ASSERT_TRUE(run(store.set_xattr(f, "security.selinux", bytes("v"), 0, su)).ok());
  EXPECT_EQ(text(run(store.get_xattr(f, "security.selinux", bob)).value()), "v");
  // ACLs must be well-formed (acl_test covers their contents); u::rw-,u:1001:r--,g::r--,m::r--,o::r--.
  const std::vector<std::byte> acl = encode_acl({{AclEntry::USER_OBJ, 6, ACL_UNDEFINED_ID},
                                                 {AclEntry::USER, 4, 1001},
                                                 {AclEntry::GROUP_OBJ, 4, ACL_UNDEFINED_ID},
                                                 {AclEntry::MASK, 4, ACL_UNDEFINED_ID},
                                                 {AclEntry::OTHER, 4, ACL_UNDEFINED_ID}});
  EXPECT_EQ(run(store.set_xattr(f, "system.posix_acl_access", acl, 0, bob)).error(), EPERM);
  ASSERT_TRUE(run(store.set_xattr(f, "system.posix_acl_access", acl, 0, alice)).ok());
  EXPECT_EQ(run(store.set_xattr(f, "system.posix_acl_default", acl, 0, alice)).error(), EACCES);
  NodeRef fifo = run(store.mknod(root, "p", S_IFIFO | 0666, 0, 0, su)).value();
  EXPECT_EQ(run(store.set_xattr(fifo, "user.a", bytes("v"), 0, su)).error(), EPERM);
  EXPECT_EQ(run(store.get_xattr(fifo, "user.a", su)).error(), ENODATA);
  // Sticky directories: only the owner sets user.* on them.
  NodeRef tmp = mkdir(root, "tmp", 01777);
  EXPECT_EQ(run(store.set_xattr(tmp, "user.a", bytes("v"), 0, alice)).error(), EPERM);
}

LockOwner owner(uint64_t session, uint32_t pid) { return LockOwner{session, "client", pid}; }

TEST_F(Locks, ConflictsAndGetlock) {
  NodeRef f = create(store.root(), "f");
  const LockOwner a = owner(1, 10), b = owner(1, 20);
  ASSERT_TRUE(run(store.lock(f, a, LockType::read, {0, 100}, false)).ok());
  EXPECT_TRUE(run(store.lock(f, b, LockType::read, {50, 100}, false)).ok());
  EXPECT_EQ(run(store.lock(f, b, LockType::write, {99, 1}, false)).error(), EAGAIN);
  EXPECT_TRUE(run(store.lock(f, b, LockType::write, {150, 0}, false)).ok());
  LockInfo info = run(store.get_lock(f, a, LockType::write, {200, 10})).value();
  EXPECT_EQ(info.type, LockType::write);
  EXPECT_EQ(info.range.start, 150u);
  EXPECT_EQ(info.range.length, 0u);  // to EOF
  EXPECT_EQ(info.proc_id, 20u);
  EXPECT_EQ(run(store.get_lock(f, b, LockType::write, {200, 10})).value().type, LockType::unlock);
  EXPECT_EQ(run(store.lock(f, a, LockType::read, {~uint64_t{0}, 2}, false)).error(), EINVAL);
}

TEST_F(Locks, SplitOnPartialUnlockAndMerge) {
  NodeRef f = create(store.root(), "f");
  const LockOwner a = owner(1, 10), b = owner(2, 10);
  ASSERT_TRUE(run(store.lock(f, a, LockType::write, {0, 100}, false)).ok());
  ASSERT_TRUE(run(store.lock(f, a, LockType::unlock, {40, 20}, false)).ok());
  EXPECT_TRUE(run(store.lock(f, b, LockType::write, {40, 20}, false)).ok());
  EXPECT_EQ(run(store.lock(f, b, LockType::write, {39, 1}, false)).error(), EAGAIN);
  EXPECT_EQ(run(store.lock(f, b, LockType::write, {60, 1}, false)).error(), EAGAIN);
  ASSERT_TRUE(run(store.lock(f, b, LockType::unlock, {0, 0}, false)).ok());
  // Downgrade part of the range to read: others may read-lock it, not write.
  ASSERT_TRUE(run(store.lock(f, a, LockType::read, {10, 10}, false)).ok());
  EXPECT_TRUE(run(store.lock(f, b, LockType::read, {12, 2}, false)).ok());
  EXPECT_EQ(run(store.lock(f, b, LockType::read, {9, 2}, false)).error(), EAGAIN);
  // Adjacent ranges merge: one unlock of the whole span frees everything.
  ASSERT_TRUE(run(store.lock(f, a, LockType::write, {100, 50}, false)).ok());
  ASSERT_TRUE(run(store.lock(f, a, LockType::unlock, {0, 0}, false)).ok());
  EXPECT_EQ(run(store.get_lock(f, b, LockType::write, {0, 0})).value().type, LockType::unlock);
}

TEST_F(Locks, BlockingRequestWaitsUntilReleased) {
  NodeRef f = create(store.root(), "f");
  const LockOwner a = owner(1, 10), b = owner(2, 10);
  ASSERT_TRUE(run(store.lock(f, a, LockType::write, {0, 0}, false)).ok());
  asio::io_context io;
  bool granted = false;
  asio::co_spawn(io, [&]() -> asio::awaitable<void> {
    auto r = co_await store.lock(f, b, LockType::write, {5, 5}, true);
    granted = r.ok();
  }, asio::detached);
  io.run_for(std::chrono::milliseconds(50));
  EXPECT_FALSE(granted);
  io.restart();
  asio::co_spawn(io, store.release_locks(f, a), asio::detached);
  io.run();
  EXPECT_TRUE(granted);
  EXPECT_EQ(run(store.lock(f, a, LockType::read, {6, 1}, false)).error(), EAGAIN);
  run(store.release_locks(2));
  EXPECT_TRUE(run(store.lock(f, a, LockType::read, {6, 1}, false)).ok());
}

TEST_F(Locks, CancelledWaitLeavesNoWaiter) {
  NodeRef f = create(store.root(), "f");
  const LockOwner a = owner(1, 10), b = owner(2, 10);
  ASSERT_TRUE(run(store.lock(f, a, LockType::write, {0, 0}, false)).ok());
  asio::io_context io;
  asio::cancellation_signal cancel;
  std::exception_ptr outcome;
  bool finished = false;
  asio::co_spawn(io, store.lock(f, b, LockType::write, {0, 0}, true),
                 asio::bind_cancellation_slot(cancel.slot(),
                                              [&](std::exception_ptr e, Result<void>) {
                                                outcome = e;
                                                finished = true;
                                              }));
  io.run_for(std::chrono::milliseconds(20));
  ASSERT_FALSE(finished);
  io.restart();
  asio::post(io, [&] { cancel.emit(asio::cancellation_type::terminal); });
  io.run();
  ASSERT_TRUE(finished);
  ASSERT_TRUE(outcome);
  try {
    std::rethrow_exception(outcome);
  } catch (const asio::system_error& e) {
    EXPECT_EQ(e.code(), asio::error::operation_aborted);
  }
  // b got nothing; a's release wakes nobody stale, and the node is lockable again.
  run(store.release_locks(1));
  EXPECT_TRUE(run(store.lock(f, owner(3, 1), LockType::write, {0, 0}, false)).ok());
}

TEST_F(Locks, SessionReleaseCoversEveryNodeAndKeepsUnlinkedNodesUntilThen) {
  NodeRef root = store.root();
  NodeRef f = create(root, "f");
  NodeRef g = create(root, "g");
  ASSERT_TRUE(run(store.lock(f, owner(7, 1), LockType::write, {0, 0}, false)).ok());
  ASSERT_TRUE(run(store.lock(g, owner(7, 2), LockType::read, {0, 10}, false)).ok());
  ASSERT_TRUE(run(store.unlink(root, "g", false, su)).ok());
  g = NodeRef();
  EXPECT_EQ(store.counters().nodes, 3u);  // g lives while its lock does
  run(store.release_locks(7));
  EXPECT_EQ(store.counters().nodes, 2u);
  EXPECT_TRUE(run(store.lock(f, owner(8, 1), LockType::write, {0, 0}, false)).ok());
}

}  // namespace
}  // namespace p9::store::test
