// The POSIX byte-range locks held on one node, and the coroutines waiting for them. Internal;
// guarded by the node's exclusive lock (blocked requests wait on `waiters` with that lock released).
#pragma once

#include <cstdint>
#include <memory_resource>
#include <string>
#include <vector>

#include "store/byte_range_lock.h"
#include "store/sync/wait_queue.h"

namespace p9::store {

struct StoreState;

struct LockRecord {
  uint64_t session;
  std::pmr::string client_id;
  uint32_t proc_id;
  LockType type;  // read or write
  uint64_t start;
  uint64_t end;  // inclusive; UINT64_MAX reaches any EOF

  bool owned_by(const LockOwner& o) const {
    return session == o.session && proc_id == o.proc_id && std::string_view(client_id) == o.client_id;
  }
};

struct LockTable {
  explicit LockTable(std::pmr::memory_resource* memory) : records(memory) {}

  // One owner's records never overlap one another and are kept merged.
  std::pmr::vector<LockRecord> records;
  WaitQueue waiters;  // F_SETLKW requests blocked by a conflict
};

// Frees an empty table (node destruction: nothing can wait on an unreferenced node).
void free_lock_table(StoreState& store, LockTable* table);

}  // namespace p9::store
