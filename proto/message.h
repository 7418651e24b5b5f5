// Every 9P2000.L message as a plain struct. Each struct's static fields() is the ONE place its wire
// fields are listed, in wire order; decode, encode, size and the trace printer are all driven by it.
//
// Wire type of a field = its C++ type:
//   uint8_t/uint16_t/uint32_t/uint64_t  little-endian integers
//   std::string_view                    s: u16 length + bytes (decoded: a view into the frame)
//   Qid                                 type[1] version[4] path[8]
//   WalkNames / WalkQids                u16 count + at most MAXWELEM strings / qids
//   Data                                u32 count + bytes (decoded: a view into the frame)
//
// The static message type is called msg_type, not type: Tlock, Tgetlock, Rgetlock and Rstatfs have a
// wire field named `type` (as in Linux), and a struct cannot have both.
#pragma once

#include <algorithm>
#include <array>
#include <cassert>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string_view>
#include <utility>
#include <variant>

#include "proto/constants.h"

namespace p9 {

enum class MsgType : uint8_t {
  Rlerror = 7,
  Tstatfs = 8,
  Rstatfs = 9,
  Tlopen = 12,
  Rlopen = 13,
  Tlcreate = 14,
  Rlcreate = 15,
  Tsymlink = 16,
  Rsymlink = 17,
  Tmknod = 18,
  Rmknod = 19,
  Trename = 20,
  Rrename = 21,
  Treadlink = 22,
  Rreadlink = 23,
  Tgetattr = 24,
  Rgetattr = 25,
  Tsetattr = 26,
  Rsetattr = 27,
  Txattrwalk = 30,
  Rxattrwalk = 31,
  Txattrcreate = 32,
  Rxattrcreate = 33,
  Treaddir = 40,
  Rreaddir = 41,
  Tfsync = 50,
  Rfsync = 51,
  Tlock = 52,
  Rlock = 53,
  Tgetlock = 54,
  Rgetlock = 55,
  Tlink = 70,
  Rlink = 71,
  Tmkdir = 72,
  Rmkdir = 73,
  Trenameat = 74,
  Rrenameat = 75,
  Tunlinkat = 76,
  Runlinkat = 77,
  Tversion = 100,
  Rversion = 101,
  Tauth = 102,
  Rauth = 103,
  Tattach = 104,
  Rattach = 105,
  Tflush = 108,
  Rflush = 109,
  Twalk = 110,
  Rwalk = 111,
  Tread = 116,
  Rread = 117,
  Twrite = 118,
  Rwrite = 119,
  Tclunk = 120,
  Rclunk = 121,
  Tremove = 122,
  Rremove = 123,
};

// T-messages have even numbers, their replies the next odd one.
constexpr bool is_request(MsgType t) noexcept { return (static_cast<uint8_t>(t) & 1) == 0; }

// "Twalk", or "" for a number that is no 9P2000.L message.
std::string_view msg_name(MsgType t) noexcept;

struct Qid {
  uint8_t type = 0;  // QT* bits
  uint32_t version = 0;
  uint64_t path = 0;

  static void fields(auto& m, auto&& f) {
    f("type", m.type);
    f("version", m.version);
    f("path", m.path);
  }
  friend bool operator==(const Qid&, const Qid&) = default;
};

// A vector of at most N elements stored inline: decoding a walk allocates nothing.
template <class T, std::size_t N>
class FixedVector {
 public:
  static constexpr std::size_t capacity = N;

  constexpr FixedVector() = default;
  // For literals of known size; more than N elements is a programming error.
  constexpr FixedVector(std::initializer_list<T> init) {
    assert(init.size() <= N);
    for (const T& v : init) push_back(v);
  }

  // False (and nothing stored) when full.
  constexpr bool push_back(const T& v) noexcept {
    if (size_ == N) return false;
    items_[size_++] = v;
    return true;
  }
  constexpr void clear() noexcept { size_ = 0; }

  constexpr std::size_t size() const noexcept { return size_; }
  constexpr bool empty() const noexcept { return size_ == 0; }
  constexpr T& operator[](std::size_t i) noexcept { return items_[i]; }
  constexpr const T& operator[](std::size_t i) const noexcept { return items_[i]; }
  constexpr T* begin() noexcept { return items_.data(); }
  constexpr T* end() noexcept { return items_.data() + size_; }
  constexpr const T* begin() const noexcept { return items_.data(); }
  constexpr const T* end() const noexcept { return items_.data() + size_; }

