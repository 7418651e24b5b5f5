// rename: the one operation that can hold two directories and two of their children at once; it
// follows the lock order of store/node.h.
#include <sys/stat.h>

#include <cerrno>

#include "store/names.h"
#include "store/permissions.h"
#include "store/store.h"
#include "store/store_state.h"

namespace p9::store {

namespace {


using ExclusiveLock = UniqueLock<AsyncSharedMutex>;

// True when `a` is `b` or one of b's ancestors. Only reliable under the rename mutex (no directory
// changes parent meanwhile).
bool is_ancestor_or_self(const Directory* a, const Directory* b) {
  for (;;) {
    if (a == b) return true;
    if (b->parent == b) return false;  // the root
    b = b->parent;
  }
}

// Locks two distinct nodes of which neither is an ancestor of the other, in ascending id order.
asio::awaitable<std::pair<ExclusiveLock, ExclusiveLock>> lock_by_id(Node& a, Node& b) {
  Node& first = a.id < b.id ? a : b;
  Node& second = a.id < b.id ? b : a;
  ExclusiveLock g1 = co_await first.lock.scoped_lock();
  ExclusiveLock g2 = co_await second.lock.scoped_lock();
  co_return std::pair{std::move(g1), std::move(g2)};
}

// Locks a cross-directory rename's two directories: an ancestor first, else by id.
asio::awaitable<std::pair<ExclusiveLock, ExclusiveLock>> lock_directories(Directory& a,
                                                                          Directory& b) {
  Directory* first = nullptr;
  if (is_ancestor_or_self(&a, &b)) first = &a;
  if (is_ancestor_or_self(&b, &a)) first = &b;
  if (first == nullptr) co_return co_await lock_by_id(a, b);
  Directory& second = first == &a ? b : a;
  ExclusiveLock g1 = co_await first->lock.scoped_lock();
  ExclusiveLock g2 = co_await second.lock.scoped_lock();
  co_return std::pair{std::move(g1), std::move(g2)};
}

}  // namespace

asio::awaitable<Result<void>> Store::rename(NodeRef olddir, std::string_view oldname,
                                            NodeRef newdir, std::string_view newname,
                                            Caller caller) {
  if (!olddir->is_dir() || !newdir->is_dir()) co_return Errno{ENOTDIR};
  if (auto r = check_name(oldname); !r) co_return r;
  if (auto r = check_name(newname); !r) co_return r;
  if (is_dot_or_dotdot(oldname) || is_dot_or_dotdot(newname)) co_return Errno{EBUSY};
  StoreState& s = *state_;
  Directory& from = as_dir(*olddir);
  Directory& to = as_dir(*newdir);
  const bool cross = &from != &to;

  UniqueLock<AsyncMutex> rename_guard;
  ExclusiveLock from_guard;
  ExclusiveLock to_guard;
  if (cross) {
    rename_guard = co_await s.rename_mutex.scoped_lock();
    std::tie(from_guard, to_guard) = co_await lock_directories(from, to);
  } else {
    from_guard = co_await from.lock.scoped_lock();
  }

  if (auto r = may_access(from, caller, MAY_EXEC); !r) co_return r;
  if (auto r = may_access(to, caller, MAY_EXEC); !r) co_return r;
  Entry* source_entry = from.entries.find(oldname);
  if (source_entry == nullptr) co_return Errno{ENOENT};
  NodeRef source(source_entry->node);
  if (cross && source->is_dir() && is_ancestor_or_self(&as_dir(*source), &to)) {
    co_return Errno{EINVAL};
  }
  Entry* target_entry = to.entries.find(newname);
  NodeRef target(target_entry == nullptr ? nullptr : target_entry->node);
  if (cross && target && target->is_dir() && is_ancestor_or_self(&as_dir(*target), &from)) {
    co_return Errno{ENOTEMPTY};
  }
  if (source == target) co_return Result<void>{};

  ExclusiveLock source_guard;
  ExclusiveLock target_guard;
  if (target) {
    std::tie(source_guard, target_guard) = co_await lock_by_id(*source, *target);
  } else {
    source_guard = co_await source->lock.scoped_lock();
  }

  const bool moving_dir = source->is_dir();
  if (auto r = may_delete(from, *source, caller); !r) co_return r;
  if (target) {
    if (auto r = may_delete(to, *target, caller); !r) co_return r;
    if (moving_dir && !target->is_dir()) co_return Errno{ENOTDIR};
    if (!moving_dir && target->is_dir()) co_return Errno{EISDIR};
  } else {
    if (to.removed) co_return Errno{ENOENT};
    if (auto r = may_access(to, caller, MAY_WRITE | MAY_EXEC); !r) co_return r;
  }
  // A moved directory's ".." changes: that is a write to the directory itself.
  if (moving_dir && cross) {
    if (auto r = may_access(*source, caller, MAY_WRITE); !r) co_return r;
  }
  if (target && target->is_dir() && !as_dir(*target).entries.empty()) co_return Errno{ENOTEMPTY};
  if (moving_dir && cross && !target && to.nlink >= LINK_MAX) co_return Errno{EMLINK};

  // Every check passed: from here nothing fails. The only allocation (a new entry) comes first.
  const Timespec now = StoreState::now();
  add_ref(source.get());  // for its new entry
  if (target) {
    Node* replaced = to.entries.replace(target_entry, source.get());
    if (target->is_dir()) {
      as_dir(*target).removed = true;
      s.set_nlink(*target, 0);
      s.set_nlink(to, to.nlink - 1);
    } else {
      s.set_nlink(*target, target->nlink - 1);
    }
    target->changed(now);
    drop_ref(replaced);
  } else {
    try {
      to.entries.insert(newname, source.get());
    } catch (...) {
      drop_ref(source.get());
      throw;
    }
  }
  drop_ref(from.entries.erase(source_entry));
  if (moving_dir && cross) {
    as_dir(*source).parent = &to;
    add_ref(&to);
    drop_ref(&from);  // never the last: olddir is held by the caller
    s.set_nlink(from, from.nlink - 1);
    s.set_nlink(to, to.nlink + 1);
  }
  source->changed(now);
  from.times.set(NodeTimes::MODIFY, now);
  from.changed(now);
  if (cross) {
    to.times.set(NodeTimes::MODIFY, now);
    to.changed(now);
  }
  co_return Result<void>{};
}

}  // namespace p9::store
