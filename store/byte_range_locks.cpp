// POSIX record locks (fcntl F_SETLK/F_SETLKW/F_GETLK semantics as fs/locks.c implements them):
// one owner's locks are split on partial unlock or change of type and merged when adjacent;
// blocked requests park as coroutines on the node's wait queue.
#include "store/byte_range_locks.h"

#include <cerrno>

#include "store/store.h"
#include "store/store_state.h"

namespace p9::store {

namespace {

constexpr uint64_t TO_EOF = UINT64_MAX;

struct Span {
  uint64_t start;
  uint64_t end;  // inclusive
};

Result<Span> span_of(LockRange range) {
  if (range.length == 0) return Span{range.start, TO_EOF};
  if (range.length - 1 > TO_EOF - range.start) return Errno{EINVAL};
  return Span{range.start, range.start + range.length - 1};
}

bool overlaps(const LockRecord& r, Span s) { return r.start <= s.end && s.start <= r.end; }

// Overlapping or touching: such ranges of one owner and type merge into one.
bool touches(const LockRecord& r, Span s) {
  return (s.start == 0 || r.end >= s.start - 1) && (s.end == TO_EOF || r.start <= s.end + 1);
}

const LockRecord* find_conflict(const LockTable* table, const LockOwner& owner, LockType type,
                                Span span) {
  if (table == nullptr || type == LockType::unlock) return nullptr;
  for (const LockRecord& r : table->records) {
    if (!r.owned_by(owner) && overlaps(r, span) &&
        (type == LockType::write || r.type == LockType::write)) {
      return &r;
    }
  }
  return nullptr;
}

// Sets `owner`'s lock state over `span` to `type` (unlock removes), splitting and merging.
void apply(LockTable& table, const LockOwner& owner, LockType type, Span span) {
  auto& records = table.records;
  std::pmr::vector<LockRecord> kept(records.get_allocator());
  kept.reserve(records.size() + 2);
  for (LockRecord& r : records) {
    if (!r.owned_by(owner)) {
      kept.push_back(std::move(r));
    } else if (r.type == type && touches(r, span)) {
      span.start = std::min(span.start, r.start);
      span.end = std::max(span.end, r.end);
    } else if (overlaps(r, span)) {
      if (r.start < span.start) {
        LockRecord left = r;
        left.end = span.start - 1;
        kept.push_back(std::move(left));
      }
      if (r.end > span.end) {
        LockRecord right = std::move(r);
        right.start = span.end + 1;
        kept.push_back(std::move(right));
      }
    } else {
      kept.push_back(std::move(r));
    }
  }
  if (type != LockType::unlock) {
    kept.push_back(LockRecord{owner.session, std::pmr::string(owner.client_id, records.get_allocator()),
                              owner.proc_id, type, span.start, span.end});
  }
  records = std::move(kept);
}

// The session -> nodes registry (taken after the node's lock: order 4) may list a node where the
// session holds nothing, never the reverse: a node is registered before a lock is granted there, and
// unregistered after the session's last lock on it is gone. So a cancellation while waiting for the
// registry leaves at worst a stale entry, which release_locks(session) clears.
// Drops a session's registry entry; an emptied registry gives its bucket array back so that the
// metadata figure returns exactly to its start value.
void forget_session(StoreState& s, StoreState::LockOwners::iterator it) {
  s.lock_owners.erase(it);
  if (s.lock_owners.empty()) StoreState::LockOwners(&s.arena).swap(s.lock_owners);
}

asio::awaitable<void> register_node(StoreState& s, Node& node, uint64_t session) {
  auto guard = co_await s.lock_owners_mutex.scoped_lock();
  s.lock_owners[session].try_emplace(&node, &node);
}

asio::awaitable<void> unregister_if_unused(StoreState& s, Node& node, uint64_t session) {
  for (const LockRecord& r : node.locks->records) {
    if (r.session == session) co_return;
  }
  auto guard = co_await s.lock_owners_mutex.scoped_lock();
  auto it = s.lock_owners.find(session);
  if (it == s.lock_owners.end()) co_return;
  it->second.erase(&node);
  if (it->second.empty()) forget_session(s, it);
}

LockTable& table_of(StoreState& s, Node& node) {
  if (node.locks == nullptr) {
    void* raw = s.arena.allocate(sizeof(LockTable), alignof(LockTable));
    node.locks = new (raw) LockTable(&s.arena);
  }
  return *node.locks;
}

}  // namespace

void free_lock_table(StoreState& store, LockTable* table) {
  table->~LockTable();
  store.arena.deallocate(table, sizeof(LockTable), alignof(LockTable));
}

asio::awaitable<Result<void>> Store::lock(NodeRef node, const LockOwner& owner, LockType type,
                                          LockRange range, bool wait) {
  Result<Span> span = span_of(range);
  if (!span) co_return Errno{span.error()};
  StoreState& s = *state_;
  auto guard = co_await node->lock.scoped_lock();
  LockTable& table = table_of(s, *node);
  while (find_conflict(&table, owner, type, *span) != nullptr) {
    if (!wait) co_return Errno{EAGAIN};
    co_await table.waiters.wait(guard);
  }
  if (type != LockType::unlock) co_await register_node(s, *node, owner.session);
  apply(table, owner, type, *span);
  // Any change may have released a range someone waits for (unlock, split, downgrade).
  table.waiters.notify_all();
  co_await unregister_if_unused(s, *node, owner.session);
  co_return Result<void>{};
}

asio::awaitable<Result<LockInfo>> Store::get_lock(NodeRef node, const LockOwner& owner,
                                                  LockType type, LockRange range) {
  Result<Span> span = span_of(range);
  if (!span) co_return Errno{span.error()};
  auto guard = co_await node->lock.scoped_lock_shared();
  LockInfo info;
  if (const LockRecord* r = find_conflict(node->locks, owner, type, *span)) {
    info.type = r->type;
    info.range = {r->start, r->end == TO_EOF ? 0 : r->end - r->start + 1};
    info.proc_id = r->proc_id;
    info.client_id = std::string(r->client_id);
  }
  co_return info;
}

asio::awaitable<void> Store::release_locks(NodeRef node, const LockOwner& owner) {
  auto guard = co_await node->lock.scoped_lock();
  if (node->locks == nullptr) co_return;
  std::erase_if(node->locks->records, [&](const LockRecord& r) { return r.owned_by(owner); });
  node->locks->waiters.notify_all();
  co_await unregister_if_unused(*state_, *node, owner.session);
}

asio::awaitable<void> Store::release_locks(uint64_t session) {
  StoreState& s = *state_;
  std::vector<NodeRef> nodes;
  {
    auto guard = co_await s.lock_owners_mutex.scoped_lock();
    auto it = s.lock_owners.find(session);
    if (it == s.lock_owners.end()) co_return;
    for (auto& [raw, ref] : it->second) nodes.push_back(std::move(ref));
    forget_session(s, it);
  }
  for (NodeRef& node : nodes) {
    auto guard = co_await node->lock.scoped_lock();
    if (node->locks == nullptr) continue;
    std::erase_if(node->locks->records, [&](const LockRecord& r) { return r.session == session; });
    node->locks->waiters.notify_all();
  }
}

}  // namespace p9::store
