// get/list/set/remove of extended attributes with Linux's namespace rules (fs/xattr.c
// xattr_permission, the capability LSM for security.*; ACLs are store/acl.cpp's).
#include "store/xattrs.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>

#include "store/acl.h"
#include "store/permissions.h"
#include "store/store.h"
#include "store/store_state.h"

namespace p9::store {

namespace {

enum class Namespace { user, trusted, security, acl_access, acl_default };

constexpr size_t MAX_XATTR_NAME = 255;

Result<Namespace> namespace_of(std::string_view name) {
  if (name.empty() || name.size() > MAX_XATTR_NAME) return Errno{ERANGE};
  // A list reply separates names with NUL: "user.a\0b" would list as two attributes.
  if (name.find('\0') != std::string_view::npos) return Errno{EINVAL};
  struct Prefix {
    std::string_view text;
    Namespace ns;
  };
  static constexpr Prefix PREFIXES[] = {
      {"user.", Namespace::user}, {"trusted.", Namespace::trusted},
      {"security.", Namespace::security}};
  for (const Prefix& p : PREFIXES) {
    if (name.starts_with(p.text)) {
      if (name.size() == p.text.size()) return Errno{EINVAL};
      return p.ns;
    }
  }
  if (name == ACL_ACCESS_XATTR) return Namespace::acl_access;
  if (name == ACL_DEFAULT_XATTR) return Namespace::acl_default;
  return Errno{EOPNOTSUPP};
}

bool is_acl(Namespace ns) { return ns == Namespace::acl_access || ns == Namespace::acl_default; }

// May the caller read (write = false) or change the attribute `name` of `node`? (Not asked for
// changes of ACLs.)
Result<Namespace> check_xattr_access(const Node& node, std::string_view name, bool write,
                                     const Caller& caller) {
  Result<Namespace> ns = namespace_of(name);
  if (!ns) return ns;
  const bool root = !caller.check_permissions || caller.cred.is_root();
  switch (*ns) {
    case Namespace::trusted:
      if (!root) return Errno{write ? EPERM : ENODATA};
      break;
    case Namespace::user:
      if (node.kind != NodeKind::regular && !node.is_dir()) return Errno{write ? EPERM : ENODATA};
      if (write && node.is_dir() && (node.mode & S_ISVTX) != 0 && !owns(node, caller)) {
        return Errno{EPERM};
      }
      if (auto r = may_access(node, caller, write ? MAY_WRITE : MAY_READ); !r) {
        return Errno{r.error()};
      }
      break;
    case Namespace::security:
      if (write && !root) return Errno{EPERM};
      break;
    case Namespace::acl_default:
    case Namespace::acl_access:
      // Changes go through set_acl, which has its own rules; anyone reads an ACL.
      if (node.kind == NodeKind::symlink) return Errno{EOPNOTSUPP};
      break;
  }
  return ns;
}

}  // namespace

XattrSet::Attribute* find_xattr(XattrSet* set, std::string_view name) {
  if (set == nullptr) return nullptr;
  auto it = std::find_if(set->attributes.begin(), set->attributes.end(),
                         [&](const XattrSet::Attribute& a) { return a.name == name; });
  return it == set->attributes.end() ? nullptr : &*it;
}

Result<void> put_xattr(StoreState& s, Node& node, std::string_view name,
                       std::span<const std::byte> value) {
  XattrSet::Attribute* existing = find_xattr(node.xattrs, name);
  const uint64_t old_bytes = existing == nullptr ? 0 : name.size() + existing->value.size();
  const uint64_t new_bytes = name.size() + value.size();
  if (new_bytes > old_bytes && !s.try_charge(new_bytes - old_bytes)) return Errno{ENOSPC};
  try {
    if (node.xattrs == nullptr) {
      void* raw = s.arena.allocate(sizeof(XattrSet), alignof(XattrSet));
      node.xattrs = new (raw) XattrSet(&s.arena);
    }
    if (existing != nullptr) {
      existing->value.assign(value.begin(), value.end());
    } else {
      auto& attrs = node.xattrs->attributes;
      attrs.push_back(XattrSet::Attribute{std::pmr::string(name, &s.arena),
                                          std::pmr::vector<std::byte>(value.begin(), value.end(),
                                                                      &s.arena)});
    }
  } catch (...) {
    if (new_bytes > old_bytes) s.space.release(new_bytes - old_bytes);
    throw;
  }
  if (old_bytes > new_bytes) s.space.release(old_bytes - new_bytes);
  node.xattrs->charged = node.xattrs->charged + new_bytes - old_bytes;
  return {};
}

void erase_xattr(StoreState& s, Node& node, std::string_view name) {
  XattrSet::Attribute* a = find_xattr(node.xattrs, name);
  if (a == nullptr) return;
  const uint64_t bytes = a->name.size() + a->value.size();
  auto& attrs = node.xattrs->attributes;
  attrs.erase(attrs.begin() + (a - attrs.data()));
  node.xattrs->charged -= bytes;
  s.space.release(bytes);
  // An emptied set goes back to the arena now, not when the node dies (never, for the root).
  if (attrs.empty()) {
    free_xattrs(s, node.xattrs);
    node.xattrs = nullptr;
  }
}

void free_xattrs(StoreState& store, XattrSet* set) {
  store.space.release(set->charged);
  set->~XattrSet();
  store.arena.deallocate(set, sizeof(XattrSet), alignof(XattrSet));
}

asio::awaitable<Result<std::vector<std::byte>>> Store::get_xattr(NodeRef node,
                                                                 std::string_view name,
                                                                 Caller caller) {
  auto guard = co_await node->lock.scoped_lock_shared();
  if (auto ns = check_xattr_access(*node, name, false, caller); !ns) co_return Errno{ns.error()};
  const XattrSet::Attribute* a = find_xattr(node->xattrs, name);
  if (a == nullptr) co_return Errno{ENODATA};
  co_return std::vector<std::byte>(a->value.begin(), a->value.end());
}

asio::awaitable<Result<std::string>> Store::list_xattrs(NodeRef node, Caller caller) {
  auto guard = co_await node->lock.scoped_lock_shared();
  std::string names;
  if (node->xattrs == nullptr) co_return names;
  const bool root = !caller.check_permissions || caller.cred.is_root();
  for (const XattrSet::Attribute& a : node->xattrs->attributes) {
    if (!root && a.name.starts_with("trusted.")) continue;
    names.append(a.name);
    names.push_back('\0');
  }
  co_return names;
}

asio::awaitable<Result<void>> Store::set_xattr(NodeRef node, std::string_view name,
                                               std::span<const std::byte> value, int flags,
                                               Caller caller) {
  if ((flags & ~(XATTR_CREATE_FLAG | XATTR_REPLACE_FLAG)) != 0) co_return Errno{EINVAL};
  if (value.size() > XATTR_VALUE_MAX) co_return Errno{E2BIG};
  auto guard = co_await node->lock.scoped_lock();
  Result<Namespace> ns = namespace_of(name);
  if (ns && is_acl(*ns)) co_return set_acl(*state_, *node, name, value, caller);
  if (auto r = check_xattr_access(*node, name, true, caller); !r) co_return Errno{r.error()};
  const XattrSet::Attribute* existing = find_xattr(node->xattrs, name);
  if (existing != nullptr && (flags & XATTR_CREATE_FLAG) != 0) co_return Errno{EEXIST};
  if (existing == nullptr && (flags & XATTR_REPLACE_FLAG) != 0) co_return Errno{ENODATA};
  if (auto r = put_xattr(*state_, *node, name, value); !r) co_return r;
  node->changed(StoreState::now());
  co_return Result<void>{};
}

asio::awaitable<Result<void>> Store::remove_xattr(NodeRef node, std::string_view name,
                                                  Caller caller) {
  auto guard = co_await node->lock.scoped_lock();
  Result<Namespace> ns = namespace_of(name);
  // Linux removes an ACL by setting none.
  if (ns && is_acl(*ns)) co_return set_acl(*state_, *node, name, encode_acl({}), caller);
  if (auto r = check_xattr_access(*node, name, true, caller); !r) co_return Errno{r.error()};
  if (find_xattr(node->xattrs, name) == nullptr) co_return Errno{ENODATA};
  erase_xattr(*state_, *node, name);
  node->changed(StoreState::now());
  co_return Result<void>{};
}

}  // namespace p9::store
