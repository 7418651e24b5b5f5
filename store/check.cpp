// check(): an fsck of the pointer graph and the accounting.
#include <string>
#include <unordered_map>
#include <vector>

#include "store/byte_range_locks.h"
#include "store/names.h"
#include "store/store.h"
#include "store/store_state.h"
#include "store/xattrs.h"

namespace p9::store {

namespace {

struct Seen {
  NodeRef ref;
  uint64_t entries = 0;  // entries naming the node
  uint64_t subdirs = 0;  // for directories: subdirectories found in them
};

std::string describe(const Node& node) { return "node " + std::to_string(node.id); }

}  // namespace

asio::awaitable<std::vector<std::string>> Store::check() {
  StoreState& s = *state_;
  std::vector<std::string> problems;
  auto rename_guard = co_await s.rename_mutex.scoped_lock();

  std::unordered_map<Node*, Seen> seen;
  seen[s.root].ref = NodeRef(s.root);
  std::vector<Directory*> pending{s.root};
  while (!pending.empty()) {
    Directory* dir = pending.back();
    pending.pop_back();
    auto guard = co_await dir->lock.scoped_lock_shared();
    if (dir->removed) problems.push_back(describe(*dir) + ": removed directory still named");
    uint64_t count = 0;
    uint64_t last_cookie = 0;
    dir->entries.visit_from(DirectoryEntries::FIRST_COOKIE, [&](const Entry& e) {
      ++count;
      const std::string where = describe(*dir) + " entry '" + std::string(e.name()) + "'";
      if (!check_name(e.name()) || is_dot_or_dotdot(e.name())) problems.push_back(where + ": bad name");
      if (dir->entries.find(e.name()) != &e) problems.push_back(where + ": not found by name");
      if (e.cookie <= last_cookie) problems.push_back(where + ": cookies out of order");
      last_cookie = e.cookie;
      if (e.ino != e.node->id || e.kind != e.node->kind) problems.push_back(where + ": ino or kind not the node's");
      Seen& child = seen[e.node];
      if (!child.ref) child.ref = NodeRef(e.node);
      ++child.entries;
      if (e.node->is_dir()) {
        ++seen[dir].subdirs;
        Directory& sub = as_dir(*e.node);
        if (child.entries > 1) problems.push_back(where + ": directory named twice");
        else pending.push_back(&sub);
        if (sub.parent != dir) problems.push_back(where + ": parent pointer elsewhere");
      }
      return true;
    });
    if (count != dir->entries.size()) {
      problems.push_back(describe(*dir) + ": entry count " + std::to_string(dir->entries.size()) +
                         " but " + std::to_string(count) + " listed");
    }
  }

  uint64_t charged = 0;
  for (auto& [node, info] : seen) {
    auto guard = co_await node->lock.scoped_lock_shared();
    const uint64_t expected = node->is_dir() ? 2 + info.subdirs : info.entries;
    if (node->nlink != expected) {
      problems.push_back(describe(*node) + ": nlink " + std::to_string(node->nlink) + ", expected " +
                         std::to_string(expected));
    }
    if (node->version.load(std::memory_order_relaxed) == 0) {
      problems.push_back(describe(*node) + ": version 0");
    }
    if (node->kind == NodeKind::regular) charged += as_file(*node).allocated_bytes();
    if (node->xattrs != nullptr) {
      uint64_t bytes = 0;
      for (const auto& a : node->xattrs->attributes) bytes += a.name.size() + a.value.size();
      if (bytes != node->xattrs->charged) problems.push_back(describe(*node) + ": xattr charge");
      charged += bytes;
    }
  }

  const uint64_t nodes = s.nodes.load(std::memory_order_relaxed);
  const uint64_t orphans = s.orphans.load(std::memory_order_relaxed);
  if (seen.size() + orphans != nodes) {
    problems.push_back(std::to_string(seen.size()) + " nodes reachable + " +
                       std::to_string(orphans) + " unnamed != " + std::to_string(nodes) +
                       " alive");
  }
  const uint64_t used = s.space.used();
  if (orphans == 0 ? charged != used : charged > used) {
    problems.push_back("space: " + std::to_string(charged) + " bytes held by reachable nodes, " +
                       std::to_string(used) + " charged");
  }
  co_return problems;
}

}  // namespace p9::store
