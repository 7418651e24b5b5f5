// The entries of one directory: an intrusive hash table for lookup by name and a cookie index for
// readdir, both O(1) amortised per operation (binary search for the cookie index) whatever the
// directory's size. All memory comes from the pinned arena through a pmr resource.
//
// Not synchronised: the directory node's lock guards it.
#pragma once

#include <cstdint>
#include <deque>
#include <memory_resource>
#include <string_view>

#include "store/attr.h"

namespace p9::store {

struct Node;

// One name in a directory. The name's bytes follow the struct in the same allocation, so an entry
// costs one allocation of sizeof(Entry) + name length.
struct Entry {
  Entry* hash_next = nullptr;
  Node* node = nullptr;  // the entry holds one reference on node
  uint64_t cookie = 0;  // per-directory sequence number (readdir position)
  // node's id and kind (both fixed for a node's life), so that a listing reads the entries and not
  // also one cache line of every node; they fill what was padding but 8 bytes.
  uint64_t ino = 0;
  uint32_t hash = 0;
  NodeKind kind = NodeKind::regular;
  uint8_t name_len = 0;

  std::string_view name() const {
    return {reinterpret_cast<const char*>(this + 1), name_len};
  }
};

class DirectoryEntries {
 public:
  // Cookies 0 and 1 are "." and ".."; stored entries get 2, 3, ... in creation order.
  static constexpr uint64_t FIRST_COOKIE = 2;

  explicit DirectoryEntries(std::pmr::memory_resource* memory);
  ~DirectoryEntries();  // entries must have been removed (their node references dropped) first
  DirectoryEntries(const DirectoryEntries&) = delete;
  DirectoryEntries& operator=(const DirectoryEntries&) = delete;

  uint64_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  Entry* find(std::string_view name) const;
  // Adds name -> node with the next cookie (the caller has checked that name is absent and took the
  // node reference the entry now owns). Throws std::bad_alloc.
  Entry* insert(std::string_view name, Node* node);
  // Unlinks and frees `entry`; returns the node whose reference the caller now owns.
  Node* erase(Entry* entry);
  // Gives `entry` a new node (rename over an existing name keeps the name, changes the target).
  // Returns the old node; references move with the pointers.
  Node* replace(Entry* entry, Node* node);

  // Calls f(entry) for each entry whose cookie is >= cookie, in cookie order, while f returns
  // true. f must not insert or erase.
  template <typename F>
  void visit_from(uint64_t cookie, F&& f) const {
    for (auto it = slot_of(cookie); it != slots_.end(); ++it) {
      if (it->entry != nullptr && !f(*it->entry)) return;
    }
  }

 private:
  // Cookie index: (cookie, entry) in ascending cookie order. Removed entries leave a null slot so
  // the index stays sorted; slots are compacted when holes outnumber entries, and popped at once
  // at either end, which keeps the cost amortised O(1).
  struct Slot {
    uint64_t cookie;
    Entry* entry;
  };
  using SlotIndex = std::pmr::deque<Slot>;

  SlotIndex::const_iterator slot_of(uint64_t cookie) const;
  void grow_buckets();
  void free_entry(Entry* entry);
  Entry** bucket(uint32_t hash) const { return &buckets_[hash & (bucket_count_ - 1)]; }

  std::pmr::memory_resource* memory_;
  Entry** buckets_ = nullptr;
  uint64_t bucket_count_ = 0;
  uint64_t size_ = 0;
  uint64_t next_cookie_ = FIRST_COOKIE;
  uint64_t holes_ = 0;
  SlotIndex slots_;
};

}  // namespace p9::store
