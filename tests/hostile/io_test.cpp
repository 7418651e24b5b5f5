// I/O a client is not entitled to, or asks for in absurd sizes: writes through read-only fids, reads
// of directories, readdir of files, counts of 4 GiB, offsets at the end of the 64-bit range,
// xattr values larger than allowed, lock ranges that overflow.
#include <cerrno>
#include <string>

#include "tests/hostile/hostile_fixture.h"

namespace p9::hostile {
namespace {

constexpr uint32_t kReadOnly = 2;   // /data, open O_RDONLY
constexpr uint32_t kWriteOnly = 3;  // /data, open O_WRONLY
constexpr uint32_t kWalked = 4;     // /data, not open
constexpr uint32_t kDirOpen = 5;    // the root, open O_RDONLY
constexpr uint32_t kSpare = 6;

// 200 KiB: more than one Tread of a 64 KiB msize.
const std::string& data_text() {
  static const std::string text(200 * 1024, 'd');
  return text;
}

class Io : public RawSessionTest {
 protected:
  void SetUp() override {
    RawSessionTest::SetUp();
    write_file(*client(), "data", data_text());
    for (uint32_t fid : {kReadOnly, kWriteOnly, kWalked}) c->call(Fcall{1, Twalk{kRoot, fid, {"data"}}});
    c->call(Fcall{1, Twalk{kRoot, kDirOpen, {}}});
    c->call(Fcall{1, Tlopen{kReadOnly, DOTL_RDONLY}});
    c->call(Fcall{1, Tlopen{kWriteOnly, DOTL_WRONLY}});
    c->call(Fcall{1, Tlopen{kDirOpen, DOTL_RDONLY | DOTL_DIRECTORY}});
  }
};

TEST_F(Io, WritesAndReadsNeedAFidOpenForThem) {
  const auto payload = bytes_of("x");
  EXPECT_EQ(err(*c, Fcall{1, Twrite{kReadOnly, 0, payload}}), uint32_t{EBADF});
  EXPECT_EQ(err(*c, Fcall{2, Tread{kWriteOnly, 0, 10}}), uint32_t{EBADF});
  EXPECT_EQ(err(*c, Fcall{3, Twrite{kWalked, 0, payload}}), uint32_t{EBADF});
  EXPECT_EQ(err(*c, Fcall{4, Tread{kWalked, 0, 10}}), uint32_t{EBADF});
  EXPECT_EQ(err(*c, Fcall{5, Twrite{kDirOpen, 0, payload}}), uint32_t{EBADF});
  // As fcntl(2): a write lock needs a fid open for writing, a read lock one open for reading.
  EXPECT_EQ(err(*c, Fcall{6, Tlock{kReadOnly, LOCK_TYPE_WRLCK, 0, 0, 0, 1, "c"}}), uint32_t{EBADF});
  EXPECT_EQ(err(*c, Fcall{7, Tlock{kWriteOnly, LOCK_TYPE_RDLCK, 0, 0, 0, 1, "c"}}), uint32_t{EBADF});
  EXPECT_EQ(err(*c, Fcall{8, Tlock{kWalked, LOCK_TYPE_RDLCK, 0, 0, 0, 1, "c"}}), uint32_t{EBADF});
  // A second open of an open fid is refused; the first open mode stands.
  EXPECT_EQ(err(*c, Fcall{9, Tlopen{kReadOnly, DOTL_RDWR}}), uint32_t{EINVAL});
  EXPECT_EQ(err(*c, Fcall{10, Twrite{kReadOnly, 0, payload}}), uint32_t{EBADF});
  EXPECT_EQ(client()->read_file("data").size(), data_text().size());
}

TEST_F(Io, ReadOfADirectoryIsEisdirAndReaddirOfAFileIsEnotdir) {
  EXPECT_EQ(err(*c, Fcall{1, Tread{kDirOpen, 0, 100}}), uint32_t{EISDIR});
  EXPECT_EQ(err(*c, Fcall{2, Treaddir{kReadOnly, 0, 1000}}), uint32_t{ENOTDIR});
  EXPECT_EQ(err(*c, Fcall{3, Treaddir{kWalked, 0, 1000}}), uint32_t{EBADF});
  // Opening a directory for writing is EISDIR, as open(2).
  c->call(Fcall{4, Twalk{kRoot, kSpare, {}}});
  EXPECT_EQ(err(*c, Fcall{5, Tlopen{kSpare, DOTL_RDWR}}), uint32_t{EISDIR});
  // Tlcreate needs an unopened directory fid.
  EXPECT_EQ(err(*c, Fcall{6, Tlcreate{kDirOpen, "new", DOTL_RDWR, 0644, 0}}), uint32_t{EINVAL});
  EXPECT_EQ(err(*c, Fcall{7, Tlcreate{kWalked, "new", DOTL_RDWR, 0644, 0}}), uint32_t{ENOTDIR});
}

TEST_F(Io, ReadCountOfFourGibibytesIsCutToTheMsize) {
  auto r = c->call(Fcall{1, Tread{kReadOnly, 0, 0xFFFFFFFF}});
  EXPECT_EQ(r.as<Rread>().data.size(), kRawMsize - IOHDRSZ);
  // Near the end, only what is there.
  auto tail = c->call(Fcall{2, Tread{kReadOnly, data_text().size() - 10, 0xFFFFFFFF}});
  EXPECT_EQ(tail.as<Rread>().data.size(), 10u);
  // Past the end and at the top of the offset range: nothing, no error.
  for (uint64_t offset : {uint64_t{1} << 40, uint64_t{INT64_MAX}, UINT64_MAX}) {
    EXPECT_EQ(c->call(Fcall{3, Tread{kReadOnly, offset, 0xFFFFFFFF}}).as<Rread>().data.size(), 0u);
  }
  // A Twrite frame larger than msize cannot be sent; its count field may still lie: see Framing.
}

TEST_F(Io, WritesAtTheTopOfTheOffsetRangeAreEfbig) {
  const auto payload = bytes_of("x");
  // Past the largest file the store keeps (Linux: EFBIG beyond s_maxbytes). The Linux client never
  // sends offsets >= 2^63 (negative loff_t); EFBIG for those too is the store's documented choice.
  for (uint64_t offset : {uint64_t{INT64_MAX}, uint64_t{1} << 63, UINT64_MAX - 1, UINT64_MAX}) {
    EXPECT_EQ(err(*c, Fcall{1, Twrite{kWriteOnly, offset, payload}}), uint32_t{EFBIG}) << offset;
  }
  // Truncating there is EFBIG as well; the file is untouched.
  EXPECT_EQ(err(*c, Fcall{2, Tsetattr{kWalked, SETATTR_SIZE, 0, 0, 0, UINT64_MAX}}), uint32_t{EFBIG});
  EXPECT_EQ(client()->stat("data").size, data_text().size());
}

TEST_F(Io, ReaddirCounts) {
  client()->mkdir("a", 0755);
  // Count 4 GiB is cut to the msize and lists everything.
  auto all = c->call(Fcall{1, Treaddir{kDirOpen, 0, 0xFFFFFFFF}});
  EXPECT_GT(all.as<Rreaddir>().data.size(), 0u);
  EXPECT_LE(all.as<Rreaddir>().data.size(), kRawMsize - IOHDRSZ);
  // Too small for even one entry: EINVAL (the server's documented choice, since an empty reply
  // would mean the end of the directory), for 0 as for a few bytes.
  EXPECT_EQ(err(*c, Fcall{2, Treaddir{kDirOpen, 0, 0}}), uint32_t{EINVAL});
  EXPECT_EQ(err(*c, Fcall{3, Treaddir{kDirOpen, 0, 10}}), uint32_t{EINVAL});
  // Unknown cookies end the listing or are refused; they never crash or loop.
  for (uint64_t cookie : {uint64_t{12345678}, uint64_t{INT64_MAX}, UINT64_MAX}) {
    auto r = c->call(Fcall{4, Treaddir{kDirOpen, cookie, 8192}});
    if (r.type() == MsgType::Rreaddir) {
      EXPECT_EQ(r.as<Rreaddir>().data.size(), 0u) << cookie;
    } else {
      EXPECT_EQ(rlerror_of(r), uint32_t{EINVAL}) << cookie;
    }
  }
}

TEST_F(Io, XattrValuesBeyondTheirLimits) {
  // Larger than XATTR_SIZE_MAX (64 KiB): E2BIG, as setxattr(2).
  for (uint64_t size : {uint64_t{65537}, uint64_t{1} << 32, UINT64_MAX}) {
    c->call(Fcall{1, Twalk{kWalked, kSpare, {}}});
    EXPECT_EQ(err(*c, Fcall{2, Txattrcreate{kSpare, "user.big", size, 0}}), uint32_t{E2BIG}) << size;
    c->call(Fcall{3, Tclunk{kSpare}});
  }
  // Writes beyond attr_size are refused (ENOSPC, the server's documented choice) and writes out of
  // order are EINVAL; a value left short is refused at clunk (EINVAL) and nothing is set.
  c->call(Fcall{4, Twalk{kWalked, kSpare, {}}});
  c->call(Fcall{5, Txattrcreate{kSpare, "user.small", 4, 0}});
  EXPECT_EQ(err(*c, Fcall{6, Twrite{kSpare, 0, bytes_of("12345")}}), uint32_t{ENOSPC});
  EXPECT_EQ(err(*c, Fcall{7, Twrite{kSpare, 2, bytes_of("34")}}), uint32_t{EINVAL});
  EXPECT_EQ(err(*c, Fcall{8, Twrite{kSpare, 0, bytes_of("12")}}), 0u);
  EXPECT_EQ(err(*c, Fcall{9, Twrite{kSpare, 2, bytes_of("345")}}), uint32_t{ENOSPC});
  EXPECT_EQ(err(*c, Fcall{10, Tclunk{kSpare}}), uint32_t{EINVAL});
  EXPECT_EQ(err(*c, Fcall{11, Txattrwalk{kWalked, kSpare, "user.small"}}), uint32_t{ENODATA});
  // Exactly 64 KiB is allowed.
  const std::string max(65536, 'v');
  c->call(Fcall{12, Twalk{kWalked, kSpare, {}}});
  c->call(Fcall{13, Txattrcreate{kSpare, "user.max", max.size(), 0}});
  for (std::size_t at = 0; at < max.size(); at += 32768) {
    c->call(Fcall{14, Twrite{kSpare, at, bytes_of(std::string_view(max).substr(at, 32768))}});
  }
  EXPECT_EQ(err(*c, Fcall{15, Tclunk{kSpare}}), 0u);
  EXPECT_EQ(c->call(Fcall{16, Txattrwalk{kWalked, kSpare, "user.max"}}).as<Rxattrwalk>().size, max.size());
}

TEST_F(Io, LockRangesThatOverflowAndBadLockTypes) {
  c->call(Fcall{1, Twalk{kRoot, kSpare, {"data"}}});
  c->call(Fcall{2, Tlopen{kSpare, DOTL_RDWR}});
  // start + length past 2^64 - 1: EINVAL (the store's documented choice; Linux's fcntl says
  // EOVERFLOW for off_t overflow, which the Linux client never lets through).
  EXPECT_EQ(err(*c, Fcall{3, Tlock{kSpare, LOCK_TYPE_WRLCK, 0, UINT64_MAX, 2, 1, "c"}}), uint32_t{EINVAL});
  EXPECT_EQ(err(*c, Fcall{4, Tlock{kSpare, LOCK_TYPE_WRLCK, 0, 2, UINT64_MAX, 1, "c"}}), uint32_t{EINVAL});
  EXPECT_EQ(err(*c, Fcall{5, Tgetlock{kSpare, LOCK_TYPE_WRLCK, UINT64_MAX, 2, 1, "c"}}), uint32_t{EINVAL});
  // The exact top of the range is a valid lock, as is "to end of file" from there.
  auto top = c->call(Fcall{6, Tlock{kSpare, LOCK_TYPE_WRLCK, 0, UINT64_MAX, 1, 1, "c"}});
  EXPECT_EQ(top.as<Rlock>().status, LOCK_SUCCESS);
  auto to_eof = c->call(Fcall{7, Tlock{kSpare, LOCK_TYPE_WRLCK, 0, UINT64_MAX - 5, 0, 1, "c"}});
  EXPECT_EQ(to_eof.as<Rlock>().status, LOCK_SUCCESS);
  // Types other than RDLCK/WRLCK/UNLCK are EINVAL. (Tgetlock of UNLCK is what the Linux client
  // sends for every F_GETLK and is answered as a write-lock test.)
  for (uint8_t type : {3, 7, 255}) {
    EXPECT_EQ(err(*c, Fcall{8, Tlock{kSpare, type, 0, 0, 0, 1, "c"}}), uint32_t{EINVAL});
    EXPECT_EQ(err(*c, Fcall{9, Tgetlock{kSpare, type, 0, 0, 1, "c"}}), uint32_t{EINVAL});
  }
  EXPECT_EQ(c->call(Fcall{10, Tgetlock{kSpare, LOCK_TYPE_UNLCK, 0, 0, 1, "c"}}).type(), MsgType::Rgetlock);
  // A client_id of 64 KiB - 1 bytes is just a long owner name.
  const std::string id(65535 - 64, 'i');
  auto r = c->call(Fcall{11, Tlock{kSpare, LOCK_TYPE_RDLCK, 0, 0, 10, 2, id}});
  EXPECT_EQ(r.as<Rlock>().status, LOCK_SUCCESS);
}

}  // namespace
}  // namespace p9::hostile