  friend constexpr bool operator==(const FixedVector& a, const FixedVector& b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end());
  }

 private:
  std::array<T, N> items_{};
  std::size_t size_ = 0;
};

using WalkNames = FixedVector<std::string_view, MAXWELEM>;
using WalkQids = FixedVector<Qid, MAXWELEM>;

// A payload of Tread/Rread/Twrite/Readdir: a view of bytes owned by someone else (the frame buffer
// after decode, the caller's buffer before encode). Compares by content.
struct Data {
  std::span<const std::byte> bytes;

  constexpr Data() = default;
  template <class R>
    requires std::convertible_to<R&&, std::span<const std::byte>>
  constexpr Data(R&& r) : bytes(std::forward<R>(r)) {}  // NOLINT: implicit, a view like span

  constexpr std::size_t size() const noexcept { return bytes.size(); }
  friend bool operator==(const Data& a, const Data& b) {
    return std::equal(a.bytes.begin(), a.bytes.end(), b.bytes.begin(), b.bytes.end());
  }
};

// ---- session --------------------------------------------------------------------------------------

struct Tversion {
  static constexpr MsgType msg_type = MsgType::Tversion;
  uint32_t msize = 0;
  std::string_view version;
  static void fields(auto& m, auto&& f) {
    f("msize", m.msize);
    f("version", m.version);
  }
  friend bool operator==(const Tversion&, const Tversion&) = default;
};

struct Rversion {
  static constexpr MsgType msg_type = MsgType::Rversion;
  uint32_t msize = 0;
  std::string_view version;
  static void fields(auto& m, auto&& f) {
    f("msize", m.msize);
    f("version", m.version);
  }
  friend bool operator==(const Rversion&, const Rversion&) = default;
};

struct Tauth {
  static constexpr MsgType msg_type = MsgType::Tauth;
  uint32_t afid = 0;
  std::string_view uname;
  std::string_view aname;
  uint32_t n_uname = 0;
  static void fields(auto& m, auto&& f) {
    f("afid", m.afid);
    f("uname", m.uname);
    f("aname", m.aname);
    f("n_uname", m.n_uname);
  }
  friend bool operator==(const Tauth&, const Tauth&) = default;
};

struct Rauth {
  static constexpr MsgType msg_type = MsgType::Rauth;
  Qid qid;  // aqid
  static void fields(auto& m, auto&& f) { f("qid", m.qid); }
  friend bool operator==(const Rauth&, const Rauth&) = default;
};

struct Tattach {
  static constexpr MsgType msg_type = MsgType::Tattach;
  uint32_t fid = 0;
  uint32_t afid = NOFID;
  std::string_view uname;
  std::string_view aname;
  uint32_t n_uname = 0;
  static void fields(auto& m, auto&& f) {
    f("fid", m.fid);
    f("afid", m.afid);
    f("uname", m.uname);
    f("aname", m.aname);
    f("n_uname", m.n_uname);
  }
  friend bool operator==(const Tattach&, const Tattach&) = default;
};

struct Rattach {
  static constexpr MsgType msg_type = MsgType::Rattach;
  Qid qid;
  static void fields(auto& m, auto&& f) { f("qid", m.qid); }
  friend bool operator==(const Rattach&, const Rattach&) = default;
};

struct Rlerror {
  static constexpr MsgType msg_type = MsgType::Rlerror;
  uint32_t ecode = 0;  // Linux errno
  static void fields(auto& m, auto&& f) { f("ecode", m.ecode); }
  friend bool operator==(const Rlerror&, const Rlerror&) = default;
};

struct Tflush {
  static constexpr MsgType msg_type = MsgType::Tflush;
  uint16_t oldtag = 0;
  static void fields(auto& m, auto&& f) { f("oldtag", m.oldtag); }
  friend bool operator==(const Tflush&, const Tflush&) = default;
};

struct Rflush {
  static constexpr MsgType msg_type = MsgType::Rflush;
  static void fields(auto&, auto&&) {}
  friend bool operator==(const Rflush&, const Rflush&) = default;
};

// ---- fids and I/O ---------------------------------------------------------------------------------

