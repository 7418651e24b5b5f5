#include "server/session/open_flags.h"

#include <fcntl.h>

#include "proto/constants.h"

namespace p9::server {

OpenMode open_mode(uint32_t dotl) {
  OpenMode m;
  switch (dotl & DOTL_ACCMODE) {
    case DOTL_RDONLY:
      m.host_flags = O_RDONLY;
      m.readable = true;
      break;
    case DOTL_WRONLY:
      m.host_flags = O_WRONLY;
      m.writable = true;
      break;
    case DOTL_RDWR:
      m.host_flags = O_RDWR;
      m.readable = m.writable = true;
      break;
    default:
      // 3: Linux's "no access, but permission checked for both" mode (used for ioctl-only opens).
      m.host_flags = O_ACCMODE;
      break;
  }
  m.truncate = (dotl & DOTL_TRUNC) != 0;
  m.append = (dotl & DOTL_APPEND) != 0;
  if (m.truncate) m.host_flags |= O_TRUNC;
  if (m.append) m.host_flags |= O_APPEND;
  if ((dotl & DOTL_DIRECTORY) != 0) m.host_flags |= O_DIRECTORY;
  if ((dotl & DOTL_NOFOLLOW) != 0) m.host_flags |= O_NOFOLLOW;
  return m;
}

}  // namespace p9::server
