// read and write of regular-file bodies, under the node's coroutine lock only.
//
// Body pages may be swapped out. Before copying, each call asks which pages of its range are not in
// RAM; if any, it lets go of the node's lock, has the pager fault them in on a helper thread (this io
// thread serves other requests meanwhile, and no lock is held across the page-in), then locks again
// and looks again: a write may have changed the file in between. After kPageInRounds page-ins it
// copies anyway (the pages were evicted again at once: the copy then faults on the io thread, and
// the store counts it).
//
// Without swap space no body page can be out of RAM: then neither the mincore nor the fault count
// (two getrusage calls) is paid, which was ~10 % of the server's CPU per 64 KiB Twrite.
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include "store/permissions.h"
#include "store/store.h"
#include "store/memory/thread_faults.h"
#include "store/store_state.h"

namespace p9::store {

namespace {

constexpr int64_t DAY_SECONDS = 24 * 60 * 60;
constexpr int kPageInRounds = 2;

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

// Runs a body copy, adding the major faults the calling (io) thread took in it to the store's count.
template <typename Copy>
auto counting_faults(StoreState& state, Copy copy) {
  if (!state.pool.can_page_out()) return copy();
  const uint64_t before = thread_major_faults();
  auto result = copy();
  state.io_major_faults.fetch_add(thread_major_faults() - before, std::memory_order_relaxed);
  return result;
}

// The pages of [offset, offset+length) to fault in before copying; none after the last round.
std::vector<PageRun> paged_out(const StoreState& state, const Body* body, uint64_t offset, uint64_t length,
                               int round) {
  std::vector<PageRun> missing;
  if (body != nullptr && round < kPageInRounds && state.pool.can_page_out())
    body->paged_out(offset, length, missing);
  return missing;
}

}  // namespace

namespace {

// The node's lock, shared, once the pages of [offset, offset+count) are in RAM (or after the last
// page-in round); updates atime first when it is stale. Not a modification the client caches on:
// no version bump. atime is looked at once per call, so that a stream of writes (each making it
// stale again) cannot keep a read from reading.
asio::awaitable<SharedLock<AsyncSharedMutex>> lock_for_read(StoreState& state, Node& node, const RegularFile& file,
                                                          uint64_t offset, size_t count) {
  bool atime_checked = false;
  int round = 0;
  for (;;) {
    auto guard = co_await node.lock.scoped_lock_shared();
    if (!atime_checked && atime_is_stale(node.times, StoreState::now())) {
      guard.unlock();
      auto exclusive = co_await node.lock.scoped_lock();
      const Timespec now = StoreState::now();
      if (atime_is_stale(node.times, now)) node.times.set(NodeTimes::ACCESS, now);
      atime_checked = true;
      continue;
    }
    atime_checked = true;
    std::vector<PageRun> missing = paged_out(state, file.body, offset, count, round);
    if (missing.empty()) co_return guard;
    guard.unlock();
    co_await state.pager.page_in(std::move(missing));
    ++round;
  }
}

}  // namespace

void FileView::copy_to(std::byte* to, size_t from) const {
  size_t at = 0;
  for (const std::span<const std::byte> piece : pieces) {
    const size_t skip = from > at ? std::min(from - at, piece.size()) : 0;
    std::memcpy(to + at + skip, piece.data() + skip, piece.size() - skip);
    at += piece.size();
  }
}

asio::awaitable<Result<FileView>> Store::read_view(NodeRef node, uint64_t offset, size_t count) {
  if (auto r = check_regular(*node); !r) co_return Errno{r.error()};
  const auto& file = as_file(*node);
  FileView view;
  view.guard = co_await lock_for_read(*state_, *node, file, offset, count);
  if (file.body != nullptr) view.bytes = file.body->view(offset, count, view.pieces);
  view.node = std::move(node);
  co_return std::move(view);
}

asio::awaitable<Result<size_t>> Store::read(NodeRef node, uint64_t offset, std::span<std::byte> out) {
  if (auto r = check_regular(*node); !r) co_return Errno{r.error()};
  const auto& file = as_file(*node);
  const auto guard = co_await lock_for_read(*state_, *node, file, offset, out.size());
  if (file.body == nullptr) co_return size_t{0};
  co_return counting_faults(*state_, [&] { return file.body->read(offset, out); });
}

asio::awaitable<Result<Written>> Store::write(NodeRef node, uint64_t offset,
                                              std::span<const std::byte> data, bool append,
                                              Caller caller) {
  if (auto r = check_regular(*node); !r) co_return Errno{r.error()};
  auto& file = as_file(*node);
  auto guard = co_await node->lock.scoped_lock();
  for (int round = 0;; ++round) {
    if (append) offset = file.size();
    std::vector<PageRun> missing = paged_out(*state_, file.body, offset, data.size(), round);
    if (missing.empty()) break;
    guard.unlock();
    co_await state_->pager.page_in(std::move(missing));
    guard = co_await node->lock.scoped_lock();
  }
  if (data.empty()) co_return Written{0, offset};
  Body& body = state_->body_of(file);
  if (const int err = counting_faults(*state_, [&] { return body.write(offset, data); }); err != 0)
    co_return Errno{err};
  node->mode = mode_after_write(node->mode, caller.cred);
  const Timespec now = StoreState::now();
  node->times.set(NodeTimes::MODIFY, now);
  node->changed(now);
  co_return Written{data.size(), offset};
}

}  // namespace p9::store