struct Twalk {
  static constexpr MsgType msg_type = MsgType::Twalk;
  uint32_t fid = 0;
  uint32_t newfid = 0;
  WalkNames wnames;
  static void fields(auto& m, auto&& f) {
    f("fid", m.fid);
    f("newfid", m.newfid);
    f("wnames", m.wnames);
  }
  friend bool operator==(const Twalk&, const Twalk&) = default;
};

struct Rwalk {
  static constexpr MsgType msg_type = MsgType::Rwalk;
  WalkQids wqids;
  static void fields(auto& m, auto&& f) { f("wqids", m.wqids); }
  friend bool operator==(const Rwalk&, const Rwalk&) = default;
};

struct Tread {
  static constexpr MsgType msg_type = MsgType::Tread;
  uint32_t fid = 0;
  uint64_t offset = 0;
  uint32_t count = 0;
  static void fields(auto& m, auto&& f) {
    f("fid", m.fid);
    f("offset", m.offset);
    f("count", m.count);
  }
  friend bool operator==(const Tread&, const Tread&) = default;
};

struct Rread {
  static constexpr MsgType msg_type = MsgType::Rread;
  Data data;
  static void fields(auto& m, auto&& f) { f("data", m.data); }
  friend bool operator==(const Rread&, const Rread&) = default;
};

struct Twrite {
  static constexpr MsgType msg_type = MsgType::Twrite;
  uint32_t fid = 0;
  uint64_t offset = 0;
  Data data;
  static void fields(auto& m, auto&& f) {
    f("fid", m.fid);
    f("offset", m.offset);
    f("data", m.data);
  }
  friend bool operator==(const Twrite&, const Twrite&) = default;
};

struct Rwrite {
  static constexpr MsgType msg_type = MsgType::Rwrite;
  uint32_t count = 0;
  static void fields(auto& m, auto&& f) { f("count", m.count); }
  friend bool operator==(const Rwrite&, const Rwrite&) = default;
};

struct Tclunk {
  static constexpr MsgType msg_type = MsgType::Tclunk;
  uint32_t fid = 0;
  static void fields(auto& m, auto&& f) { f("fid", m.fid); }
  friend bool operator==(const Tclunk&, const Tclunk&) = default;
};

struct Rclunk {
  static constexpr MsgType msg_type = MsgType::Rclunk;
  static void fields(auto&, auto&&) {}
  friend bool operator==(const Rclunk&, const Rclunk&) = default;
};

struct Tremove {
  static constexpr MsgType msg_type = MsgType::Tremove;
  uint32_t fid = 0;
  static void fields(auto& m, auto&& f) { f("fid", m.fid); }
  friend bool operator==(const Tremove&, const Tremove&) = default;
};

struct Rremove {
  static constexpr MsgType msg_type = MsgType::Rremove;
  static void fields(auto&, auto&&) {}
  friend bool operator==(const Rremove&, const Rremove&) = default;
};

// ---- 9P2000.L file system operations ----------------------------------------------------------------

struct Tstatfs {
  static constexpr MsgType msg_type = MsgType::Tstatfs;
  uint32_t fid = 0;
  static void fields(auto& m, auto&& f) { f("fid", m.fid); }
  friend bool operator==(const Tstatfs&, const Tstatfs&) = default;
};

struct Rstatfs {
  static constexpr MsgType msg_type = MsgType::Rstatfs;
  uint32_t type = 0;  // file system magic
  uint32_t bsize = 0;
  uint64_t blocks = 0;
  uint64_t bfree = 0;
  uint64_t bavail = 0;
  uint64_t files = 0;
  uint64_t ffree = 0;
  uint64_t fsid = 0;
  uint32_t namelen = 0;
  static void fields(auto& m, auto&& f) {
    f("type", m.type);
    f("bsize", m.bsize);
    f("blocks", m.blocks);
    f("bfree", m.bfree);
    f("bavail", m.bavail);
    f("files", m.files);
    f("ffree", m.ffree);
    f("fsid", m.fsid);
    f("namelen", m.namelen);
  }
  friend bool operator==(const Rstatfs&, const Rstatfs&) = default;
};

