// The host's user database, consulted only to turn an attach's user into credentials. Clients
// attach with numeric ids that often exist nowhere on the server host; those are never refused.
// The lookups may block briefly (NSS); attaches are rare, once per uid per connection.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "store/credentials.h"

namespace p9::server {

// The group of callers the host does not know (Debian's "nogroup").
inline constexpr uint32_t kNoGroup = 65534;

// The uid of a user name: a decimal number is taken as it is, else the host database is asked.
std::optional<uint32_t> uid_for_name(std::string_view name);

// uid with its primary gid and supplementary groups from the host database when the host knows the
// uid, else gid kNoGroup and no supplementary groups.
store::Credentials credentials_for(uint32_t uid);

}  // namespace p9::server
