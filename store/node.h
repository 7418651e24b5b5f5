// Nodes: the vertices of the store's pointer graph, one struct per kind sharing a Node header.
//
// LOCK ORDER (every path in the store follows it, so no cycle of waiters can form):
//  1. StoreState::rename_mutex — taken first, and only by renames whose two directories differ and
//     by check(), as Linux's s_vfs_rename_mutex. While it is held no directory changes parent, so
//     "is A an ancestor of B" (a walk up Directory::parent) stays true until it is released.
//     Same-directory renames do not take it: they never change any directory's ancestry.
//  2. Directory nodes: an ancestor before its descendants. Two directories of which neither is an
//     ancestor of the other are held together only by a cross-directory rename (under 1), which
//     takes them in ascending node id order.
//  3. The objects of an operation — the node being linked, unlinked, removed or renamed, and a
//     rename's target — after every directory locked in 2. They are children of those
//     directories (so 2's ancestor-first rule holds); two of them (a rename's source and target) are
//     never ancestors of one another once the EINVAL/ENOTEMPTY checks passed, and are taken in
//     ascending node id order.
//  4. StoreState::lock_owners_mutex (the session -> nodes-with-locks registry) after any node lock.
//     release_locks(session) takes it alone, lets go, then locks nodes one at a time.
// Only coroutine locks are used (AsyncMutex / AsyncSharedMutex): a waiter suspends, and no thread
// ever blocks while body memory is faulted in. Body reads take the node's shared lock; writes and
// every metadata change take it exclusively.
#pragma once

#include <atomic>
#include <cstdint>

#include "store/attr.h"
#include "store/directory_entries.h"
#include "store/memory/body.h"
#include "store/sync/async_shared_mutex.h"

namespace p9::store {

// Beyond this many links nlink and the reference count could overflow: EMLINK.
inline constexpr uint32_t LINK_MAX = 1u << 30;

struct StoreState;
struct XattrSet;
struct LockTable;

// Timestamps packed as separate second and nanosecond arrays: 48 bytes instead of 64 for four
// padded Timespecs (a node's size decides the pinned bytes per file).
class NodeTimes {
 public:
  enum Which { ACCESS, MODIFY, CHANGE, BIRTH };
  Timespec get(Which w) const { return {sec_[w], nsec_[w]}; }
  void set(Which w, Timespec t) {
    sec_[w] = t.sec;
    nsec_[w] = t.nsec;
  }

 private:
  int64_t sec_[4] = {};
  uint32_t nsec_[4] = {};
};

struct Node {
  Node(StoreState& store, NodeKind kind, uint64_t id, uint32_t mode, uint32_t uid, uint32_t gid);

  // References: one per directory entry naming the node, one per NodeRef. The node is destroyed
  // (body freed, accounting returned) when they reach zero.
  std::atomic<uint32_t> refs{0};
  // The fields below are guarded by `lock` (kind and id are immutable).
  uint32_t mode;  // type bits | permission bits
  uint32_t uid;
  uint32_t gid;
  uint32_t nlink = 0;  // entries naming it; directories: 2 + subdirectories while linked
  const NodeKind kind;
  const uint64_t id;
  // Written under the exclusive lock, read lock-free for qids.
  std::atomic<uint64_t> version{1};
  NodeTimes times;
  StoreState* const store;
  XattrSet* xattrs = nullptr;  // allocated on first set
  LockTable* locks = nullptr;  // allocated on first byte-range lock
  AsyncSharedMutex lock;

  bool is_dir() const { return kind == NodeKind::directory; }
  // Every data or metadata change: a new qid.version, so clients' caches notice.
  void bump_version() { version.fetch_add(1, std::memory_order_relaxed); }
  // ctime (and the version) for a metadata change at `now`.
  void changed(Timespec now) {
    times.set(NodeTimes::CHANGE, now);
    bump_version();
  }
};

struct Directory : Node {
  Directory(StoreState& store, uint64_t id, uint32_t mode, uint32_t uid, uint32_t gid,
            Directory* parent);
  // The directory holding this one's entry (itself for the root). Written only with this node's
  // exclusive lock and the rename mutex both held, so either one makes it safe to read. Holds a
  // reference (as a Linux dentry does on its parent): a removed directory still referenced keeps
  // its old ancestors' memory alive, so an ancestry walk from it never touches freed nodes.
  Directory* parent;
  // Set by rmdir: nothing may be created in a removed directory (ENOENT).
  bool removed = false;
  DirectoryEntries entries;
};

struct RegularFile : Node {
  RegularFile(StoreState& store, uint64_t id, uint32_t mode, uint32_t uid, uint32_t gid);
  ~RegularFile();
  // Created on the first write or truncate: an empty file costs one pointer, not a Body.
  Body* body = nullptr;
  uint64_t size() const { return body == nullptr ? 0 : body->size(); }
  uint64_t allocated_bytes() const { return body == nullptr ? 0 : body->allocated_bytes(); }
};

struct Symlink : Node {
  Symlink(StoreState& store, uint64_t id, uint32_t uid, uint32_t gid, std::string_view target);
  ~Symlink();
  std::string_view target() const { return {target_, length_}; }

 private:
  char* target_;  // pinned arena copy
  uint32_t length_;
};

// Character and block devices, FIFOs and sockets: nothing but attributes.
struct SpecialNode : Node {
  SpecialNode(StoreState& store, uint64_t id, NodeKind kind, uint32_t mode, uint32_t uid,
              uint32_t gid, uint64_t rdev);
  const uint64_t rdev;
};

// Reference counting on raw pointers, for the references directory entries and the lock registry
// own (NodeRef does the same for handles). Dropping the last reference destroys the node at once:
// whoever holds the node's lock must also hold a NodeRef to it.
void add_ref(Node* node);
void drop_ref(Node* node);

inline Directory& as_dir(Node& n) { return static_cast<Directory&>(n); }
inline RegularFile& as_file(Node& n) { return static_cast<RegularFile&>(n); }

}  // namespace p9::store