struct Tlopen {
  static constexpr MsgType msg_type = MsgType::Tlopen;
  uint32_t fid = 0;
  uint32_t flags = 0;  // DOTL_* open flags
  static void fields(auto& m, auto&& f) {
    f("fid", m.fid);
    f("flags", m.flags);
  }
  friend bool operator==(const Tlopen&, const Tlopen&) = default;
};

struct Rlopen {
  static constexpr MsgType msg_type = MsgType::Rlopen;
  Qid qid;
  uint32_t iounit = 0;  // 0: the client uses msize - IOHDRSZ
  static void fields(auto& m, auto&& f) {
    f("qid", m.qid);
    f("iounit", m.iounit);
  }
  friend bool operator==(const Rlopen&, const Rlopen&) = default;
};

struct Tlcreate {
  static constexpr MsgType msg_type = MsgType::Tlcreate;
  uint32_t fid = 0;  // the directory; becomes the open new file
  std::string_view name;
  uint32_t flags = 0;
  uint32_t mode = 0;
  uint32_t gid = 0;
  static void fields(auto& m, auto&& f) {
    f("fid", m.fid);
    f("name", m.name);
    f("flags", m.flags);
    f("mode", m.mode);
    f("gid", m.gid);
  }
  friend bool operator==(const Tlcreate&, const Tlcreate&) = default;
};

struct Rlcreate {
  static constexpr MsgType msg_type = MsgType::Rlcreate;
  Qid qid;
  uint32_t iounit = 0;
  static void fields(auto& m, auto&& f) {
    f("qid", m.qid);
    f("iounit", m.iounit);
  }
  friend bool operator==(const Rlcreate&, const Rlcreate&) = default;
};

struct Tsymlink {
  static constexpr MsgType msg_type = MsgType::Tsymlink;
  uint32_t fid = 0;  // the directory
  std::string_view name;
  std::string_view symtgt;
  uint32_t gid = 0;
  static void fields(auto& m, auto&& f) {
    f("fid", m.fid);
    f("name", m.name);
    f("symtgt", m.symtgt);
    f("gid", m.gid);
  }
  friend bool operator==(const Tsymlink&, const Tsymlink&) = default;
};

struct Rsymlink {
  static constexpr MsgType msg_type = MsgType::Rsymlink;
  Qid qid;
  static void fields(auto& m, auto&& f) { f("qid", m.qid); }
  friend bool operator==(const Rsymlink&, const Rsymlink&) = default;
};

struct Tmknod {
  static constexpr MsgType msg_type = MsgType::Tmknod;
  uint32_t dfid = 0;
  std::string_view name;
  uint32_t mode = 0;  // includes the S_IF* file type
  uint32_t major = 0;
  uint32_t minor = 0;
  uint32_t gid = 0;
  static void fields(auto& m, auto&& f) {
    f("dfid", m.dfid);
    f("name", m.name);
    f("mode", m.mode);
    f("major", m.major);
    f("minor", m.minor);
    f("gid", m.gid);
  }
  friend bool operator==(const Tmknod&, const Tmknod&) = default;
};

struct Rmknod {
  static constexpr MsgType msg_type = MsgType::Rmknod;
  Qid qid;
  static void fields(auto& m, auto&& f) { f("qid", m.qid); }
  friend bool operator==(const Rmknod&, const Rmknod&) = default;
};

struct Trename {
  static constexpr MsgType msg_type = MsgType::Trename;
  uint32_t fid = 0;
  uint32_t dfid = 0;
  std::string_view name;
  static void fields(auto& m, auto&& f) {
    f("fid", m.fid);
    f("dfid", m.dfid);
    f("name", m.name);
  }
  friend bool operator==(const Trename&, const Trename&) = default;
};

struct Rrename {
  static constexpr MsgType msg_type = MsgType::Rrename;
  static void fields(auto&, auto&&) {}
  friend bool operator==(const Rrename&, const Rrename&) = default;
};

struct Treadlink {
  static constexpr MsgType msg_type = MsgType::Treadlink;
  uint32_t fid = 0;
  static void fields(auto& m, auto&& f) { f("fid", m.fid); }
  friend bool operator==(const Treadlink&, const Treadlink&) = default;
};

struct Rreadlink {
  static constexpr MsgType msg_type = MsgType::Rreadlink;
  std::string_view target;
  static void fields(auto& m, auto&& f) { f("target", m.target); }
  friend bool operator==(const Rreadlink&, const Rreadlink&) = default;
};

