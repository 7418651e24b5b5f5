// POSIX permission rules as Linux applies them (fs/namei.c, fs/attr.c, fs/inode.c), for a caller
// whose credentials the server vouches for. With caller.check_permissions false every check passes:
// the client has done them (access=client).
#pragma once

#include <cstdint>

#include "store/credentials.h"
#include "store/node.h"
#include "store/result.h"

namespace p9::store {

enum Access : int { MAY_EXEC = 1, MAY_WRITE = 2, MAY_READ = 4 };

// EACCES unless the mode bits grant `mask` (owner, then group, then other class), or for a non-owner
// the node's access ACL when it has one (acl_grants). Root may read and write anything, and
// execute/search when the node is a directory or any x bit is set.
Result<void> may_access(const Node& node, const Caller& caller, int mask);

// Owner or root (CAP_FOWNER): who may chmod, set explicit times, set security xattrs.
bool owns(const Node& node, const Caller& caller);

// EPERM when `dir` is sticky and the caller owns neither it nor `victim` (unlink/rmdir/rename).
Result<void> check_sticky(const Node& dir, const Node& victim, const Caller& caller);

// Removing a name from dir, as may_delete(): search+write on dir, then the sticky rule.
Result<void> may_delete(const Node& dir, const Node& victim, const Caller& caller);

// The mode after a write or truncate by `caller`: S_ISUID dropped, S_ISGID dropped when group-
// executable (without group-x it marks mandatory locking and stays), unless the caller is root
// (CAP_FSETID). Applied even when permissions are not checked: it protects the file, not the caller.
uint32_t mode_after_write(uint32_t mode, const Credentials& cred);

// The mode after a change of owner or group: the same bits dropped, for everyone (root included,
// as Linux since 2.2.13), on non-directories.
uint32_t mode_after_chown(uint32_t mode);

}  // namespace p9::store
