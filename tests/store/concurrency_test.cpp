// Many coroutines on an io_context run by 4 threads doing conflicting renames (directory moves
// across parents included), creates, unlinks, writes and byte-range locks; afterwards check() finds
// no problem and the accounting returns exactly to its start value once everything is removed.
#include <asio/detached.hpp>
#include <random>
#include <thread>

#include "tests/store/store_fixture.h"

namespace p9::store::test {
namespace {

constexpr int WORKERS = 48;
constexpr int OPS_PER_WORKER = 800;
constexpr int THREADS = 4;

class Concurrency : public StoreTest {
 protected:
  std::vector<NodeRef> dirs;  // fixed set of directories the workers aim at (they move around)

  void SetUp() override {
    NodeRef root = store.root();
    dirs.push_back(root);
    for (int i = 0; i < 4; ++i) {
      NodeRef d = mkdir(root, "d" + std::to_string(i));
      dirs.push_back(d);
      for (int j = 0; j < 3; ++j) dirs.push_back(mkdir(d, "s" + std::to_string(j)));
    }
  }

  asio::awaitable<void> worker(int id, std::atomic<int>& errors_seen, std::atomic<int>& dir_moves) {
    std::mt19937 rng(static_cast<uint32_t>(id));
    auto pick = [&](size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng); };
    auto name = [&](char prefix) { return std::string(1, prefix) + std::to_string(pick(6)); };
    const LockOwner owner{static_cast<uint64_t>(id % 4), "client", static_cast<uint32_t>(id)};
    std::string data(pick(20000) + 1, static_cast<char>('a' + id % 26));
    for (int i = 0; i < OPS_PER_WORKER; ++i) {
      NodeRef dir = dirs[pick(dirs.size())];
      NodeRef other = dirs[pick(dirs.size())];
      int err = 0;
      switch (pick(10)) {
        case 0:
        case 1: err = (co_await store.create(dir, name('f'), 0644, 0, su)).error(); break;
        case 2: err = (co_await store.unlink(dir, name('f'), false, su)).error(); break;
        case 3: err = (co_await store.mkdir(dir, name('s'), 0755, 0, su)).error(); break;
        case 4: err = (co_await store.unlink(dir, name('s'), true, su)).error(); break;
        case 5:
          err = (co_await store.rename(dir, name('s'), other, name('s'), su)).error();
          if (err == 0 && dir != other) ++dir_moves;
          break;
        case 6: err = (co_await store.rename(dir, name('f'), other, name('f'), su)).error(); break;
        case 7:
        case 8: {
          auto f = co_await store.lookup(dir, name('f'), su);
          if (!f) break;
          if (f->kind() != NodeKind::regular) break;
          err = (co_await store.write(*f, pick(50000), bytes(data), pick(4) == 0, su)).error();
          break;
        }
        case 9: {
          auto f = co_await store.lookup(dir, name('f'), su);
          if (!f || f->kind() != NodeKind::regular) break;
          const LockType type = pick(2) == 0 ? LockType::read : LockType::write;
          const LockRange range{pick(100), pick(50)};
          // One lock at a time per owner: waiting can never form a cycle.
          auto r = co_await store.lock(*f, owner, type, range, pick(2) == 0);
          if (r) co_await store.lock(*f, owner, LockType::unlock, range, false);
          else if (r.error() != EAGAIN) err = r.error();
          break;
        }
      }
      // Expected failures of racing operations; anything else is a bug.
      switch (err) {
        case 0: case ENOENT: case EEXIST: case ENOTEMPTY: case EINVAL: case ENOTDIR: case EISDIR:
          break;
        default:
          ++errors_seen;
          ADD_FAILURE() << "unexpected errno " << err;
      }
    }
  }

  // Removes everything below dir (single-threaded, after the storm).
  void remove_all(const NodeRef& dir) {
    std::vector<std::pair<std::string, NodeKind>> names;
    ASSERT_TRUE(run(store.readdir(dir, 2, [&](std::span<const DirEntry> batch) {
      for (const DirEntry& e : batch) names.emplace_back(e.name, e.kind);
      return batch.size();
    })).ok());
    for (const auto& [n, kind] : names) {
      if (kind == NodeKind::directory) remove_all(run(store.lookup(dir, n, su)).value());
      ASSERT_TRUE(run(store.unlink(dir, n, kind == NodeKind::directory, su)).ok()) << n;
    }
  }
};

TEST_F(Concurrency, ConflictingOperationsKeepInvariants) {
  const StoreCounters start = store.counters();
  asio::io_context io;
  std::atomic<int> errors{0};
  std::atomic<int> finished{0};
  std::atomic<int> dir_moves{0};
  for (int w = 0; w < WORKERS; ++w) {
    asio::co_spawn(io, worker(w, errors, dir_moves), [&](std::exception_ptr e) {
      if (e) ADD_FAILURE() << "worker threw";
      ++finished;
    });
  }
  std::vector<std::thread> threads;
  for (int t = 0; t < THREADS; ++t) threads.emplace_back([&] { io.run(); });
  for (auto& t : threads) t.join();
  EXPECT_EQ(finished.load(), WORKERS);
  EXPECT_EQ(errors.load(), 0);
  EXPECT_GT(dir_moves.load(), 10);  // the storm did move directories across parents

  auto problems = run(store.check());
  for (const auto& p : problems) ADD_FAILURE() << p;

  dirs.clear();  // it may hold directories removed meanwhile (unnamed, kept by these handles)
  EXPECT_EQ(store.counters().orphans, 0u);
  remove_all(store.root());
  const StoreCounters end = store.counters();
  EXPECT_EQ(end.nodes, 1u);
  EXPECT_EQ(end.space_used, start.space_used);
  EXPECT_EQ(end.orphans, 0u);
  expect_clean();
}

}  // namespace
}  // namespace p9::store::test
