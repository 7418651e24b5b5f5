// The store: the in-memory file system the server exports. A pointer graph in the style of NetBSD
// tmpfs: directories hold entries that point straight at nodes; file bodies live in pageable
// segments; nodes, entries, names, xattrs and lock records live in pinned (mlock'ed) memory.
//
// Every operation that touches a node is a coroutine that takes that node's coroutine lock (a waiter
// suspends, never blocks its thread). Arguments passed by reference or view (names, data, owners)
// must stay valid until the awaitable completes: await the call in the same full-expression, e.g.
// `auto r = co_await store.lookup(dir, name, caller);`.
//
// Errors are returned as positive Linux errno values (Result); the store throws only for resource
// exhaustion of the process itself (std::bad_alloc) and, at construction, when pinning is required
// and impossible. Errno sets below are in the order Linux checks them.
//
// Lock order (deadlock freedom): see store/node.h.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <asio/awaitable.hpp>

#include "store/attr.h"
#include "store/byte_range_lock.h"
#include "store/credentials.h"
#include "store/memory/pinned_arena.h"
#include "store/node_ref.h"
#include "store/result.h"
#include "store/sync/async_shared_mutex.h"
#include "store/sync/lock_guards.h"

namespace p9::store {

struct StoreOptions {
  // Bytes of file bodies (allocated blocks, so holes are free) plus xattr values; 0 = unlimited.
  // Node metadata is bounded by inode_limit instead, as tmpfs' size= and nr_inodes= split it.
  uint64_t size_limit = 0;
  // Nodes alive, the root included (nlink-0 nodes still referenced count); 0 = unlimited.
  uint64_t inode_limit = 0;
  uint32_t root_mode = 01777;  // permission bits of the root directory
  uint32_t root_uid = 0;
  uint32_t root_gid = 0;
  Pinning pinning = Pinning::best_effort;
};

// Figures for metrics and tests; each is read lock-free and may be a moment stale. The resident
// figure costs a mincore per 16 MiB of body memory ever used.
struct StoreCounters {
  uint64_t nodes = 0;  // alive, root included
  uint64_t orphans = 0;  // alive with nlink 0 (open-unlinked)
  uint64_t space_used = 0;  // bytes charged against size_limit
  uint64_t metadata_bytes = 0;  // pinned-arena bytes in use (nodes, entries, names, indexes...)
  uint64_t metadata_mapped_bytes = 0;  // bytes of arena mappings (what pinning must cover)
  uint64_t pinned_bytes = 0;  // bytes of arena mappings locked in RAM (0 when pinning failed)
  uint64_t body_bytes = 0;  // pages of file data (st_blocks of all files), resident or not
  uint64_t body_resident_bytes = 0;  // of those, in RAM now (mincore)
  uint64_t body_paged_out_bytes = 0;  // of those, swapped out now
  uint64_t paged_in_bytes = 0;  // body bytes the pager faulted in before a copy
  uint64_t pager_major_faults = 0;  // major faults the pager's helper threads took doing so
  uint64_t io_major_faults = 0;  // major faults taken while copying body memory on io threads
};

// Where a file's bytes are, for sending them without copying them first (see Store::read_view). It
// holds the node's lock shared, so no write or truncate changes or frees them while it lives: keep
// it only briefly, never across waiting for a client.
struct FileView {
  NodeRef node;
  SharedLock<AsyncSharedMutex> guard;
  // In file order; holes are spans of a shared region of zeros.
  std::vector<std::span<const std::byte>> pieces;
  size_t bytes = 0;  // of all pieces together

