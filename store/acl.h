// POSIX access control lists as Linux implements them (fs/posix_acl.c) and tmpfs keeps them: stored
// as the system.posix_acl_access / system.posix_acl_default xattrs in Linux's little-endian format
// (u32 version 2, then {u16 tag, u16 perm, u32 id} entries), always in the canonical form Linux
// hands back (ids of the *_OBJ, MASK and OTHER entries undefined). An access ACL is stored only
// when the mode cannot express it, and the mode's permission bits always mirror it. Internal;
// every function here runs under the node's lock (and inherit_acls also under the directory's).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "store/credentials.h"
#include "store/node.h"
#include "store/result.h"

namespace p9::store {

inline constexpr std::string_view ACL_ACCESS_XATTR = "system.posix_acl_access";
inline constexpr std::string_view ACL_DEFAULT_XATTR = "system.posix_acl_default";

struct AclEntry {
  enum Tag : uint16_t {
    USER_OBJ = 0x01,
    USER = 0x02,
    GROUP_OBJ = 0x04,
    GROUP = 0x08,
    MASK = 0x10,
    OTHER = 0x20,
  };
  uint16_t tag;
  uint16_t perm;  // MAY_READ | MAY_WRITE | MAY_EXEC bits
  uint32_t id;  // uid of USER, gid of GROUP; ACL_UNDEFINED_ID for the others
};
using Acl = std::vector<AclEntry>;

inline constexpr uint32_t ACL_UNDEFINED_ID = 0xffffffff;

// posix_acl_from_xattr: EOPNOTSUPP version other than 2; EINVAL size not 4 + 8n, unknown tag, or
// USER/GROUP with an undefined id. Header only: an empty Acl, which means "no ACL".
Result<Acl> decode_acl(std::span<const std::byte> value);
// posix_acl_valid: EINVAL unless the entries come in the order USER_OBJ, USER..., GROUP_OBJ,
// GROUP..., MASK (required when there are named entries), OTHER, each with rwx bits only.
Result<void> validate_acl(const Acl& acl);
std::vector<std::byte> encode_acl(const Acl& acl);

// setxattr/removexattr (value = header only) of an ACL, after the generic flag and size checks:
// EOPNOTSUPP/EINVAL per decode_acl, EOPNOTSUPP on a symlink, EACCES default ACL on a non-directory
// (removing one succeeds), EPERM caller does not own node, EINVAL per validate_acl, ENOSPC. Like
// Linux, XATTR_CREATE/XATTR_REPLACE do not apply and removing an absent ACL succeeds. Sets ctime.
Result<void> set_acl(StoreState& store, Node& node, std::string_view name,
                     std::span<const std::byte> value, const Caller& caller);

// The verdict of node's access ACL for a caller that is neither root nor the owner, or nullopt when
// the mode bits decide (no ACL; or group bits 0, where Linux skips the ACL as well).
std::optional<bool> acl_grants(const Node& node, const Credentials& cred, int mask);

// After chmod: the access ACL's USER_OBJ, MASK (GROUP_OBJ without a mask) and OTHER take the new
// mode's bits (posix_acl_chmod).
void chmod_acl(Node& node);

// A node just made in `dir` (not yet linked) inherits dir's default ACL: as its access ACL, masked
// by its create mode, which the ACL masks in turn (posix_acl_create); a directory also as its
// default ACL. Symlinks inherit nothing. ENOSPC.
Result<void> inherit_acls(StoreState& store, const Directory& dir, Node& node);

}  // namespace p9::store
