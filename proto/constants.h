// Numeric constants of 9P2000.L, named as in Linux include/net/9p/9p.h without the P9_ prefix.
// Plain constants rather than enums: they are OR-ed into the u32/u64 wire fields as they stand.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace p9 {

inline constexpr std::string_view VERSION_9P2000_L = "9P2000.L";
// Rversion's answer to a version we do not speak.
inline constexpr std::string_view VERSION_UNKNOWN = "unknown";

inline constexpr uint16_t NOTAG = 0xFFFF;
inline constexpr uint32_t NOFID = 0xFFFFFFFF;

// size[4] type[1] tag[2]
inline constexpr uint32_t HEADER_SIZE = 7;
// Overhead of Rread/Twrite around their payload; Linux sizes I/O as msize - IOHDRSZ.
inline constexpr uint32_t IOHDRSZ = 24;
// Linux refuses a smaller msize.
inline constexpr uint32_t MIN_MSIZE = 4096;
// Most names (Twalk) or qids (Rwalk) one walk may carry.
inline constexpr std::size_t MAXWELEM = 16;
// Longest file name component (NAME_MAX); longer names get ENAMETOOLONG.
inline constexpr std::size_t MAX_NAME_LEN = 255;

// Qid.type bits.
inline constexpr uint8_t QTDIR = 0x80;
inline constexpr uint8_t QTAPPEND = 0x40;
inline constexpr uint8_t QTEXCL = 0x20;
inline constexpr uint8_t QTMOUNT = 0x10;
inline constexpr uint8_t QTAUTH = 0x08;
inline constexpr uint8_t QTTMP = 0x04;
inline constexpr uint8_t QTSYMLINK = 0x02;
inline constexpr uint8_t QTLINK = 0x01;
inline constexpr uint8_t QTFILE = 0x00;

// Tgetattr.request_mask / Rgetattr.valid bits.
inline constexpr uint64_t GETATTR_MODE = 0x00000001;
inline constexpr uint64_t GETATTR_NLINK = 0x00000002;
inline constexpr uint64_t GETATTR_UID = 0x00000004;
inline constexpr uint64_t GETATTR_GID = 0x00000008;
inline constexpr uint64_t GETATTR_RDEV = 0x00000010;
inline constexpr uint64_t GETATTR_ATIME = 0x00000020;
inline constexpr uint64_t GETATTR_MTIME = 0x00000040;
inline constexpr uint64_t GETATTR_CTIME = 0x00000080;
inline constexpr uint64_t GETATTR_INO = 0x00000100;
inline constexpr uint64_t GETATTR_SIZE = 0x00000200;
inline constexpr uint64_t GETATTR_BLOCKS = 0x00000400;
inline constexpr uint64_t GETATTR_BTIME = 0x00000800;
inline constexpr uint64_t GETATTR_GEN = 0x00001000;
inline constexpr uint64_t GETATTR_DATA_VERSION = 0x00002000;
inline constexpr uint64_t GETATTR_BASIC = 0x000007ff;  // what stat(2) needs
inline constexpr uint64_t GETATTR_ALL = 0x00003fff;

// Tsetattr.valid bits. ATIME/MTIME without the matching *_SET bit mean "set to the server's now".
inline constexpr uint32_t SETATTR_MODE = 0x00000001;
inline constexpr uint32_t SETATTR_UID = 0x00000002;
inline constexpr uint32_t SETATTR_GID = 0x00000004;
inline constexpr uint32_t SETATTR_SIZE = 0x00000008;
inline constexpr uint32_t SETATTR_ATIME = 0x00000010;
inline constexpr uint32_t SETATTR_MTIME = 0x00000020;
inline constexpr uint32_t SETATTR_CTIME = 0x00000040;
inline constexpr uint32_t SETATTR_ATIME_SET = 0x00000080;
inline constexpr uint32_t SETATTR_MTIME_SET = 0x00000100;

// Tlock/Tgetlock/Rgetlock.type.
inline constexpr uint8_t LOCK_TYPE_RDLCK = 0;
inline constexpr uint8_t LOCK_TYPE_WRLCK = 1;
inline constexpr uint8_t LOCK_TYPE_UNLCK = 2;
// Rlock.status.
inline constexpr uint8_t LOCK_SUCCESS = 0;
inline constexpr uint8_t LOCK_BLOCKED = 1;
inline constexpr uint8_t LOCK_ERROR = 2;
inline constexpr uint8_t LOCK_GRACE = 3;
// Tlock.flags.
inline constexpr uint32_t LOCK_FLAGS_BLOCK = 1;  // F_SETLKW
inline constexpr uint32_t LOCK_FLAGS_RECLAIM = 2;

// Tunlinkat.flags. Not AT_REMOVEDIR: that name is a <fcntl.h> macro.
inline constexpr uint32_t DOTL_AT_REMOVEDIR = 0x200;

// Tlopen/Tlcreate.flags: the protocol's own open flags (equal to x86 Linux O_* values, but defined by
// the protocol, so other architectures' clients translate to these).
inline constexpr uint32_t DOTL_RDONLY = 00000000;
inline constexpr uint32_t DOTL_WRONLY = 00000001;
inline constexpr uint32_t DOTL_RDWR = 00000002;
inline constexpr uint32_t DOTL_NOACCESS = 00000003;
inline constexpr uint32_t DOTL_ACCMODE = 00000003;
inline constexpr uint32_t DOTL_CREATE = 00000100;
inline constexpr uint32_t DOTL_EXCL = 00000200;
inline constexpr uint32_t DOTL_NOCTTY = 00000400;
inline constexpr uint32_t DOTL_TRUNC = 00001000;
inline constexpr uint32_t DOTL_APPEND = 00002000;
inline constexpr uint32_t DOTL_NONBLOCK = 00004000;
inline constexpr uint32_t DOTL_DSYNC = 00010000;
inline constexpr uint32_t DOTL_FASYNC = 00020000;
inline constexpr uint32_t DOTL_DIRECT = 00040000;
inline constexpr uint32_t DOTL_LARGEFILE = 00100000;
inline constexpr uint32_t DOTL_DIRECTORY = 00200000;
inline constexpr uint32_t DOTL_NOFOLLOW = 00400000;
inline constexpr uint32_t DOTL_NOATIME = 01000000;
inline constexpr uint32_t DOTL_CLOEXEC = 02000000;
inline constexpr uint32_t DOTL_SYNC = 04000000;

}  // namespace p9
