// Limits (size=, nr_inodes=), statfs and exact accounting.
#include "tests/store/store_fixture.h"

namespace p9::store::test {
namespace {

class Limits : public StoreTest {
 protected:
  Limits() : StoreTest(StoreOptions{.size_limit = 64 * 4096, .inode_limit = 10}) {}
};

TEST_F(Limits, SizeLimitGivesEnospcAndStatfsFollows) {
  NodeRef root = store.root();
  NodeRef f = create(root, "f");
  StatFs s = store.statfs();
  EXPECT_EQ(s.bsize, 4096u);
  EXPECT_EQ(s.blocks, 64u);
  EXPECT_EQ(s.bfree, 64u);
  EXPECT_EQ(s.files, 10u);
  EXPECT_EQ(s.ffree, 8u);
  EXPECT_EQ(s.namelen, 255u);
  write(f, 0, std::string(10 * 4096, 'x'));
  s = store.statfs();
  EXPECT_EQ(s.bfree, 54u);
  EXPECT_EQ(s.bavail, 54u);
  EXPECT_EQ(run(store.write(f, 10 * 4096, bytes(std::string(60 * 4096, 'y')), false, su)).error(),
            ENOSPC);
  EXPECT_EQ(attr(f).size, 10u * 4096);  // all or nothing
  // Holes are free.
  SetAttr size;
  size.valid = SetAttr::SIZE;
  size.size = uint64_t{1} << 40;
  ASSERT_TRUE(run(store.setattr(f, size, su)).ok());
  EXPECT_EQ(store.statfs().bfree, 54u);
  size.size = 4096;
  ASSERT_TRUE(run(store.setattr(f, size, su)).ok());
  EXPECT_EQ(store.statfs().bfree, 63u);
}

TEST_F(Limits, InodeLimit) {
  NodeRef root = store.root();
  for (int i = 0; i < 9; ++i) create(root, "f" + std::to_string(i));
  EXPECT_EQ(run(store.create(root, "x", 0644, 0, su)).error(), ENOSPC);
  EXPECT_EQ(run(store.mkdir(root, "x", 0755, 0, su)).error(), ENOSPC);
  EXPECT_EQ(run(store.symlink(root, "x", "t", 0, su)).error(), ENOSPC);
  EXPECT_EQ(store.statfs().ffree, 0u);
  ASSERT_TRUE(run(store.unlink(root, "f0", false, su)).ok());
  EXPECT_TRUE(run(store.mkdir(root, "x", 0755, 0, su)).ok());
}

using Accounting = StoreTest;

TEST_F(Accounting, ReturnsToStartAfterEverythingIsDeleted) {
  const StoreCounters start = store.counters();
  NodeRef root = store.root();
  {
    NodeRef d = mkdir(root, "d");
    for (int i = 0; i < 200; ++i) {
      NodeRef f = create(d, "file-" + std::to_string(i));
      write(f, static_cast<uint64_t>(i) * 1000, std::string(5000, 'q'));
      ASSERT_TRUE(run(store.set_xattr(f, "user.k", bytes("value"), 0, su)).ok());
      ASSERT_TRUE(run(store.lock(f, LockOwner{1, "c", 1}, LockType::write, {0, 0}, false)).ok());
    }
    ASSERT_TRUE(run(store.symlink(d, "link", "target", 0, su)).ok());
    ASSERT_TRUE(run(store.mknod(d, "fifo", S_IFIFO | 0600, 0, 0, su)).ok());
    NodeRef sub = mkdir(d, "sub");
    ASSERT_TRUE(run(store.rename(d, "file-0", sub, "moved", su)).ok());
    const StoreCounters full = store.counters();
    EXPECT_EQ(full.body_bytes + 200 * (6 + 5), full.space_used);  // data pages plus xattr names and values
    EXPECT_EQ(full.body_resident_bytes, full.body_bytes);  // no swap pressure in a unit test
    EXPECT_EQ(full.body_paged_out_bytes, 0u);
    if (full.pinned_bytes != 0) {
      EXPECT_EQ(full.pinned_bytes, full.metadata_mapped_bytes);  // all or nothing
    }
    expect_clean();
    run(store.release_locks(1));
    ASSERT_TRUE(run(store.unlink(sub, "moved", false, su)).ok());
    ASSERT_TRUE(run(store.unlink(d, "sub", true, su)).ok());
    for (int i = 1; i < 200; ++i) {
      ASSERT_TRUE(run(store.unlink(d, "file-" + std::to_string(i), false, su)).ok());
    }
    ASSERT_TRUE(run(store.unlink(d, "link", false, su)).ok());
    ASSERT_TRUE(run(store.unlink(d, "fifo", false, su)).ok());
    ASSERT_TRUE(run(store.unlink(root, "d", true, su)).ok());
  }
  const StoreCounters end = store.counters();
  EXPECT_EQ(end.nodes, start.nodes);
  EXPECT_EQ(end.orphans, 0u);
  EXPECT_EQ(end.space_used, start.space_used);
  EXPECT_EQ(end.metadata_bytes, start.metadata_bytes);
  EXPECT_EQ(end.body_bytes, 0u);
  EXPECT_EQ(end.body_resident_bytes, 0u);
  expect_clean();
}

}  // namespace
}  // namespace p9::store::test
