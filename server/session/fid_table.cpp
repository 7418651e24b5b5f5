#include "server/session/fid_table.h"

#include <algorithm>
#include <cerrno>

namespace p9::server {

FidPtr FidTable::find(uint32_t id) const {
  auto it = fids_.find(id);
  return it == fids_.end() ? nullptr : it->second;
}

int FidTable::insert(uint32_t id, FidPtr fid) {
  if (fids_.contains(id)) return EBADF;
  if (fids_.size() >= limit_) return EMFILE;
  fids_.emplace(id, std::move(fid));
  gauge_.fetch_add(1, std::memory_order_relaxed);
  return 0;
}

void FidTable::replace(uint32_t id, FidPtr fid) { fids_.at(id) = std::move(fid); }

FidPtr FidTable::remove(uint32_t id) {
  auto it = fids_.find(id);
  if (it == fids_.end()) return nullptr;
  FidPtr fid = std::move(it->second);
  fids_.erase(it);
  gauge_.fetch_sub(1, std::memory_order_relaxed);
  return fid;
}

void FidTable::clear() {
  gauge_.fetch_sub(fids_.size(), std::memory_order_relaxed);
  fids_.clear();
}

bool FidTable::other_holder(const Fid& except, const store::NodeRef& node,
                            const store::LockOwner& owner) const {
  return std::any_of(fids_.begin(), fids_.end(), [&](const auto& entry) {
    const Fid& f = *entry.second;
    return &f != &except && f.node == node &&
           std::find(f.lock_owners.begin(), f.lock_owners.end(), owner) != f.lock_owners.end();
  });
}

}  // namespace p9::server
