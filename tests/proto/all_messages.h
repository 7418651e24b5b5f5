// One Fcall of every 9P2000.L message with distinct, non-default field values, so that a field that
// is dropped, swapped or mis-sized shows up in a round trip.
#pragma once

#include <array>
#include <cstddef>
#include <vector>

#include "proto/message.h"

namespace p9::test {

inline constexpr std::array<std::byte, 5> kPayload{std::byte{'h'}, std::byte{0}, std::byte{0xff},
                                                    std::byte{'\n'}, std::byte{'z'}};

inline std::vector<Fcall> all_messages() {
  const Qid q1{QTDIR, 0x01020304, 0x1122334455667788};
  const Qid q2{QTSYMLINK, 9, 77};
  return {
      {1, Tversion{.msize = 131096, .version = "9P2000.L"}},
      {2, Rversion{.msize = 65560, .version = "unknown"}},
      {3, Tauth{.afid = 5, .uname = "alice", .aname = "/export", .n_uname = 1001}},
      {4, Rauth{.qid = {QTAUTH, 1, 2}}},
      {5, Tattach{.fid = 6, .afid = NOFID, .uname = "", .aname = "/", .n_uname = 65534}},
      {6, Rattach{.qid = q1}},
      {7, Rlerror{.ecode = 95}},
      {8, Tflush{.oldtag = 0xabcd}},
      {9, Rflush{}},
      {10, Twalk{.fid = 1, .newfid = 2, .wnames = {"a", "..", "ccc"}}},
      {11, Rwalk{.wqids = {q1, q2}}},
      {12, Tread{.fid = 3, .offset = 0x100000000, .count = 8168}},
      {13, Rread{.data = kPayload}},
      {14, Twrite{.fid = 4, .offset = 12345678901, .data = kPayload}},
      {15, Rwrite{.count = 5}},
      {16, Tclunk{.fid = 17}},
      {17, Rclunk{}},
      {18, Tremove{.fid = 18}},
      {19, Rremove{}},
      {20, Tstatfs{.fid = 19}},
      {21, Rstatfs{.type = 0x01021997, .bsize = 4096, .blocks = 1000, .bfree = 900, .bavail = 800,
                   .files = 700, .ffree = 600, .fsid = 0xdeadbeefcafe, .namelen = 255}},
      {22, Tlopen{.fid = 20, .flags = DOTL_RDWR | DOTL_APPEND}},
      {23, Rlopen{.qid = q2, .iounit = 4096}},
      {24, Tlcreate{.fid = 21, .name = "new", .flags = 0x8241, .mode = 0600, .gid = 50}},
      {25, Rlcreate{.qid = q1, .iounit = 8192}},
      {26, Tsymlink{.fid = 22, .name = "link", .symtgt = "../target", .gid = 51}},
      {27, Rsymlink{.qid = q2}},
      {28, Tmknod{.dfid = 23, .name = "fifo", .mode = 010644, .major = 8, .minor = 1, .gid = 52}},
      {29, Rmknod{.qid = q1}},
      {30, Trename{.fid = 24, .dfid = 25, .name = "renamed"}},
      {31, Rrename{}},
      {32, Treadlink{.fid = 26}},
      {33, Rreadlink{.target = "/a/b/c"}},
      {34, Tgetattr{.fid = 27, .request_mask = GETATTR_BASIC | GETATTR_BTIME}},
      {35, Rgetattr{.valid = GETATTR_ALL, .qid = q1, .mode = 040755, .uid = 1, .gid = 2,
                    .nlink = 3, .rdev = 4, .size = 5, .blksize = 6, .blocks = 7, .atime_sec = 8,
                    .atime_nsec = 9, .mtime_sec = 10, .mtime_nsec = 11, .ctime_sec = 12,
                    .ctime_nsec = 13, .btime_sec = 14, .btime_nsec = 15, .gen = 16,
                    .data_version = 17}},
      {36, Tsetattr{.fid = 28, .valid = SETATTR_MODE | SETATTR_ATIME | SETATTR_ATIME_SET,
                    .mode = 0755, .uid = 21, .gid = 22, .size = 23, .atime_sec = 24,
                    .atime_nsec = 25, .mtime_sec = 26, .mtime_nsec = 27}},
      {37, Rsetattr{}},
      {38, Txattrwalk{.fid = 29, .newfid = 30, .name = "user.comment"}},
      {39, Rxattrwalk{.size = 1234}},
      {40, Txattrcreate{.fid = 31, .name = "system.posix_acl_access", .attr_size = 44, .flags = 1}},
      {41, Rxattrcreate{}},
      {42, Treaddir{.fid = 32, .offset = 77, .count = 4000}},
      {43, Rreaddir{.data = kPayload}},
      {44, Tfsync{.fid = 33, .datasync = 1}},
      {45, Rfsync{}},
      {46, Tlock{.fid = 34, .type = LOCK_TYPE_RDLCK, .flags = LOCK_FLAGS_RECLAIM, .start = 1,
                 .length = 2, .proc_id = 3, .client_id = "client"}},
      {47, Rlock{.status = LOCK_GRACE}},
      {48, Tgetlock{.fid = 35, .type = LOCK_TYPE_WRLCK, .start = 4, .length = 5, .proc_id = 6,
                    .client_id = "me"}},
      {49, Rgetlock{.type = LOCK_TYPE_UNLCK, .start = 7, .length = 8, .proc_id = 9,
                    .client_id = "you"}},
      {50, Tlink{.dfid = 36, .fid = 37, .name = "hard"}},
      {51, Rlink{}},
      {52, Tmkdir{.dfid = 38, .name = "dir", .mode = 0700, .gid = 53}},
      {53, Rmkdir{.qid = q1}},
      {54, Trenameat{.olddirfid = 39, .oldname = "old", .newdirfid = 40, .newname = "new"}},
      {55, Rrenameat{}},
      {56, Tunlinkat{.dirfid = 41, .name = "gone", .flags = DOTL_AT_REMOVEDIR}},
      {57, Runlinkat{}},
  };
}

}  // namespace p9::test
