// Extended attributes of one node, kept in the pinned arena. A node has few, so a vector searched
// linearly beats a hash table in memory and speed. Internal; guarded by the node's lock.
#pragma once

#include <cstddef>
#include <memory_resource>
#include <string>
#include <vector>

namespace p9::store {

struct StoreState;

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

}  // namespace p9::store
