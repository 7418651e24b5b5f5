#include "server/session/version.h"

#include <algorithm>

#include "proto/constants.h"

namespace p9::server {

VersionAnswer negotiate_version(uint32_t client_msize, std::string_view client_version,
                                uint32_t max_msize) {
  const uint32_t msize = std::min(client_msize, max_msize);
  const bool ours = client_version == VERSION_9P2000_L ||
                    (client_version.starts_with(VERSION_9P2000_L) &&
                     client_version[VERSION_9P2000_L.size()] == '.');
  if (!ours || msize < MIN_MSIZE) return {false, msize, VERSION_UNKNOWN};
  return {true, msize, VERSION_9P2000_L};
}

}  // namespace p9::server