  // Copies the bytes from `from` on to the same offsets of `to` (which has room for `bytes`).
  void copy_to(std::byte* to, size_t from = 0) const;
};

struct Written {
  size_t bytes = 0;
  uint64_t offset = 0;  // where the data went (EOF at the time for append)
};

// setxattr flags, values as Linux's XATTR_CREATE / XATTR_REPLACE.
inline constexpr int XATTR_CREATE_FLAG = 0x1;
inline constexpr int XATTR_REPLACE_FLAG = 0x2;
inline constexpr size_t XATTR_VALUE_MAX = 65536;
inline constexpr size_t SYMLINK_MAX = 4095;

struct StoreState;

class Store {
 public:
  // Throws std::system_error when options.pinning is `required` and memory cannot be locked.
  explicit Store(const StoreOptions& options);
  // Every NodeRef handed out must have been dropped before the Store is destroyed.
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  NodeRef root() const;

  // Name lookup, "." and ".." included (".." of the root is the root).
  // ENOTDIR dir is not a directory; EACCES no search (x) permission on dir; ENAMETOOLONG name > 255;
  // EINVAL empty name or name containing '/'; ENOENT no such name, or dir has been removed.
  asio::awaitable<Result<NodeRef>> lookup(NodeRef dir, std::string_view name, Caller caller);

  // The node-creating calls share their errno set:
  // ENOTDIR dir not a directory; ENAMETOOLONG; EINVAL bad name; EACCES no x on dir; EEXIST name
  // exists (also "." and ".."); EACCES no w on dir; ENOENT dir was removed; EMLINK (mkdir only) too
  // many links on dir; ENOSPC inode limit. The owner is caller.cred.uid; the group is `gid`, or dir's
  // group when dir is set-group-ID (mkdir then also sets S_ISGID on the new directory). `mode`'s
  // permission bits are used as given (the client applied its umask).
  //
  // Regular file; the result counts as opened for any access mode (O_CREAT semantics): the server
  // must not call open() on it for permission.
  asio::awaitable<Result<NodeRef>> create(NodeRef dir, std::string_view name, uint32_t mode,
                                          uint32_t gid, Caller caller);
  asio::awaitable<Result<NodeRef>> mkdir(NodeRef dir, std::string_view name, uint32_t mode,
                                         uint32_t gid, Caller caller);
  // Kind from mode's type bits: S_IFCHR/S_IFBLK (rdev used), S_IFIFO, S_IFSOCK, S_IFREG or 0
  // (regular file). Extra errors: EPERM for S_IFDIR, or char/block devices by a non-root caller
  // (when checking permissions); EINVAL for other type bits.
  asio::awaitable<Result<NodeRef>> mknod(NodeRef dir, std::string_view name, uint32_t mode,
                                         uint64_t rdev, uint32_t gid, Caller caller);
  // Extra errors: ENOENT empty target; ENAMETOOLONG target > 4095 bytes.
  asio::awaitable<Result<NodeRef>> symlink(NodeRef dir, std::string_view name,
                                           std::string_view target, uint32_t gid, Caller caller);

  // Hard link `node` as dir/name.
  // ENOTDIR; ENAMETOOLONG; EINVAL; EACCES no x on dir; EEXIST; EACCES no w on dir; EPERM node is a
  // directory, or (protected_hardlinks, as Linux' default) caller neither owns node nor may read and
  // write it; ENOENT dir removed or node has nlink 0; EMLINK.
  asio::awaitable<Result<void>> link(NodeRef dir, NodeRef node, std::string_view name,
                                     Caller caller);

  // unlinkat(2), remove_dir = AT_REMOVEDIR.
  // ENOTDIR dir not a directory; ENAMETOOLONG; EINVAL bad name or rmdir "."; ENOTEMPTY rmdir "..";
  // EISDIR unlink "." or ".."; EACCES no x on dir; ENOENT; EACCES no w on dir; EPERM sticky dir and
  // caller owns neither dir nor the victim; ENOTDIR rmdir of a non-directory; EISDIR unlink of a
  // directory; ENOTEMPTY; EBUSY rmdir of the root.
  asio::awaitable<Result<void>> unlink(NodeRef dir, std::string_view name, bool remove_dir,
                                       Caller caller);