struct Tgetattr {
  static constexpr MsgType msg_type = MsgType::Tgetattr;
  uint32_t fid = 0;
  uint64_t request_mask = 0;  // GETATTR_* bits
  static void fields(auto& m, auto&& f) {
    f("fid", m.fid);
    f("request_mask", m.request_mask);
  }
  friend bool operator==(const Tgetattr&, const Tgetattr&) = default;
};

struct Rgetattr {
  static constexpr MsgType msg_type = MsgType::Rgetattr;
  uint64_t valid = 0;  // GETATTR_* bits actually filled in
  Qid qid;
  uint32_t mode = 0;
  uint32_t uid = 0;
  uint32_t gid = 0;
  uint64_t nlink = 0;
  uint64_t rdev = 0;
  uint64_t size = 0;
  uint64_t blksize = 0;
  uint64_t blocks = 0;
  uint64_t atime_sec = 0;
  uint64_t atime_nsec = 0;
  uint64_t mtime_sec = 0;
  uint64_t mtime_nsec = 0;
  uint64_t ctime_sec = 0;
  uint64_t ctime_nsec = 0;
  uint64_t btime_sec = 0;
  uint64_t btime_nsec = 0;
  uint64_t gen = 0;
  uint64_t data_version = 0;
  static void fields(auto& m, auto&& f) {
    f("valid", m.valid);
    f("qid", m.qid);
    f("mode", m.mode);
    f("uid", m.uid);
    f("gid", m.gid);
    f("nlink", m.nlink);
    f("rdev", m.rdev);
    f("size", m.size);
    f("blksize", m.blksize);
    f("blocks", m.blocks);
    f("atime_sec", m.atime_sec);
    f("atime_nsec", m.atime_nsec);
    f("mtime_sec", m.mtime_sec);
    f("mtime_nsec", m.mtime_nsec);
    f("ctime_sec", m.ctime_sec);
    f("ctime_nsec", m.ctime_nsec);
    f("btime_sec", m.btime_sec);
    f("btime_nsec", m.btime_nsec);
    f("gen", m.gen);
    f("data_version", m.data_version);
  }
  friend bool operator==(const Rgetattr&, const Rgetattr&) = default;
};

struct Tsetattr {
  static constexpr MsgType msg_type = MsgType::Tsetattr;
  uint32_t fid = 0;
  uint32_t valid = 0;  // SETATTR_* bits
  uint32_t mode = 0;
  uint32_t uid = 0;
  uint32_t gid = 0;
  uint64_t size = 0;
  uint64_t atime_sec = 0;
  uint64_t atime_nsec = 0;
  uint64_t mtime_sec = 0;
  uint64_t mtime_nsec = 0;
  static void fields(auto& m, auto&& f) {
    f("fid", m.fid);
    f("valid", m.valid);
    f("mode", m.mode);
    f("uid", m.uid);
    f("gid", m.gid);
    f("size", m.size);
    f("atime_sec", m.atime_sec);
    f("atime_nsec", m.atime_nsec);
    f("mtime_sec", m.mtime_sec);
    f("mtime_nsec", m.mtime_nsec);
  }
  friend bool operator==(const Tsetattr&, const Tsetattr&) = default;
};

struct Rsetattr {
  static constexpr MsgType msg_type = MsgType::Rsetattr;
  static void fields(auto&, auto&&) {}
  friend bool operator==(const Rsetattr&, const Rsetattr&) = default;
};

struct Txattrwalk {
  static constexpr MsgType msg_type = MsgType::Txattrwalk;
  uint32_t fid = 0;
  uint32_t newfid = 0;
  std::string_view name;  // empty: list the names
  static void fields(auto& m, auto&& f) {
    f("fid", m.fid);
    f("newfid", m.newfid);
    f("name", m.name);
  }
  friend bool operator==(const Txattrwalk&, const Txattrwalk&) = default;
};

struct Rxattrwalk {
  static constexpr MsgType msg_type = MsgType::Rxattrwalk;
  uint64_t size = 0;
  static void fields(auto& m, auto&& f) { f("size", m.size); }
  friend bool operator==(const Rxattrwalk&, const Rxattrwalk&) = default;
};

