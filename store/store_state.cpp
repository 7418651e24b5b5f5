#include "store/store_state.h"

#include <sys/random.h>

#include <ctime>
#include <vector>

#include "store/byte_range_locks.h"
#include "store/xattrs.h"

namespace p9::store {

namespace {

uint64_t random_generation() {
  uint64_t g = 0;
  if (getrandom(&g, sizeof g, 0) != sizeof g) g = static_cast<uint64_t>(std::time(nullptr));
  return g & 0xffff'ffff;  // st_gen is 32 bits wide in Linux
}

}  // namespace

StoreState::StoreState(const StoreOptions& opts)
    : options(opts),
      generation(random_generation()),
      arena(opts.pinning),
      space(opts.size_limit == 0 ? SpaceAccount::kUnlimited : opts.size_limit),
      body_storage{pool, space, &arena},
      inode_limit(opts.inode_limit),
      lock_owners(&arena) {
  Result<Directory*> made = new_node<Directory>(opts.root_mode, opts.root_uid, opts.root_gid,
                                                static_cast<Directory*>(nullptr));
  if (!made) throw std::system_error(made.error(), std::generic_category(), "store root");
  root = *made;
  add_ref(root);  // the store's own reference
  set_nlink(*root, 2);
}

StoreState::~StoreState() {
  lock_owners.clear();
  // Empty directories bottom-up with an explicit stack: recursion could overflow on deep trees.
  std::vector<Directory*> stack{root};
  while (!stack.empty()) {
    Directory* dir = stack.back();
    Entry* sub = nullptr;
    dir->entries.visit_from(DirectoryEntries::FIRST_COOKIE, [&](const Entry& e) {
      if (e.node->is_dir() && !as_dir(*e.node).entries.empty()) {
        sub = const_cast<Entry*>(&e);
        return false;
      }
      return true;
    });
    if (sub != nullptr) {
      stack.push_back(&as_dir(*sub->node));
      continue;
    }
    std::vector<Entry*> all;
    dir->entries.visit_from(DirectoryEntries::FIRST_COOKIE, [&](const Entry& e) {
      all.push_back(const_cast<Entry*>(&e));
      return true;
    });
    for (Entry* e : all) {
      Node* node = dir->entries.erase(e);
      set_nlink(*node, node->is_dir() ? 0 : node->nlink - 1);
      drop_ref(node);
    }
    stack.pop_back();
  }
  set_nlink(*root, 0);
  drop_ref(root);
}

bool StoreState::try_count_node() {
  const uint64_t configured = inode_limit.load(std::memory_order_relaxed);
  const uint64_t limit = configured == 0 ? UINT64_MAX : configured;
  uint64_t n = nodes.load(std::memory_order_relaxed);
  do {
    if (n >= limit) return false;
  } while (!nodes.compare_exchange_weak(n, n + 1, std::memory_order_relaxed));
  return true;
}

void StoreState::set_nlink(Node& node, uint32_t nlink) {
  if (node.nlink == 0 && nlink != 0) orphans.fetch_sub(1, std::memory_order_relaxed);
  if (node.nlink != 0 && nlink == 0) orphans.fetch_add(1, std::memory_order_relaxed);
  node.nlink = nlink;
}

Body& StoreState::body_of(RegularFile& file) {
  if (file.body == nullptr) {
    void* raw = arena.allocate(sizeof(Body), alignof(Body));
    file.body = new (raw) Body(body_storage);
  }
  return *file.body;
}

void StoreState::destroy(Node* node) noexcept {
  if (node->xattrs != nullptr) free_xattrs(*this, node->xattrs);
  if (node->locks != nullptr) free_lock_table(*this, node->locks);
  orphans.fetch_sub(1, std::memory_order_relaxed);  // only unnamed nodes lose their last reference
  switch (node->kind) {
    case NodeKind::directory: {
      auto* dir = static_cast<Directory*>(node);
      Directory* parent = dir->parent;
      dir->~Directory();
      arena.deallocate(node, sizeof(Directory), alignof(Directory));
      if (parent != dir) drop_ref(parent);
      break;
    }
    case NodeKind::regular:
      static_cast<RegularFile*>(node)->~RegularFile();
      arena.deallocate(node, sizeof(RegularFile), alignof(RegularFile));
      break;
    case NodeKind::symlink:
      static_cast<Symlink*>(node)->~Symlink();
      arena.deallocate(node, sizeof(Symlink), alignof(Symlink));
      break;
    default:
      static_cast<SpecialNode*>(node)->~SpecialNode();
      arena.deallocate(node, sizeof(SpecialNode), alignof(SpecialNode));
      break;
  }
  uncount_node();
}

Timespec StoreState::now() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return {ts.tv_sec, static_cast<uint32_t>(ts.tv_nsec)};
}

}  // namespace p9::store
