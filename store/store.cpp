// Store construction, the read-only operations (lookup, getattr, readlink) and figures.
#include "store/store.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "store/names.h"
#include "store/permissions.h"
#include "store/store_state.h"

namespace p9::store {

namespace {

constexpr uint32_t BLOCK_SIZE = 4096;

}  // namespace

Store::Store(const StoreOptions& options) : state_(std::make_unique<StoreState>(options)) {}

Store::~Store() = default;

NodeRef Store::root() const { return NodeRef(state_->root); }

asio::awaitable<Result<NodeRef>> Store::lookup(NodeRef dir, std::string_view name, Caller caller) {
  if (!dir->is_dir()) co_return Errno{ENOTDIR};
  if (auto r = check_name(name); !r) co_return Errno{r.error()};
  Directory& d = as_dir(*dir);
  auto guard = co_await d.lock.scoped_lock_shared();
  if (auto r = may_access(d, caller, MAY_EXEC); !r) co_return Errno{r.error()};
  if (d.removed) co_return Errno{ENOENT};
  if (name == ".") co_return dir;
  if (name == "..") co_return NodeRef(d.parent);
  const Entry* e = d.entries.find(name);
  if (e == nullptr) co_return Errno{ENOENT};
  co_return NodeRef(e->node);
}

asio::awaitable<Attr> Store::getattr(NodeRef node) {
  auto guard = co_await node->lock.scoped_lock_shared();
  Attr a;
  a.kind = node->kind;
  a.mode = node->mode;
  a.uid = node->uid;
  a.gid = node->gid;
  a.nlink = node->nlink;
  a.blksize = BLOCK_SIZE;
  switch (node->kind) {
    case NodeKind::regular: {
      auto& file = as_file(*node);
      a.size = file.size();
      a.blocks = file.allocated_bytes() / 512;
      break;
    }
    case NodeKind::directory:
      a.size = as_dir(*node).entries.size();
      break;
    case NodeKind::symlink:
      a.size = static_cast<Symlink&>(*node).target().size();
      break;
    case NodeKind::char_device:
    case NodeKind::block_device:
      a.rdev = static_cast<SpecialNode&>(*node).rdev;
      break;
    default:
      break;
  }
  a.atime = node->times.get(NodeTimes::ACCESS);
  a.mtime = node->times.get(NodeTimes::MODIFY);
  a.ctime = node->times.get(NodeTimes::CHANGE);
  a.btime = node->times.get(NodeTimes::BIRTH);
  a.ino = node->id;
  a.gen = state_->generation;
  a.version = node->version.load(std::memory_order_relaxed);
  co_return a;
}

asio::awaitable<Result<std::string>> Store::readlink(NodeRef node) {
  if (node->kind != NodeKind::symlink) co_return Errno{EINVAL};
  // The target is immutable: no lock needed to read it.
  co_return std::string(static_cast<Symlink&>(*node).target());
}

StatFs Store::statfs() const {
  StatFs s;
  s.bsize = BLOCK_SIZE;
  uint64_t size_limit = state_->space.limit();
  if (size_limit == SpaceAccount::kUnlimited) {
    size_limit = static_cast<uint64_t>(sysconf(_SC_PHYS_PAGES)) *
                 static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
  }
  const uint64_t used = state_->space.used();
  s.blocks = size_limit / BLOCK_SIZE;
  s.bfree = size_limit > used ? (size_limit - used) / BLOCK_SIZE : 0;
  s.bavail = s.bfree;
  // Unlimited inodes: what the figures would allow at one page each, as tmpfs reports.
  const uint64_t configured_inodes = state_->inode_limit.load(std::memory_order_relaxed);
  const uint64_t inode_limit = configured_inodes != 0 ? configured_inodes : size_limit / BLOCK_SIZE;
  const uint64_t nodes = state_->nodes.load(std::memory_order_relaxed);
  s.files = std::max(inode_limit, nodes);
  s.ffree = s.files - nodes;
  s.namelen = NAME_MAX_BYTES;
  s.fsid = state_->generation;
  return s;
}

void Store::set_limits(uint64_t size_limit, uint64_t inode_limit) {
  state_->space.set_limit(size_limit == 0 ? SpaceAccount::kUnlimited : size_limit);
  state_->inode_limit.store(inode_limit, std::memory_order_relaxed);
}

StoreCounters Store::counters() const {
  StoreCounters c;
  c.nodes = state_->nodes.load(std::memory_order_relaxed);
  c.orphans = state_->orphans.load(std::memory_order_relaxed);
  c.space_used = state_->space.used();
  c.metadata_bytes = state_->arena.used_bytes();
  c.metadata_mapped_bytes = state_->arena.mapped_bytes();
  c.pinned_bytes = state_->arena.pinned_bytes();
  c.body_bytes = state_->body_storage.data_bytes.load(std::memory_order_relaxed);
  // Pages freed or faulted in between the two readings may make the mincore figure a little larger.
  c.body_resident_bytes = std::min(state_->pool.resident_bytes(), c.body_bytes);
  c.body_paged_out_bytes = c.body_bytes - c.body_resident_bytes;
  c.paged_in_bytes = state_->pager.paged_in_bytes();
  c.pager_major_faults = state_->pager.major_faults();
  c.io_major_faults = state_->io_major_faults.load(std::memory_order_relaxed);
  return c;
}

}  // namespace p9::store
