#include "store/permissions.h"

#include <sys/stat.h>

#include <cerrno>
#include <optional>

#include "store/acl.h"

namespace p9::store {

Result<void> may_access(const Node& node, const Caller& caller, int mask) {
  if (!caller.check_permissions) return {};
  const Credentials& cred = caller.cred;
  if (cred.is_root()) {
    if ((mask & MAY_EXEC) == 0 || node.is_dir() || (node.mode & 0111) != 0) return {};
    return Errno{EACCES};
  }
  uint32_t granted;
  if (cred.uid == node.uid) {
    granted = (node.mode >> 6) & 7;
  } else if (std::optional<bool> acl = acl_grants(node, cred, mask)) {
    if (!*acl) return Errno{EACCES};
    return {};
  } else if (cred.in_group(node.gid)) {
    granted = (node.mode >> 3) & 7;
  } else {
    granted = node.mode & 7;
  }
  if ((granted & static_cast<uint32_t>(mask)) != static_cast<uint32_t>(mask)) return Errno{EACCES};
  return {};
}

bool owns(const Node& node, const Caller& caller) {
  return !caller.check_permissions || caller.cred.is_root() || caller.cred.uid == node.uid;
}

Result<void> check_sticky(const Node& dir, const Node& victim, const Caller& caller) {
  if ((dir.mode & S_ISVTX) == 0 || owns(victim, caller) || owns(dir, caller)) return {};
  return Errno{EPERM};
}

Result<void> may_delete(const Node& dir, const Node& victim, const Caller& caller) {
  if (auto r = may_access(dir, caller, MAY_WRITE | MAY_EXEC); !r) return r;
  return check_sticky(dir, victim, caller);
}

uint32_t mode_after_write(uint32_t mode, const Credentials& cred) {
  if (cred.is_root()) return mode;
  return mode_after_chown(mode);
}

uint32_t mode_after_chown(uint32_t mode) {
  if (S_ISDIR(mode)) return mode;
  mode &= ~static_cast<uint32_t>(S_ISUID);
  if ((mode & (S_ISGID | S_IXGRP)) == (S_ISGID | S_IXGRP)) mode &= ~static_cast<uint32_t>(S_ISGID);
  return mode;
}

}  // namespace p9::store
