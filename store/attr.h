// Plain value types exchanged with the store: node kinds, attributes, setattr requests, statfs.
#pragma once

#include <sys/stat.h>

#include <cstdint>
#include <string_view>

namespace p9::store {

enum class NodeKind : uint8_t { directory, regular, symlink, char_device, block_device, fifo, socket };

// S_IF* type bits of a kind, and DT_* directory-entry type of a kind (as getdents reports it).
// Inline: readdir asks for every entry.
constexpr uint32_t type_bits(NodeKind kind) {
  switch (kind) {
    case NodeKind::directory: return S_IFDIR;
    case NodeKind::regular: return S_IFREG;
    case NodeKind::symlink: return S_IFLNK;
    case NodeKind::char_device: return S_IFCHR;
    case NodeKind::block_device: return S_IFBLK;
    case NodeKind::fifo: return S_IFIFO;
    case NodeKind::socket: return S_IFSOCK;
  }
  return 0;
}
// DT_* == S_IF* >> 12 on Linux.
constexpr uint8_t dirent_type(NodeKind kind) { return static_cast<uint8_t>(type_bits(kind) >> 12); }

struct Timespec {
  int64_t sec = 0;
  uint32_t nsec = 0;
  friend bool operator==(const Timespec&, const Timespec&) = default;
  friend auto operator<=>(const Timespec&, const Timespec&) = default;
};

struct Attr {
  NodeKind kind = NodeKind::regular;
  uint32_t mode = 0;  // type bits | permission bits (07777)
  uint32_t uid = 0;
  uint32_t gid = 0;
  uint64_t nlink = 0;
  uint64_t rdev = 0;  // Linux dev_t encoding (makedev) for char/block devices, else 0
  uint64_t size = 0;  // bytes; a symlink's target length; a directory's entry count
  uint64_t blksize = 0;
  uint64_t blocks = 0;  // 512-byte units of allocated body memory
  Timespec atime, mtime, ctime, btime;
  uint64_t ino = 0;  // node id: never reused within a store -> qid.path
  uint64_t gen = 0;  // distinguishes store instances (ids restart with the process)
  uint64_t version = 0;  // non-zero; changes on every data or metadata change -> qid.version
};

// What setattr changes. Bit values equal 9P2000.L's P9_ATTR_* so the server passes Tsetattr.valid
// through unchanged.
struct SetAttr {
  static constexpr uint32_t MODE = 0x1;
  static constexpr uint32_t UID = 0x2;
  static constexpr uint32_t GID = 0x4;
  static constexpr uint32_t SIZE = 0x8;
  static constexpr uint32_t ATIME = 0x10;  // without ATIME_SET: set atime to now
  static constexpr uint32_t MTIME = 0x20;  // without MTIME_SET: set mtime to now
  static constexpr uint32_t CTIME_NOW = 0x40;  // P9_ATTR_CTIME (ctime becomes now on any change anyway); not "CTIME": <termios.h> defines that
  static constexpr uint32_t ATIME_SET = 0x80;  // with ATIME: use `atime`
  static constexpr uint32_t MTIME_SET = 0x100;  // with MTIME: use `mtime`

  uint32_t valid = 0;
  uint32_t mode = 0;  // permission bits (07777); type bits are ignored
  uint32_t uid = 0;
  uint32_t gid = 0;
  uint64_t size = 0;
  Timespec atime, mtime;
};

struct StatFs {
  uint32_t bsize = 0;  // also the fragment size
  uint64_t blocks = 0;  // size limit in bsize units (when unlimited: what memory could hold)
  uint64_t bfree = 0;
  uint64_t bavail = 0;
  uint64_t files = 0;  // node limit
  uint64_t ffree = 0;
  uint32_t namelen = 255;
  uint64_t fsid = 0;
};

// One readdir entry. `next_cookie` is what the client passes to resume after this entry (9P puts it
// in the entry's offset field). `name` is valid only during the callback.
struct DirEntry {
  uint64_t ino = 0;
  uint64_t next_cookie = 0;
  NodeKind kind = NodeKind::regular;
  uint8_t type = 0;  // DT_* of kind
  std::string_view name;
};

}  // namespace p9::store
