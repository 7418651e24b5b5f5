// get/list/set/remove of extended attributes with Linux's namespace rules (fs/xattr.c
// xattr_permission, the capability LSM for security.*, posix_acl for system.posix_acl_*).
#include "store/xattrs.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>

#include "store/permissions.h"
#include "store/store.h"
#include "store/store_state.h"

namespace p9::store {

namespace {

enum class Namespace { user, trusted, security, acl_access, acl_default };

constexpr size_t MAX_XATTR_NAME = 255;

Result<Namespace> namespace_of(std::string_view name) {
  if (name.empty() || name.size() > MAX_XATTR_NAME) return Errno{ERANGE};
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
  if (name == "system.posix_acl_access") return Namespace::acl_access;
  if (name == "system.posix_acl_default") return Namespace::acl_default;
  return Errno{EOPNOTSUPP};
}

// May the caller read (write = false) or change the attribute `name` of `node`?
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
      if (write && !node.is_dir()) return Errno{EACCES};
      [[fallthrough]];
    case Namespace::acl_access:
      if (write && !owns(node, caller)) return Errno{EPERM};
      break;
  }
  return ns;
}

XattrSet::Attribute* find(XattrSet* set, std::string_view name) {
  if (set == nullptr) return nullptr;
  auto it = std::find_if(set->attributes.begin(), set->attributes.end(),
                         [&](const XattrSet::Attribute& a) { return a.name == name; });
  return it == set->attributes.end() ? nullptr : &*it;
}

}  // namespace

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
  const XattrSet::Attribute* a = find(node->xattrs, name);
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
  if (auto ns = check_xattr_access(*node, name, true, caller); !ns) co_return Errno{ns.error()};
  StoreState& s = *state_;
  XattrSet::Attribute* existing = find(node->xattrs, name);
  if (existing != nullptr && (flags & XATTR_CREATE_FLAG) != 0) co_return Errno{EEXIST};
  if (existing == nullptr && (flags & XATTR_REPLACE_FLAG) != 0) co_return Errno{ENODATA};
  const uint64_t old_bytes = existing == nullptr ? 0 : name.size() + existing->value.size();
  const uint64_t new_bytes = name.size() + value.size();
  if (new_bytes > old_bytes && !s.try_charge(new_bytes - old_bytes)) co_return Errno{ENOSPC};
  try {
    if (node->xattrs == nullptr) {
      void* raw = s.arena.allocate(sizeof(XattrSet), alignof(XattrSet));
      node->xattrs = new (raw) XattrSet(&s.arena);
    }
    if (existing != nullptr) {
      existing->value.assign(value.begin(), value.end());
    } else {
      auto& attrs = node->xattrs->attributes;
      attrs.push_back(XattrSet::Attribute{std::pmr::string(name, &s.arena),
                                          std::pmr::vector<std::byte>(value.begin(), value.end(),
                                                                      &s.arena)});
    }
  } catch (...) {
    if (new_bytes > old_bytes) s.space.release(new_bytes - old_bytes);
    throw;
  }
  if (old_bytes > new_bytes) s.space.release(old_bytes - new_bytes);
  node->xattrs->charged = node->xattrs->charged + new_bytes - old_bytes;
  node->changed(StoreState::now());
  co_return Result<void>{};
}

asio::awaitable<Result<void>> Store::remove_xattr(NodeRef node, std::string_view name,
                                                  Caller caller) {
  auto guard = co_await node->lock.scoped_lock();
  if (auto ns = check_xattr_access(*node, name, true, caller); !ns) co_return Errno{ns.error()};
  XattrSet::Attribute* a = find(node->xattrs, name);
  if (a == nullptr) co_return Errno{ENODATA};
  const uint64_t bytes = a->name.size() + a->value.size();
  auto& attrs = node->xattrs->attributes;
  attrs.erase(attrs.begin() + (a - attrs.data()));
  node->xattrs->charged -= bytes;
  state_->space.release(bytes);
  node->changed(StoreState::now());
  co_return Result<void>{};
}

}  // namespace p9::store
