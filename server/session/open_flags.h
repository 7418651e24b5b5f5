// Tlopen/Tlcreate flags (the protocol's DOTL_* values) reduced to what means something for an
// in-memory file: the access mode, O_TRUNC, O_APPEND, O_DIRECTORY and O_NOFOLLOW. Everything else
// is dropped: O_DIRECT, O_LARGEFILE, O_NOATIME, O_CLOEXEC, O_NOCTTY, O_NONBLOCK, FASYNC (nothing
// to bypass or wait for), O_SYNC/O_DSYNC (memory is always in sync), O_CREAT/O_EXCL (creation is
// Tlcreate's job; the client sends them on Tlopen only after its own lookup found the file).
#pragma once

#include <cstdint>

namespace p9::server {

struct OpenMode {
  uint32_t host_flags = 0;  // <fcntl.h> O_* values, as store::Store::open takes them
  bool readable = false;
  bool writable = false;
  bool append = false;
  bool truncate = false;
};

OpenMode open_mode(uint32_t dotl_flags);

}  // namespace p9::server
