// Operations that add or remove names: create, mkdir, mknod, symlink, link, unlink; and readdir.
#include <sys/stat.h>

#include <array>
#include <cerrno>
#include <span>

#include "store/acl.h"
#include "store/names.h"
#include "store/permissions.h"
#include "store/store.h"
#include "store/store_state.h"

namespace p9::store {

namespace {

// The steps every node-creating call shares, in Linux's order: lock dir, search permission,
// EEXIST, removed directory, write permission, then make(parent) builds the node (ENOSPC), it
// inherits dir's default ACL (ENOSPC) and is entered under `name`.
template <typename Make>
asio::awaitable<Result<NodeRef>> add_node(StoreState& s, NodeRef dir, std::string_view name,
                                          Caller caller, bool is_mkdir, Make make) {
  if (!dir->is_dir()) co_return Errno{ENOTDIR};
  if (auto r = check_name(name); !r) co_return Errno{r.error()};
  Directory& d = as_dir(*dir);
  auto guard = co_await d.lock.scoped_lock();
  if (auto r = may_access(d, caller, MAY_EXEC); !r) co_return Errno{r.error()};
  if (is_dot_or_dotdot(name) || d.entries.find(name) != nullptr) co_return Errno{EEXIST};
  if (d.removed) co_return Errno{ENOENT};
  if (auto r = may_access(d, caller, MAY_WRITE | MAY_EXEC); !r) co_return Errno{r.error()};
  if (is_mkdir && d.nlink >= LINK_MAX) co_return Errno{EMLINK};
  Result<Node*> made = make(d);
  if (!made) co_return Errno{made.error()};
  NodeRef node(*made);  // on failure below, dropping it destroys the unlinked node
  if (auto r = inherit_acls(s, d, *node); !r) co_return Errno{r.error()};
  d.entries.insert(name, node.get());
  add_ref(node.get());  // the entry's reference
  s.set_nlink(*node, node->is_dir() ? 2 : 1);
  if (node->is_dir()) s.set_nlink(d, d.nlink + 1);
  const Timespec now = StoreState::now();
  d.times.set(NodeTimes::MODIFY, now);
  d.changed(now);
  co_return node;
}

// Group of a new node: the directory's when it is set-group-ID (BSD semantics), else the one asked.
uint32_t new_gid(const Directory& dir, uint32_t gid) {
  return (dir.mode & S_ISGID) != 0 ? dir.gid : gid;
}

// Permission bits of a new non-directory: a set-group-ID bit asked for in a set-group-ID directory
// by a caller outside the file's group is dropped (Linux mode_strip_sgid).
uint32_t new_file_mode(const Directory& dir, uint32_t mode, const Caller& caller) {
  mode &= 07777;
  if ((mode & (S_ISGID | S_IXGRP)) == (S_ISGID | S_IXGRP) && (dir.mode & S_ISGID) != 0 &&
      caller.check_permissions && !caller.cred.is_root() && !caller.cred.in_group(dir.gid)) {
    mode &= ~static_cast<uint32_t>(S_ISGID);
  }
  return mode;
}

// Linux's protected_hardlinks (on by default): linking a file you do not own needs it to be a
// regular file without set-ID execution, that you may read and write.
Result<void> may_link_source(const Node& node, const Caller& caller) {
  if (owns(node, caller)) return {};
  const bool setid = (node.mode & S_ISUID) != 0 ||
                     (node.mode & (S_ISGID | S_IXGRP)) == (S_ISGID | S_IXGRP);
  if (node.kind != NodeKind::regular || setid || !may_access(node, caller, MAY_READ | MAY_WRITE)) {
    return Errno{EPERM};
  }
  return {};
}

}  // namespace

asio::awaitable<Result<NodeRef>> Store::create(NodeRef dir, std::string_view name, uint32_t mode,
                                               uint32_t gid, Caller caller) {
  StoreState& s = *state_;
  co_return co_await add_node(s, std::move(dir), name, caller, false,
                              [&](Directory& d) -> Result<Node*> {
    auto made = s.new_node<RegularFile>(new_file_mode(d, mode, caller), caller.cred.uid,
                                        new_gid(d, gid));
    if (!made) return Errno{made.error()};
    return static_cast<Node*>(*made);
  });
}

asio::awaitable<Result<NodeRef>> Store::mkdir(NodeRef dir, std::string_view name, uint32_t mode,
                                              uint32_t gid, Caller caller) {
  StoreState& s = *state_;
  co_return co_await add_node(s, std::move(dir), name, caller, true,
                              [&](Directory& d) -> Result<Node*> {
    uint32_t m = mode & (0777 | S_ISVTX);
    if ((d.mode & S_ISGID) != 0) m |= S_ISGID;
    auto made = s.new_node<Directory>(m, caller.cred.uid, new_gid(d, gid), &d);
    if (!made) return Errno{made.error()};
    return static_cast<Node*>(*made);
  });
}

asio::awaitable<Result<NodeRef>> Store::mknod(NodeRef dir, std::string_view name, uint32_t mode,
                                              uint64_t rdev, uint32_t gid, Caller caller) {
  NodeKind kind;
  switch (mode & S_IFMT) {
    case 0:
    case S_IFREG: co_return co_await create(std::move(dir), name, mode, gid, caller);
    case S_IFCHR: kind = NodeKind::char_device; break;
    case S_IFBLK: kind = NodeKind::block_device; break;
    case S_IFIFO: kind = NodeKind::fifo; break;
    case S_IFSOCK: kind = NodeKind::socket; break;
    case S_IFDIR: co_return Errno{EPERM};
    default: co_return Errno{EINVAL};
  }
  const bool device = kind == NodeKind::char_device || kind == NodeKind::block_device;
  // CAP_MKNOD: only root creates device nodes.
  if (device && caller.check_permissions && !caller.cred.is_root()) co_return Errno{EPERM};
  StoreState& s = *state_;
  co_return co_await add_node(s, std::move(dir), name, caller, false,
                              [&](Directory& d) -> Result<Node*> {
    auto made = s.new_node<SpecialNode>(kind, new_file_mode(d, mode, caller), caller.cred.uid,
                                        new_gid(d, gid), device ? rdev : 0);
    if (!made) return Errno{made.error()};
    return static_cast<Node*>(*made);
  });
}

asio::awaitable<Result<NodeRef>> Store::symlink(NodeRef dir, std::string_view name,
                                                std::string_view target, uint32_t gid,
                                                Caller caller) {
  if (target.empty()) co_return Errno{ENOENT};
  if (target.size() > SYMLINK_MAX) co_return Errno{ENAMETOOLONG};
  StoreState& s = *state_;
  co_return co_await add_node(s, std::move(dir), name, caller, false,
                              [&](Directory& d) -> Result<Node*> {
    auto made = s.new_node<Symlink>(caller.cred.uid, new_gid(d, gid), target);
    if (!made) return Errno{made.error()};
    return static_cast<Node*>(*made);
  });
}

asio::awaitable<Result<void>> Store::link(NodeRef dir, NodeRef node, std::string_view name,
                                          Caller caller) {
  if (!dir->is_dir()) co_return Errno{ENOTDIR};
  if (auto r = check_name(name); !r) co_return Errno{r.error()};
  Directory& d = as_dir(*dir);
  auto dir_guard = co_await d.lock.scoped_lock();
  if (auto r = may_access(d, caller, MAY_EXEC); !r) co_return r;
  if (is_dot_or_dotdot(name) || d.entries.find(name) != nullptr) co_return Errno{EEXIST};
  if (node->is_dir()) {
    // Directories are never hard-linked; no need to lock it (kind is immutable).
    if (auto r = may_access(d, caller, MAY_WRITE | MAY_EXEC); !r) co_return r;
    co_return Errno{EPERM};
  }
  auto node_guard = co_await node->lock.scoped_lock();
  if (auto r = may_link_source(*node, caller); !r) co_return r;
  if (d.removed) co_return Errno{ENOENT};
  if (auto r = may_access(d, caller, MAY_WRITE | MAY_EXEC); !r) co_return r;
  if (node->nlink == 0) co_return Errno{ENOENT};
  if (node->nlink >= LINK_MAX) co_return Errno{EMLINK};
  StoreState& s = *state_;
  d.entries.insert(name, node.get());
  add_ref(node.get());
  s.set_nlink(*node, node->nlink + 1);
  const Timespec now = StoreState::now();
  node->changed(now);
  d.times.set(NodeTimes::MODIFY, now);
  d.changed(now);
  co_return Result<void>{};
}

asio::awaitable<Result<void>> Store::unlink(NodeRef dir, std::string_view name, bool remove_dir,
                                            Caller caller) {
  if (!dir->is_dir()) co_return Errno{ENOTDIR};
  if (auto r = check_name(name); !r) co_return r;
  if (name == ".") co_return Errno{remove_dir ? EINVAL : EISDIR};
  if (name == "..") co_return Errno{remove_dir ? ENOTEMPTY : EISDIR};
  Directory& d = as_dir(*dir);
  auto dir_guard = co_await d.lock.scoped_lock();
  if (auto r = may_access(d, caller, MAY_EXEC); !r) co_return r;
  Entry* entry = d.entries.find(name);
  if (entry == nullptr) co_return Errno{ENOENT};
  // Declared before its guard: the entry's reference may be the last besides this one, and the
  // node must outlive the guard that unlocks it.
  NodeRef victim(entry->node);
  auto victim_guard = co_await victim->lock.scoped_lock();
  if (auto r = may_delete(d, *victim, caller); !r) co_return r;
  if (remove_dir && !victim->is_dir()) co_return Errno{ENOTDIR};
  if (!remove_dir && victim->is_dir()) co_return Errno{EISDIR};
  StoreState& s = *state_;
  const Timespec now = StoreState::now();
  if (victim->is_dir()) {
    Directory& v = as_dir(*victim);
    if (!v.entries.empty()) co_return Errno{ENOTEMPTY};
    v.removed = true;
    s.set_nlink(v, 0);
    s.set_nlink(d, d.nlink - 1);
  } else {
    s.set_nlink(*victim, victim->nlink - 1);
  }
  victim->changed(now);
  drop_ref(d.entries.erase(entry));
  d.times.set(NodeTimes::MODIFY, now);
  d.changed(now);
  co_return Result<void>{};
}

asio::awaitable<Result<void>> Store::readdir(NodeRef dir, uint64_t cookie, ListingSink emit) {
  if (!dir->is_dir()) co_return Errno{ENOTDIR};
  Directory& d = as_dir(*dir);
  auto guard = co_await d.lock.scoped_lock_shared();
  if (d.removed) co_return Errno{ENOENT};
  // Small enough for the stack, large enough that emit's call costs little per entry.
  constexpr std::size_t kBatch = 64;
  std::array<DirEntry, kBatch> batch;
  std::size_t filled = 0;
  bool taken_all = true;
  auto flush = [&] {
    taken_all = filled == 0 || emit(std::span(batch).first(filled)) == filled;
    filled = 0;
    return taken_all;
  };
  const uint8_t dt_dir = dirent_type(NodeKind::directory);
  if (cookie == 0) batch[filled++] = DirEntry{d.id, 1, NodeKind::directory, dt_dir, "."};
  if (cookie <= 1) batch[filled++] = DirEntry{d.parent->id, 2, NodeKind::directory, dt_dir, ".."};
  d.entries.visit_from(std::max(cookie, DirectoryEntries::FIRST_COOKIE), [&](const Entry& e) {
    batch[filled++] = DirEntry{e.ino, e.cookie + 1, e.kind, dirent_type(e.kind), e.name()};
    return filled < kBatch || flush();
  });
  if (taken_all) flush();
  co_return Result<void>{};
}

}  // namespace p9::store
