#include "store/directory_entries.h"

#include <algorithm>
#include <cassert>
#include <cstring>
#include <functional>
#include <new>
#include <utility>

#include "store/node.h"

namespace p9::store {

namespace {

constexpr uint64_t INITIAL_BUCKETS = 8;
// Compact the cookie index only past this size: tiny directories are not worth it.
constexpr uint64_t MIN_COMPACT_SLOTS = 64;

uint32_t hash_name(std::string_view name) {
  const size_t h = std::hash<std::string_view>{}(name);
  return static_cast<uint32_t>(h ^ (h >> 32));
}

}  // namespace

DirectoryEntries::DirectoryEntries(std::pmr::memory_resource* memory)
    : memory_(memory), slots_(memory) {}

DirectoryEntries::~DirectoryEntries() {
  assert(size_ == 0);
  if (buckets_ != nullptr) {
    memory_->deallocate(buckets_, bucket_count_ * sizeof(Entry*), alignof(Entry*));
  }
}

Entry* DirectoryEntries::find(std::string_view name) const {
  if (buckets_ == nullptr) return nullptr;
  const uint32_t hash = hash_name(name);
  for (Entry* e = *bucket(hash); e != nullptr; e = e->hash_next) {
    if (e->hash == hash && e->name() == name) return e;
  }
  return nullptr;
}

Entry* DirectoryEntries::insert(std::string_view name, Node* node) {
  assert(name.size() <= 255 && find(name) == nullptr);
  // Load factor at most 1/2: a lookup of an absent name (every create) then visits half an entry
  // on average, which matters once the table no longer fits in the CPU caches.
  if (size_ * 2 >= bucket_count_) grow_buckets();
  void* raw = memory_->allocate(sizeof(Entry) + name.size(), alignof(Entry));
  auto* entry = new (raw) Entry;
  std::memcpy(entry + 1, name.data(), name.size());
  entry->name_len = static_cast<uint8_t>(name.size());
  entry->hash = hash_name(name);
  (void)replace(entry, node);
  entry->cookie = next_cookie_;
  try {
    slots_.push_back(Slot{entry->cookie, entry});
  } catch (...) {
    free_entry(entry);
    throw;
  }
  ++next_cookie_;
  Entry** head = bucket(entry->hash);
  entry->hash_next = *head;
  *head = entry;
  ++size_;
  return entry;
}

Node* DirectoryEntries::erase(Entry* entry) {
  for (Entry** link = bucket(entry->hash);; link = &(*link)->hash_next) {
    assert(*link != nullptr);
    if (*link == entry) {
      *link = entry->hash_next;
      break;
    }
  }
  auto it = slots_.begin() + (slot_of(entry->cookie) - slots_.cbegin());
  assert(it != slots_.end() && it->entry == entry);
  it->entry = nullptr;
  ++holes_;
  --size_;
  while (!slots_.empty() && slots_.front().entry == nullptr) {
    slots_.pop_front();
    --holes_;
  }
  while (!slots_.empty() && slots_.back().entry == nullptr) {
    slots_.pop_back();
    --holes_;
  }
  if (size_ == 0) {
    // An emptied directory gives its index memory back (a 1M-entry directory would otherwise
    // keep megabytes pinned after rm -rf).
    memory_->deallocate(buckets_, bucket_count_ * sizeof(Entry*), alignof(Entry*));
    buckets_ = nullptr;
    bucket_count_ = 0;
    SlotIndex(memory_).swap(slots_);
    holes_ = 0;
  } else if (slots_.size() >= MIN_COMPACT_SLOTS && holes_ > size_) {
    std::erase_if(slots_, [](const Slot& s) { return s.entry == nullptr; });
    holes_ = 0;
  }
  Node* node = entry->node;
  free_entry(entry);
  return node;
}

// The one place an entry's node is set: its cached id and kind go with it.
Node* DirectoryEntries::replace(Entry* entry, Node* node) {
  entry->ino = node->id;
  entry->kind = node->kind;
  return std::exchange(entry->node, node);
}

DirectoryEntries::SlotIndex::const_iterator DirectoryEntries::slot_of(uint64_t cookie) const {
  return std::lower_bound(slots_.begin(), slots_.end(), cookie,
                          [](const Slot& s, uint64_t c) { return s.cookie < c; });
}

void DirectoryEntries::grow_buckets() {
  const uint64_t count = bucket_count_ == 0 ? INITIAL_BUCKETS : bucket_count_ * 2;
  auto** fresh = static_cast<Entry**>(memory_->allocate(count * sizeof(Entry*), alignof(Entry*)));
  std::fill_n(fresh, count, nullptr);
  for (uint64_t i = 0; i < bucket_count_; ++i) {
    for (Entry* e = buckets_[i]; e != nullptr;) {
      Entry* following = e->hash_next;
      Entry*& head = fresh[e->hash & (count - 1)];
      e->hash_next = head;
      head = e;
      e = following;
    }
  }
  if (buckets_ != nullptr) {
    memory_->deallocate(buckets_, bucket_count_ * sizeof(Entry*), alignof(Entry*));
  }
  buckets_ = fresh;
  bucket_count_ = count;
}

void DirectoryEntries::free_entry(Entry* entry) {
  const size_t bytes = sizeof(Entry) + entry->name_len;
  entry->~Entry();
  memory_->deallocate(entry, bytes, alignof(Entry));
}

}  // namespace p9::store
