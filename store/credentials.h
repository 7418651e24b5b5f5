// Who is asking. The store speaks numeric ids only: it never consults the host's user database
// (clients attach with uids that exist nowhere on the server host).
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

namespace p9::store {

struct Credentials {
  uint32_t uid = 0;
  uint32_t gid = 0;
  // Supplementary groups; the primary gid need not be repeated here.
  std::vector<uint32_t> groups;

  bool is_root() const { return uid == 0; }
  bool in_group(uint32_t g) const {
    return g == gid || std::find(groups.begin(), groups.end(), g) != groups.end();
  }
};

// Per call: the server decides per export whether the store enforces POSIX permissions
// (access=user: check_permissions = true) or the client already did (access=client: false).
// With check_permissions false no EACCES/EPERM comes from permission bits or ownership, but the
// credentials still decide ownership of new nodes and whether S_ISUID/S_ISGID are cleared on write.
// The referenced Credentials must outlive the awaited call (the server's session owns them).
struct Caller {
  const Credentials& cred;
  bool check_permissions = true;
};

}  // namespace p9::store
