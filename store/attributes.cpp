// setattr and open: the calls that change attributes under POSIX ownership rules.
#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>

#include "store/acl.h"
#include "store/permissions.h"
#include "store/store.h"
#include "store/store_state.h"

namespace p9::store {

namespace {

// The permission and validity checks of setattr, in Linux's order; nothing changes until they pass.
Result<void> check_setattr(const Node& node, const SetAttr& a, const Caller& caller) {
  const Credentials& cred = caller.cred;
  const bool checking = caller.check_permissions && !cred.is_root();
  if ((a.valid & SetAttr::SIZE) != 0) {
    if (node.is_dir()) return Errno{EISDIR};
    if (node.kind != NodeKind::regular) return Errno{EINVAL};
    if (auto r = may_access(node, caller, MAY_WRITE); !r) return r;
    if (a.size > BodyStorage::kMaxFileSize) return Errno{EFBIG};
  }
  if (checking) {
    // chown: only root gives a file away; the owner may "change" it to itself.
    if ((a.valid & SetAttr::UID) != 0 && !(cred.uid == node.uid && a.uid == node.uid)) {
      return Errno{EPERM};
    }
    // chgrp: the owner, to a group it belongs to (or the current group).
    if ((a.valid & SetAttr::GID) != 0 &&
        !(cred.uid == node.uid && (a.gid == node.gid || cred.in_group(a.gid)))) {
      return Errno{EPERM};
    }
    if ((a.valid & SetAttr::MODE) != 0 && cred.uid != node.uid) return Errno{EPERM};
    const bool explicit_times = ((a.valid & SetAttr::ATIME) != 0 && (a.valid & SetAttr::ATIME_SET) != 0) ||
                                ((a.valid & SetAttr::MTIME) != 0 && (a.valid & SetAttr::MTIME_SET) != 0);
    if (explicit_times && cred.uid != node.uid) return Errno{EPERM};
    if ((a.valid & (SetAttr::ATIME | SetAttr::MTIME)) != 0 && cred.uid != node.uid) {
      if (auto r = may_access(node, caller, MAY_WRITE); !r) return r;
    }
  }
  return {};
}

}  // namespace

asio::awaitable<Result<void>> Store::setattr(NodeRef node, SetAttr a, Caller caller) {
  auto guard = co_await node->lock.scoped_lock();
  if (auto r = check_setattr(*node, a, caller); !r) co_return r;
  StoreState& s = *state_;
  const Timespec now = StoreState::now();
  if ((a.valid & SetAttr::SIZE) != 0) {
    auto& file = as_file(*node);
    if (a.size != file.size()) {
      if (const int err = s.body_of(file).truncate(a.size); err != 0) co_return Errno{err};
      node->times.set(NodeTimes::MODIFY, now);
    }
    node->mode = mode_after_write(node->mode, caller.cred);
  }
  const uint32_t new_gid = (a.valid & SetAttr::GID) != 0 ? a.gid : node->gid;
  if ((a.valid & SetAttr::MODE) != 0) {
    uint32_t mode = (node->mode & S_IFMT) | (a.mode & 07777);
    // Keeping S_ISGID needs membership of the file's (new) group (or CAP_FSETID).
    if (caller.check_permissions && !caller.cred.is_root() && !caller.cred.in_group(new_gid)) {
      mode &= ~static_cast<uint32_t>(S_ISGID);
    }
    node->mode = mode;
    chmod_acl(*node);
  } else if ((a.valid & (SetAttr::UID | SetAttr::GID)) != 0) {
    node->mode = mode_after_chown(node->mode);
  }
  if ((a.valid & SetAttr::UID) != 0) node->uid = a.uid;
  node->gid = new_gid;
  if ((a.valid & SetAttr::ATIME) != 0) {
    node->times.set(NodeTimes::ACCESS, (a.valid & SetAttr::ATIME_SET) != 0 ? a.atime : now);
  }
  if ((a.valid & SetAttr::MTIME) != 0) {
    node->times.set(NodeTimes::MODIFY, (a.valid & SetAttr::MTIME_SET) != 0 ? a.mtime : now);
  }
  node->changed(now);
  co_return Result<void>{};
}

asio::awaitable<Result<void>> Store::open(NodeRef node, uint32_t flags, Caller caller) {
  if (node->kind == NodeKind::symlink) co_return Errno{ELOOP};
  if ((flags & O_DIRECTORY) != 0 && !node->is_dir()) co_return Errno{ENOTDIR};
  int mask = 0;
  switch (flags & O_ACCMODE) {
    case O_RDONLY: mask = MAY_READ; break;
    case O_WRONLY: mask = MAY_WRITE; break;
    default: mask = MAY_READ | MAY_WRITE; break;
  }
  const bool truncate = (flags & O_TRUNC) != 0;
  if (truncate) mask |= MAY_WRITE;
  if (node->is_dir() && (mask & MAY_WRITE) != 0) co_return Errno{EISDIR};
  auto guard = co_await node->lock.scoped_lock();
  if (auto r = may_access(*node, caller, mask); !r) co_return r;
  if (!truncate || node->kind != NodeKind::regular) co_return Result<void>{};
  auto& file = as_file(*node);
  if (file.size() != 0) {
    if (const int err = file.body->truncate(0); err != 0) co_return Errno{err};
  }
  node->mode = mode_after_write(node->mode, caller.cred);
  const Timespec now = StoreState::now();
  node->times.set(NodeTimes::MODIFY, now);
  node->changed(now);
  co_return Result<void>{};
}

}  // namespace p9::store