struct Txattrcreate {
  static constexpr MsgType msg_type = MsgType::Txattrcreate;
  uint32_t fid = 0;
  std::string_view name;
  uint64_t attr_size = 0;
  uint32_t flags = 0;  // XATTR_CREATE / XATTR_REPLACE
  static void fields(auto& m, auto&& f) {
    f("fid", m.fid);
    f("name", m.name);
    f("attr_size", m.attr_size);
    f("flags", m.flags);
  }
  friend bool operator==(const Txattrcreate&, const Txattrcreate&) = default;
};

struct Rxattrcreate {
  static constexpr MsgType msg_type = MsgType::Rxattrcreate;
  static void fields(auto&, auto&&) {}
  friend bool operator==(const Rxattrcreate&, const Rxattrcreate&) = default;
};

struct Treaddir {
  static constexpr MsgType msg_type = MsgType::Treaddir;
  uint32_t fid = 0;
  uint64_t offset = 0;  // a cookie from a previous entry's offset field, or 0
  uint32_t count = 0;
  static void fields(auto& m, auto&& f) {
    f("fid", m.fid);
    f("offset", m.offset);
    f("count", m.count);
  }
  friend bool operator==(const Treaddir&, const Treaddir&) = default;
};

struct Rreaddir {
  static constexpr MsgType msg_type = MsgType::Rreaddir;
  Data data;  // packed entries, see proto/dirent.h
  static void fields(auto& m, auto&& f) { f("data", m.data); }
  friend bool operator==(const Rreaddir&, const Rreaddir&) = default;
};

struct Tfsync {
  static constexpr MsgType msg_type = MsgType::Tfsync;
  uint32_t fid = 0;
  uint32_t datasync = 0;
  static void fields(auto& m, auto&& f) {
    f("fid", m.fid);
    f("datasync", m.datasync);
  }
  friend bool operator==(const Tfsync&, const Tfsync&) = default;
};

struct Rfsync {
  static constexpr MsgType msg_type = MsgType::Rfsync;
  static void fields(auto&, auto&&) {}
  friend bool operator==(const Rfsync&, const Rfsync&) = default;
};

struct Tlock {
  static constexpr MsgType msg_type = MsgType::Tlock;
  uint32_t fid = 0;
  uint8_t type = 0;    // LOCK_TYPE_*
  uint32_t flags = 0;  // LOCK_FLAGS_*
  uint64_t start = 0;
  uint64_t length = 0;  // 0: to end of file
  uint32_t proc_id = 0;
  std::string_view client_id;
  static void fields(auto& m, auto&& f) {
    f("fid", m.fid);
    f("type", m.type);
    f("flags", m.flags);
    f("start", m.start);
    f("length", m.length);
    f("proc_id", m.proc_id);
    f("client_id", m.client_id);
  }
  friend bool operator==(const Tlock&, const Tlock&) = default;
};

struct Rlock {
  static constexpr MsgType msg_type = MsgType::Rlock;
  uint8_t status = 0;  // LOCK_SUCCESS ...
  static void fields(auto& m, auto&& f) { f("status", m.status); }
  friend bool operator==(const Rlock&, const Rlock&) = default;
};

struct Tgetlock {
  static constexpr MsgType msg_type = MsgType::Tgetlock;
  uint32_t fid = 0;
  uint8_t type = 0;
  uint64_t start = 0;
  uint64_t length = 0;
  uint32_t proc_id = 0;
  std::string_view client_id;
  static void fields(auto& m, auto&& f) {
    f("fid", m.fid);
    f("type", m.type);
    f("start", m.start);
    f("length", m.length);
    f("proc_id", m.proc_id);
    f("client_id", m.client_id);
  }
  friend bool operator==(const Tgetlock&, const Tgetlock&) = default;
};

struct Rgetlock {
  static constexpr MsgType msg_type = MsgType::Rgetlock;
  uint8_t type = 0;  // LOCK_TYPE_UNLCK when nothing conflicts
  uint64_t start = 0;
  uint64_t length = 0;
  uint32_t proc_id = 0;
  std::string_view client_id;
  static void fields(auto& m, auto&& f) {
    f("type", m.type);
    f("start", m.start);
    f("length", m.length);
    f("proc_id", m.proc_id);
    f("client_id", m.client_id);
  }
  friend bool operator==(const Rgetlock&, const Rgetlock&) = default;
};

