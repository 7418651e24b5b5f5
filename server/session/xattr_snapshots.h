// Values read by Txattrwalk, shared: a client that reads the same 64 KiB attribute through
// thousands of fids holds one copy, not thousands (the store hands out a fresh copy per call).
// Per session, on its strand.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace p9::server {

using XattrSnapshot = std::shared_ptr<const std::vector<std::byte>>;

class XattrSnapshots {
 public:
  // The snapshot of `value` read from node's attribute `name` (the list when name is empty): one
  // already held by another fid when it has the same bytes, else a new one.
  XattrSnapshot share(uint64_t node, std::string_view name, std::vector<std::byte> value);

 private:
  // Entries whose snapshot every fid dropped are pruned once they outnumber the live ones.
  void prune();

  std::map<std::pair<uint64_t, std::string>, std::weak_ptr<const std::vector<std::byte>>, std::less<>>
      latest_;
  std::size_t prune_at_ = 64;
};

}  // namespace p9::server
