#include "server/session/xattr_snapshots.h"

#include <algorithm>

namespace p9::server {

XattrSnapshot XattrSnapshots::share(uint64_t node, std::string_view name,
                                    std::vector<std::byte> value) {
  auto key = std::make_pair(node, std::string(name));
  auto it = latest_.find(key);
  if (it != latest_.end()) {
    if (XattrSnapshot held = it->second.lock(); held && *held == value) return held;
  }
  auto snapshot = std::make_shared<const std::vector<std::byte>>(std::move(value));
  if (it != latest_.end()) {
    it->second = snapshot;
  } else {
    latest_.emplace(std::move(key), snapshot);
    if (latest_.size() >= prune_at_) prune();
  }
  return snapshot;
}

void XattrSnapshots::prune() {
  std::erase_if(latest_, [](const auto& entry) { return entry.second.expired(); });
  prune_at_ = std::max<std::size_t>(64, 2 * latest_.size());
}

}  // namespace p9::server
