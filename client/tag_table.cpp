#include "client/tag_table.h"

namespace p9::client {

std::optional<uint16_t> TagTable::allocate() {
  uint16_t tag = 0;
  if (!free_.empty()) {
    tag = free_.back();
    free_.pop_back();
  } else if (entries_.size() < NOTAG) {
    tag = static_cast<uint16_t>(entries_.size());
    entries_.emplace_back();
    used_.push_back(false);
  } else {
    return std::nullopt;
  }
  used_[tag] = true;
  ++in_flight_;
  return tag;
}

std::optional<uint16_t> TagTable::allocate_version() {
  if (version_used_) return std::nullopt;
  version_used_ = true;
  ++in_flight_;
  return NOTAG;
}

void TagTable::release(uint16_t tag) {
  (*this)[tag] = PendingRequest{};
  --in_flight_;
  if (tag == NOTAG) {
    version_used_ = false;
    return;
  }
  used_[tag] = false;
  free_.push_back(tag);
}

bool TagTable::in_use(uint16_t tag) const noexcept {
  if (tag == NOTAG) return version_used_;
  return tag < used_.size() && used_[tag];
}

PendingRequest& TagTable::operator[](uint16_t tag) noexcept { return tag == NOTAG ? version_ : entries_[tag]; }

}  // namespace p9::client
