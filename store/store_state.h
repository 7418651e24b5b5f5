// The state shared by all of a store's operations (the Store object is its public face). Internal.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory_resource>
#include <system_error>
#include <unordered_map>

#include "store/memory/body.h"
#include "store/memory/pager.h"
#include "store/memory/pinned_arena.h"
#include "store/memory/segment_pool.h"
#include "store/memory/space_account.h"
#include "store/node.h"
#include "store/node_ref.h"
#include "store/result.h"
#include "store/store.h"
#include "store/sync/async_mutex.h"

namespace p9::store {

struct StoreState {
  explicit StoreState(const StoreOptions& options);
  // Unlinks the whole tree (iteratively: depth is unbounded) and destroys the root.
  ~StoreState();

  // A new node of type T (constructor args after the store and id), counted against the inode
  // limit (ENOSPC), with nlink 0 and no references yet. Throws std::bad_alloc.
  template <typename T, typename... Args>
  Result<T*> new_node(Args&&... args) {
    if (!try_count_node()) return Errno{ENOSPC};
    T* node;
    try {
      void* raw = arena.allocate(sizeof(T), alignof(T));
      try {
        node = new (raw) T(*this, next_id.fetch_add(1, std::memory_order_relaxed),
                           std::forward<Args>(args)...);
      } catch (...) {
        arena.deallocate(raw, sizeof(T), alignof(T));
        throw;
      }
    } catch (...) {
      uncount_node();
      throw;
    }
    orphans.fetch_add(1, std::memory_order_relaxed);  // nlink 0 until its first entry
    return node;
  }
  // Called when the last reference goes: frees everything the node owns and returns its charges.
  void destroy(Node* node) noexcept;

  // Changes node->nlink (caller holds its exclusive lock), keeping the orphan count in step.
  void set_nlink(Node& node, uint32_t nlink);

  // Room for `bytes` more metadata charged to the size limit (xattr values), or ENOSPC.
  bool try_charge(uint64_t bytes) { return space.try_charge(bytes); }

  Body& body_of(RegularFile& file);  // creates it on first use

  static Timespec now();

  // The limits in force are `space`'s and `inode_limit` (0 = unlimited), which set_limits changes;
  // options keeps the values the store was built with.
  const StoreOptions options;
  const uint64_t generation;
  PinnedArena arena;
  SegmentPool pool;
  SpaceAccount space;
  const BodyStorage body_storage;
  Pager pager;  // after `pool`: joined before the segments it faults in are unmapped
  // Major faults the io threads took while copying body memory (the pager's should have taken them).
  std::atomic<uint64_t> io_major_faults{0};
  std::atomic<uint64_t> next_id{1};
  std::atomic<uint64_t> inode_limit;
  std::atomic<uint64_t> nodes{0};
  std::atomic<uint64_t> orphans{0};
  AsyncMutex rename_mutex;
  // session -> nodes where it holds byte-range locks (each with one reference), for disconnect.
  AsyncMutex lock_owners_mutex;
  using LockOwners = std::pmr::unordered_map<uint64_t, std::pmr::unordered_map<Node*, NodeRef>>;
  LockOwners lock_owners;
  Directory* root = nullptr;

 private:
  bool try_count_node();
  void uncount_node() { nodes.fetch_sub(1, std::memory_order_relaxed); }
};

}  // namespace p9::store
