#include "store/acl.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>

#include "store/permissions.h"
#include "store/store_state.h"
#include "store/xattrs.h"

namespace p9::store {

namespace {

constexpr uint32_t ACL_VERSION = 2;
constexpr size_t HEADER_SIZE = 4;
constexpr size_t ENTRY_SIZE = 8;
constexpr uint16_t RWX = 7;

// Little-endian whatever the host's byte order: the format is Linux's on-the-wire one.
uint32_t load_le(std::span<const std::byte> bytes) {
  uint32_t v = 0;
  for (size_t i = bytes.size(); i-- > 0;) v = (v << 8) | std::to_integer<uint32_t>(bytes[i]);
  return v;
}

void store_le(std::vector<std::byte>& out, uint32_t v, size_t size) {
  for (size_t i = 0; i < size; ++i) out.push_back(static_cast<std::byte>(v >> (8 * i)));
}

AclEntry* find_tag(Acl& acl, uint16_t tag) {
  auto it = std::find_if(acl.begin(), acl.end(), [&](const AclEntry& e) { return e.tag == tag; });
  return it == acl.end() ? nullptr : &*it;
}

// Decodes an ACL this module stored (so known valid).
Acl stored_acl(const XattrSet::Attribute& attribute) { return decode_acl(attribute.value).value(); }

// posix_acl_equiv_mode: folds the ACL into `mode`'s permission bits (group = MASK when there is
// one); true when those bits say all the ACL says (no named entries, no mask).
bool fold_into_mode(Acl& acl, uint32_t& mode) {
  uint32_t bits = 0;
  bool equivalent = true;
  for (const AclEntry& e : acl) {
    switch (e.tag) {
      case AclEntry::USER_OBJ: bits |= uint32_t{e.perm} << 6; break;
      case AclEntry::GROUP_OBJ: bits |= uint32_t{e.perm} << 3; break;
      case AclEntry::OTHER: bits |= e.perm; break;
      default: equivalent = false; break;
    }
  }
  if (const AclEntry* mask = find_tag(acl, AclEntry::MASK)) {
    bits = (bits & ~uint32_t{S_IRWXG}) | (uint32_t{mask->perm} << 3);
  }
  mode = (mode & ~uint32_t{0777}) | bits;
  return equivalent;
}

// posix_acl_create_masq: the ACL and the create mode restrict each other class by class; true when
// the result still needs the ACL.
bool mask_with_mode(Acl& acl, uint32_t& mode) {
  bool needed = false;
  uint32_t bits = mode & 0777;
  for (AclEntry& e : acl) {
    switch (e.tag) {
      case AclEntry::USER_OBJ:
        e.perm &= bits >> 6;
        bits &= (uint32_t{e.perm} << 6) | ~uint32_t{S_IRWXU};
        break;
      case AclEntry::OTHER:
        e.perm &= bits & RWX;
        bits &= e.perm | ~uint32_t{S_IRWXO};
        break;
      case AclEntry::GROUP_OBJ: break;
      default: needed = true; break;  // named entries and the mask
    }
  }
  // The group class is the mask when there is one.
  AclEntry* group = find_tag(acl, AclEntry::MASK);
  if (group == nullptr) group = find_tag(acl, AclEntry::GROUP_OBJ);
  group->perm &= (bits >> 3) & RWX;
  bits &= (uint32_t{group->perm} << 3) | ~uint32_t{S_IRWXG};
  mode = (mode & ~uint32_t{0777}) | bits;
  return needed;
}

Result<void> store_acl(StoreState& store, Node& node, std::string_view name, const Acl& acl) {
  if (acl.empty()) {
    erase_xattr(store, node, name);
    return {};
  }
  return put_xattr(store, node, name, encode_acl(acl));
}

}  // namespace

Result<Acl> decode_acl(std::span<const std::byte> value) {
  if (value.size() < HEADER_SIZE) return Errno{EINVAL};
  if (load_le(value.first(HEADER_SIZE)) != ACL_VERSION) return Errno{EOPNOTSUPP};
  const std::span<const std::byte> entries = value.subspan(HEADER_SIZE);
  if (entries.size() % ENTRY_SIZE != 0) return Errno{EINVAL};
  Acl acl;
  acl.reserve(entries.size() / ENTRY_SIZE);
  for (size_t at = 0; at < entries.size(); at += ENTRY_SIZE) {
    const std::span<const std::byte> raw = entries.subspan(at, ENTRY_SIZE);
    AclEntry e{static_cast<uint16_t>(load_le(raw.first(2))),
               static_cast<uint16_t>(load_le(raw.subspan(2, 2))), load_le(raw.subspan(4))};
    switch (e.tag) {
      case AclEntry::USER:
      case AclEntry::GROUP:
        if (e.id == ACL_UNDEFINED_ID) return Errno{EINVAL};
        break;
      case AclEntry::USER_OBJ:
      case AclEntry::GROUP_OBJ:
      case AclEntry::MASK:
      case AclEntry::OTHER:
        e.id = ACL_UNDEFINED_ID;  // ignored on input, as Linux does
        break;
      default: return Errno{EINVAL};
    }
    acl.push_back(e);
  }
  return acl;
}

Result<void> validate_acl(const Acl& acl) {
  // The tag expected next, as posix_acl_valid's state machine; 0 once OTHER closed the list.
  uint16_t state = AclEntry::USER_OBJ;
  bool needs_mask = false;
  for (const AclEntry& e : acl) {
    if ((e.perm & ~RWX) != 0) return Errno{EINVAL};
    switch (e.tag) {
      case AclEntry::USER_OBJ:
        if (state != AclEntry::USER_OBJ) return Errno{EINVAL};
        state = AclEntry::USER;
        break;
      case AclEntry::USER:
        if (state != AclEntry::USER) return Errno{EINVAL};
        needs_mask = true;
        break;
      case AclEntry::GROUP_OBJ:
        if (state != AclEntry::USER) return Errno{EINVAL};
        state = AclEntry::GROUP;
        break;
      case AclEntry::GROUP:
        if (state != AclEntry::GROUP) return Errno{EINVAL};
        needs_mask = true;
        break;
      case AclEntry::MASK:
        if (state != AclEntry::GROUP) return Errno{EINVAL};
        state = AclEntry::OTHER;
        break;
      case AclEntry::OTHER:
        if (state != AclEntry::OTHER && (state != AclEntry::GROUP || needs_mask)) {
          return Errno{EINVAL};
        }
        state = 0;
        break;
      default: return Errno{EINVAL};
    }
  }
  if (state != 0) return Errno{EINVAL};
  return {};
}

std::vector<std::byte> encode_acl(const Acl& acl) {
  std::vector<std::byte> out;
  out.reserve(HEADER_SIZE + acl.size() * ENTRY_SIZE);
  store_le(out, ACL_VERSION, 4);
  for (const AclEntry& e : acl) {
    store_le(out, e.tag, 2);
    store_le(out, e.perm, 2);
    store_le(out, e.id, 4);
  }
  return out;
}

Result<void> set_acl(StoreState& store, Node& node, std::string_view name,
                     std::span<const std::byte> value, const Caller& caller) {
  Result<Acl> acl = decode_acl(value);
  if (!acl) return Errno{acl.error()};
  if (node.kind == NodeKind::symlink) return Errno{EOPNOTSUPP};
  const bool is_default = name == ACL_DEFAULT_XATTR;
  if (is_default && !node.is_dir()) {
    if (acl->empty()) return {};
    return Errno{EACCES};
  }
  if (!owns(node, caller)) return Errno{EPERM};
  if (!acl->empty()) {
    if (auto r = validate_acl(*acl); !r) return r;
  }
  uint32_t mode = node.mode;
  if (!is_default) {
    if (!acl->empty() && fold_into_mode(*acl, mode)) acl->clear();
    // posix_acl_update_mode: as chmod, keeping S_ISGID needs the file's group (or CAP_FSETID).
    if (caller.check_permissions && !caller.cred.is_root() && !caller.cred.in_group(node.gid)) {
      mode &= ~uint32_t{S_ISGID};
    }
  }
  if (auto r = store_acl(store, node, name, *acl); !r) return r;
  node.mode = mode;
  node.changed(StoreState::now());
  return {};
}

std::optional<bool> acl_grants(const Node& node, const Credentials& cred, int mask) {
  const XattrSet::Attribute* attribute = find_xattr(node.xattrs, ACL_ACCESS_XATTR);
  if (attribute == nullptr || (node.mode & S_IRWXG) == 0) return std::nullopt;
  Acl acl = stored_acl(*attribute);
  const uint16_t want = static_cast<uint16_t>(mask) & RWX;
  const AclEntry* mask_entry = find_tag(acl, AclEntry::MASK);
  const uint16_t limit = mask_entry == nullptr ? RWX : mask_entry->perm;
  auto grants = [&](uint16_t perm) { return (perm & want) == want; };
  // Entries are in canonical order, so the first match decides as posix_acl_permission's walk does
  // (the owner never gets here: the mode's user bits are USER_OBJ).
  bool in_group_class = false;
  for (const AclEntry& e : acl) {
    switch (e.tag) {
      case AclEntry::USER:
        if (e.id == cred.uid) return grants(e.perm & limit);
        break;
      case AclEntry::GROUP_OBJ:
      case AclEntry::GROUP:
        if (cred.in_group(e.tag == AclEntry::GROUP ? e.id : node.gid)) {
          in_group_class = true;
          // Any of the caller's groups whose entry grants the access will do.
          if (grants(e.perm)) return grants(e.perm & limit);
        }
        break;
      case AclEntry::OTHER: return !in_group_class && grants(e.perm);
      default: break;
    }
  }
  return false;
}

void chmod_acl(Node& node) {
  XattrSet::Attribute* attribute = find_xattr(node.xattrs, ACL_ACCESS_XATTR);
  if (attribute == nullptr) return;
  Acl acl = stored_acl(*attribute);
  AclEntry* group = find_tag(acl, AclEntry::MASK);
  if (group == nullptr) group = find_tag(acl, AclEntry::GROUP_OBJ);
  find_tag(acl, AclEntry::USER_OBJ)->perm = (node.mode >> 6) & RWX;
  group->perm = (node.mode >> 3) & RWX;
  find_tag(acl, AclEntry::OTHER)->perm = node.mode & RWX;
  // Same entries, same size: rewritten in place, nothing to charge or allocate.
  const std::vector<std::byte> encoded = encode_acl(acl);
  std::copy(encoded.begin(), encoded.end(), attribute->value.begin());
}

Result<void> inherit_acls(StoreState& store, const Directory& dir, Node& node) {
  if (node.kind == NodeKind::symlink) return {};
  const XattrSet::Attribute* inherited = find_xattr(dir.xattrs, ACL_DEFAULT_XATTR);
  if (inherited == nullptr) return {};
  if (node.is_dir()) {
    if (auto r = put_xattr(store, node, ACL_DEFAULT_XATTR, inherited->value); !r) return r;
  }
  Acl acl = stored_acl(*inherited);
  uint32_t mode = node.mode;
  if (mask_with_mode(acl, mode)) {
    if (auto r = put_xattr(store, node, ACL_ACCESS_XATTR, encode_acl(acl)); !r) return r;
  }
  node.mode = mode;
  return {};
}

}  // namespace p9::store