  // renameat(2) without flags.
  // ENOTDIR a dir is not a directory; ENAMETOOLONG; EINVAL bad name; EBUSY "." or ".." as either
  // name; EACCES no x on a dir; ENOENT no oldname (or a dir removed); EINVAL moving a directory into
  // itself or its own subtree; ENOTEMPTY target is an ancestor of the source (or non-empty dir);
  // success without change when both names refer to the same node; EACCES no w on a dir, or on the
  // moved directory when its parent changes; EPERM sticky rules on source or target; ENOTDIR source
  // is a directory and target is not; EISDIR source is not a directory and target is; EMLINK.
  asio::awaitable<Result<void>> rename(NodeRef olddir, std::string_view oldname, NodeRef newdir,
                                       std::string_view newname, Caller caller);

  // EINVAL node is not a symlink.
  asio::awaitable<Result<std::string>> readlink(NodeRef node);

  asio::awaitable<Attr> getattr(NodeRef node);

  // POSIX setattr rules (see SetAttr). Order: EPERM chmod by non-owner; EPERM chown to another uid
  // by non-root; EPERM chgrp by non-owner or to a group the caller is not in; EPERM explicit times by
  // non-owner; EACCES "now" times by non-owner without write permission; size: EISDIR directory,
  // EINVAL other non-regular, EACCES no write permission, EFBIG too large, ENOSPC.
  // chmod by a non-root caller not in the (new) group clears S_ISGID. A uid/gid change of a
  // non-directory clears S_ISUID, and S_ISGID when group-executable (Linux does so even for root),
  // unless MODE is set in the same call. A size change by a non-root caller clears them as a write
  // does. Any change sets ctime and bumps the version.
  asio::awaitable<Result<void>> setattr(NodeRef node, SetAttr attr, Caller caller);

  // Permission check for opening with Linux open(2) flags, and O_TRUNC.
  // ELOOP symlink; ENOTDIR O_DIRECTORY on a non-directory; EISDIR directory opened for writing or
  // with O_TRUNC; EACCES mode bits deny the access (O_TRUNC needs write); then truncation as
  // setattr(SIZE=0) (which clears S_ISUID/S_ISGID for non-root callers).
  asio::awaitable<Result<void>> open(NodeRef node, uint32_t flags, Caller caller);

  // Bytes read (0 at or past EOF; holes read as zeros). EISDIR directory; EINVAL not a regular file.
  // Updates atime with relatime rules (only when atime <= mtime/ctime or older than a day).
  asio::awaitable<Result<size_t>> read(NodeRef node, uint64_t offset, std::span<std::byte> out);
  // As read, but says where the (at most `count`) bytes are instead of copying them; pages swapped
  // out are faulted in first as for read.
  asio::awaitable<Result<FileView>> read_view(NodeRef node, uint64_t offset, size_t count);

  // Writes all of `data` at `offset`, or at EOF when `append` (atomic with respect to other writes).
  // EISDIR directory; EINVAL not a regular file; EFBIG offset+size beyond the largest file; ENOSPC
  // size limit. Clears S_ISUID (and S_ISGID if group-executable) unless the caller is root; sets
  // mtime/ctime; bumps the version.
  asio::awaitable<Result<Written>> write(NodeRef node, uint64_t offset,
                                         std::span<const std::byte> data, bool append,
                                         Caller caller);

  // Calls `emit` with the entries from `cookie` on, in cookie order, "." (cookie 0) and ".." (1)
  // first, a batch at a time (one call per batch, not per entry: a listing is mostly this loop).
  // `emit` returns how many entries of the batch it took, in order; fewer than the whole batch ends
  // the listing (the first entry it did not take is not consumed: resume with that entry's cookie,
  // i.e. the last taken entry's next_cookie), as does the end of the directory. Cookies are
  // per-directory sequence numbers, never reused in that directory: entries present during the
  // whole listing appear exactly once, however the listing is resumed and whatever else is created
  // or removed meanwhile; a cookie stays valid after its entry is removed. `emit` runs under the
  // directory's shared lock: it must not call the store.
  // ENOTDIR not a directory; ENOENT the directory was removed.
  using ListingSink = std::function<std::size_t(std::span<const DirEntry>)>;
  asio::awaitable<Result<void>> readdir(NodeRef dir, uint64_t cookie, ListingSink emit);