struct Tlink {
  static constexpr MsgType msg_type = MsgType::Tlink;
  uint32_t dfid = 0;
  uint32_t fid = 0;
  std::string_view name;
  static void fields(auto& m, auto&& f) {
    f("dfid", m.dfid);
    f("fid", m.fid);
    f("name", m.name);
  }
  friend bool operator==(const Tlink&, const Tlink&) = default;
};

struct Rlink {
  static constexpr MsgType msg_type = MsgType::Rlink;
  static void fields(auto&, auto&&) {}
  friend bool operator==(const Rlink&, const Rlink&) = default;
};

struct Tmkdir {
  static constexpr MsgType msg_type = MsgType::Tmkdir;
  uint32_t dfid = 0;
  std::string_view name;
  uint32_t mode = 0;
  uint32_t gid = 0;
  static void fields(auto& m, auto&& f) {
    f("dfid", m.dfid);
    f("name", m.name);
    f("mode", m.mode);
    f("gid", m.gid);
  }
  friend bool operator==(const Tmkdir&, const Tmkdir&) = default;
};

struct Rmkdir {
  static constexpr MsgType msg_type = MsgType::Rmkdir;
  Qid qid;
  static void fields(auto& m, auto&& f) { f("qid", m.qid); }
  friend bool operator==(const Rmkdir&, const Rmkdir&) = default;
};

struct Trenameat {
  static constexpr MsgType msg_type = MsgType::Trenameat;
  uint32_t olddirfid = 0;
  std::string_view oldname;
  uint32_t newdirfid = 0;
  std::string_view newname;
  static void fields(auto& m, auto&& f) {
    f("olddirfid", m.olddirfid);
    f("oldname", m.oldname);
    f("newdirfid", m.newdirfid);
    f("newname", m.newname);
  }
  friend bool operator==(const Trenameat&, const Trenameat&) = default;
};

struct Rrenameat {
  static constexpr MsgType msg_type = MsgType::Rrenameat;
  static void fields(auto&, auto&&) {}
  friend bool operator==(const Rrenameat&, const Rrenameat&) = default;
};

struct Tunlinkat {
  static constexpr MsgType msg_type = MsgType::Tunlinkat;
  uint32_t dirfid = 0;
  std::string_view name;
  uint32_t flags = 0;  // DOTL_AT_REMOVEDIR
  static void fields(auto& m, auto&& f) {
    f("dirfid", m.dirfid);
    f("name", m.name);
    f("flags", m.flags);
  }
  friend bool operator==(const Tunlinkat&, const Tunlinkat&) = default;
};

struct Runlinkat {
  static constexpr MsgType msg_type = MsgType::Runlinkat;
  static void fields(auto&, auto&&) {}
  friend bool operator==(const Runlinkat&, const Runlinkat&) = default;
};

// Tlerror (6) is never sent by anyone and has no struct: decoding it gives UnknownType.
using Message = std::variant<  //
    Tversion, Rversion, Tauth, Rauth, Tattach, Rattach, Rlerror, Tflush, Rflush, Twalk, Rwalk,
    Tread, Rread, Twrite, Rwrite, Tclunk, Rclunk, Tremove, Rremove, Tstatfs, Rstatfs, Tlopen, Rlopen,
    Tlcreate, Rlcreate, Tsymlink, Rsymlink, Tmknod, Rmknod, Trename, Rrename, Treadlink, Rreadlink,
    Tgetattr, Rgetattr, Tsetattr, Rsetattr, Txattrwalk, Rxattrwalk, Txattrcreate, Rxattrcreate,
    Treaddir, Rreaddir, Tfsync, Rfsync, Tlock, Rlock, Tgetlock, Rgetlock, Tlink, Rlink, Tmkdir, Rmkdir,
    Trenameat, Rrenameat, Tunlinkat, Runlinkat>;

inline MsgType type_of(const Message& m) noexcept {
  return std::visit([](const auto& msg) { return std::decay_t<decltype(msg)>::msg_type; }, m);
}

// One message on the wire: the header's tag plus the body.
struct Fcall {
  uint16_t tag = NOTAG;
  Message msg;

  MsgType type() const noexcept { return type_of(msg); }
  friend bool operator==(const Fcall&, const Fcall&) = default;
};

}  // namespace p9
