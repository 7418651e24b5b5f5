// read and write of regular-file bodies, under the node's coroutine lock only.
#include <cerrno>

#include "store/permissions.h"
#include "store/store.h"
#include "store/store_state.h"

namespace p9::store {

namespace {

constexpr int64_t DAY_SECONDS = 24 * 60 * 60;

Result<void> check_regular(const Node& node) {
  if (node.is_dir()) return Errno{EISDIR};
  if (node.kind != NodeKind::regular) return Errno{EINVAL};
  return {};
}

// Linux relatime: atime moves only when it is not newer than mtime/ctime, or a day old. Keeps
// reads from taking the exclusive lock every time.
bool atime_is_stale(const NodeTimes& t, Timespec now) {
  const Timespec atime = t.get(NodeTimes::ACCESS);
  return atime <= t.get(NodeTimes::MODIFY) || atime <= t.get(NodeTimes::CHANGE) ||
         now.sec - atime.sec >= DAY_SECONDS;
}

}  // namespace

asio::awaitable<Result<size_t>> Store::read(NodeRef node, uint64_t offset,
                                            std::span<std::byte> out) {
  if (auto r = check_regular(*node); !r) co_return Errno{r.error()};
  auto& file = as_file(*node);
  size_t bytes = 0;
  bool stale;
  {
    auto guard = co_await node->lock.scoped_lock_shared();
    if (file.body != nullptr) bytes = file.body->read(offset, out);
    stale = atime_is_stale(node->times, StoreState::now());
  }
  if (stale) {
    // Not a modification the client caches on: no version bump.
    auto guard = co_await node->lock.scoped_lock();
    const Timespec now = StoreState::now();
    if (atime_is_stale(node->times, now)) node->times.set(NodeTimes::ACCESS, now);
  }
  co_return bytes;
}

asio::awaitable<Result<Written>> Store::write(NodeRef node, uint64_t offset,
                                              std::span<const std::byte> data, bool append,
                                              Caller caller) {
  if (auto r = check_regular(*node); !r) co_return Errno{r.error()};
  auto& file = as_file(*node);
  auto guard = co_await node->lock.scoped_lock();
  if (append) offset = file.size();
  if (data.empty()) co_return Written{0, offset};
  if (const int err = state_->body_of(file).write(offset, data); err != 0) co_return Errno{err};
  node->mode = mode_after_write(node->mode, caller.cred);
  const Timespec now = StoreState::now();
  node->times.set(NodeTimes::MODIFY, now);
  node->changed(now);
  co_return Written{data.size(), offset};
}

}  // namespace p9::store