  // Extended attributes. Namespaces: user.* (regular files and directories only; read needs read
  // permission, change needs write permission), trusted.* (root only, invisible to others in
  // lists), security.* (anyone reads; change needs root, as CAP_SYS_ADMIN), system.posix_acl_access and
  // system.posix_acl_default (POSIX ACLs in Linux's xattr format, enforced and kept in step with the
  // mode, see store/acl.h; set/remove need ownership; _default only on directories; malformed:
  // EINVAL, wrong version: EOPNOTSUPP; XATTR_CREATE/REPLACE ignored; removing an absent ACL succeeds).
  // Common errors: EOPNOTSUPP unknown namespace (or user.* on a special file); ERANGE empty name or
  // name > 255 bytes; EPERM/EACCES per namespace rules.
  // get: ENODATA no such attribute.
  asio::awaitable<Result<std::vector<std::byte>>> get_xattr(NodeRef node, std::string_view name,
                                                            Caller caller);
  // Names the caller may see, each followed by '\0' (listxattr(2) format).
  asio::awaitable<Result<std::string>> list_xattrs(NodeRef node, Caller caller);
  // flags: XATTR_CREATE_FLAG (EEXIST if present), XATTR_REPLACE_FLAG (ENODATA if absent);
  // E2BIG value > 64 KiB; ENOSPC size limit; EINVAL unknown flags. Bumps version and ctime.
  asio::awaitable<Result<void>> set_xattr(NodeRef node, std::string_view name,
                                          std::span<const std::byte> value, int flags,
                                          Caller caller);
  // ENODATA no such attribute.
  asio::awaitable<Result<void>> remove_xattr(NodeRef node, std::string_view name, Caller caller);

  // POSIX byte-range locks (F_SETLK / F_SETLKW when `wait`). Granted: ok. Conflict without wait:
  // EAGAIN. With wait the coroutine suspends until granted; cancelling it (Asio per-operation
  // cancellation, e.g. for Tflush) makes it throw asio::system_error(operation_aborted) and leaves
  // no waiter behind. Unlock of a part splits a lock; adjacent or overlapping locks of one owner
  // and type merge. EINVAL start + length overflows. The server checks the fid's open mode (EBADF).
  // No deadlock detection (EDEADLK is never returned).
  asio::awaitable<Result<void>> lock(NodeRef node, const LockOwner& owner, LockType type,
                                     LockRange range, bool wait);
  // F_GETLK: the first lock of another owner that conflicts with `type` over `range`.
  asio::awaitable<Result<LockInfo>> get_lock(NodeRef node, const LockOwner& owner, LockType type,
                                             LockRange range);
  // Drops `owner`'s locks on node (close), or all locks of every owner of `session` (disconnect);
  // waiters that can now proceed are woken.
  asio::awaitable<void> release_locks(NodeRef node, const LockOwner& owner);
  asio::awaitable<void> release_locks(uint64_t session);

  // Lock-free; consistent with the limits (bsize 4096; when unlimited, blocks/files report what
  // the machine's memory could hold).
  StatFs statfs() const;
  StoreCounters counters() const;

  // New limits while the store is in use (a configuration reload), 0 = unlimited, as in
  // StoreOptions. Lock-free. Nothing is evicted: a limit below what is in use only refuses further
  // growth (ENOSPC) until enough is freed.
  void set_limits(uint64_t size_limit, uint64_t inode_limit);

  // fsck: verifies every invariant it can see (link counts equal entries, directory parent
  // pointers, entry index consistency, node and space accounting) and returns the problems found,
  // empty when all is well. Exact only when no other operation runs meanwhile.
  asio::awaitable<std::vector<std::string>> check();

 private:
  std::unique_ptr<StoreState> state_;
};

}  // namespace p9::store
