// Extended attributes of one node, kept in the pinned arena. A node has few, so a vector searched
// linearly beats a hash table in memory and speed. Internal; guarded by the node's lock.
#pragma once

#include <cstddef>
#include <memory_resource>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "store/result.h"

namespace p9::store {

struct StoreState;
struct Node;

struct XattrSet {
  struct Attribute {
    std::pmr::string name;
    std::pmr::vector<std::byte> value;
  };

  explicit XattrSet(std::pmr::memory_resource* memory) : attributes(memory) {}

  std::pmr::vector<Attribute> attributes;
  uint64_t charged = 0;  // bytes charged to the size limit: names and values
};

// Returns the set's charge and frees it (node destruction).
void free_xattrs(StoreState& store, XattrSet* set);

// The attribute called `name` in `set` (which may be null), or null.
XattrSet::Attribute* find_xattr(XattrSet* set, std::string_view name);
// Adds or replaces node's attribute `name`, charging the size limit (ENOSPC), without any
// permission or flag checks: those are the caller's.
Result<void> put_xattr(StoreState& store, Node& node, std::string_view name,
                       std::span<const std::byte> value);
// Removes node's attribute `name` if it has one, returning its charge.
void erase_xattr(StoreState& store, Node& node, std::string_view name);

}  // namespace p9::store
