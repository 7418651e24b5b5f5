// Byte-exact frames written out by hand from the 9P2000.L layout (size[4] type[1] tag[2] fields,
// little-endian), one space between fields. Each must decode to the given Fcall, and encoding that
// Fcall must give the same bytes.
#include <gtest/gtest.h>

#include "proto/codec.h"
#include "proto/dirent.h"
#include "tests/proto/frame_bytes.h"

namespace p9 {
namespace {

using test::from_hex;

struct Golden {
  const char* name;
  const char* hex;
  Fcall fcall;
};

void PrintTo(const Golden& g, std::ostream* os) { *os << g.name; }

const Golden kGolden[] = {
    {"Tversion",
     // size=21 type=100 tag=NOTAG msize=8192 version="9P2000.L"
     "15000000 64 ffff 00200000 0800 3950323030302e4c",
     {NOTAG, Tversion{.msize = 8192, .version = "9P2000.L"}}},
    {"Rversion",
     // size=21 type=101 tag=NOTAG msize=131072 version="9P2000.L"
     "15000000 65 ffff 00000200 0800 3950323030302e4c",
     {NOTAG, Rversion{.msize = 131072, .version = "9P2000.L"}}},
    {"Tattach",
     // size=27 type=104 tag=1 fid=0 afid=NOFID uname="" aname="/srv" n_uname=1000
     "1b000000 68 0100 00000000 ffffffff 0000 0400 2f737276 e8030000",
     {1, Tattach{.fid = 0, .afid = NOFID, .uname = "", .aname = "/srv", .n_uname = 1000}}},
    {"Twalk",
     // size=27 type=110 tag=3 fid=1 newfid=2 nwname=2 "usr" "bin"
     "1b000000 6e 0300 01000000 02000000 0200 0300 757372 0300 62696e",
     {3, Twalk{.fid = 1, .newfid = 2, .wnames = {"usr", "bin"}}}},
    {"Rwalk",
     // size=35 type=111 tag=3 nwqid=2 qid(type=0x80 version=0 path=0x11)
     // qid(type=0 version=7 path=0x0102030405060708)
     "23000000 6f 0300 0200 80 00000000 1100000000000000 00 07000000 0807060504030201",
     {3, Rwalk{.wqids = {Qid{QTDIR, 0, 0x11}, Qid{QTFILE, 7, 0x0102030405060708}}}}},
    {"Tlopen",
     // size=15 type=12 tag=4 fid=2 flags=RDWR|LARGEFILE
     "0f000000 0c 0400 02000000 02800000",
     {4, Tlopen{.fid = 2, .flags = DOTL_RDWR | DOTL_LARGEFILE}}},
    {"Tlcreate",
     // size=30 type=14 tag=5 fid=3 name="a.txt" flags=0x8241 mode=0644 gid=100
     "1e000000 0e 0500 03000000 0500 612e747874 41820000 a4010000 64000000",
     {5, Tlcreate{.fid = 3, .name = "a.txt", .flags = 0x8241, .mode = 0644, .gid = 100}}},
    {"Tgetattr",
     // size=19 type=24 tag=6 fid=7 request_mask=ALL
     "13000000 18 0600 07000000 ff3f000000000000",
     {6, Tgetattr{.fid = 7, .request_mask = GETATTR_ALL}}},
    {"Rgetattr",
     // size=160 type=25 tag=6 valid=0x7ff qid(0, 3, 42) mode=0100644 uid=1000 gid=100 nlink=1
     // rdev=0 size=5 blksize=4096 blocks=8 atime=1700000000.123 mtime=1700000001.456
     // ctime=1700000002.789 btime=0.0 gen=0 data_version=9
     "a0000000 19 0600 ff07000000000000 00 03000000 2a00000000000000 a4810000 e8030000 64000000 "
     "0100000000000000 0000000000000000 0500000000000000 0010000000000000 0800000000000000 "
     "00f1536500000000 7b00000000000000 01f1536500000000 c801000000000000 "
     "02f1536500000000 1503000000000000 0000000000000000 0000000000000000 "
     "0000000000000000 0900000000000000",
     {6, Rgetattr{.valid = GETATTR_BASIC, .qid = {QTFILE, 3, 42}, .mode = 0100644, .uid = 1000,
                  .gid = 100, .nlink = 1, .rdev = 0, .size = 5, .blksize = 4096, .blocks = 8,
                  .atime_sec = 1700000000, .atime_nsec = 123, .mtime_sec = 1700000001,
                  .mtime_nsec = 456, .ctime_sec = 1700000002, .ctime_nsec = 789, .btime_sec = 0,
                  .btime_nsec = 0, .gen = 0, .data_version = 9}}},
    {"Treaddir",
     // size=23 type=40 tag=7 fid=4 offset=0 count=8168
     "17000000 28 0700 04000000 0000000000000000 e81f0000",
     {7, Treaddir{.fid = 4, .offset = 0, .count = 8168}}},
    {"Tlock",
     // size=42 type=52 tag=8 fid=5 type=WRLCK flags=BLOCK start=100 length=50 proc_id=4242
     // client_id="host"
     "2a000000 34 0800 05000000 01 01000000 6400000000000000 3200000000000000 92100000 0400 686f7374",
     {8, Tlock{.fid = 5, .type = LOCK_TYPE_WRLCK, .flags = LOCK_FLAGS_BLOCK, .start = 100,
               .length = 50, .proc_id = 4242, .client_id = "host"}}},
    {"Rlerror",
     // size=11 type=7 tag=2 ecode=ENOENT
     "0b000000 07 0200 02000000",
     {2, Rlerror{.ecode = 2}}},
    {"Tunlinkat",
     // size=20 type=76 tag=9 dirfid=1 name="dir" flags=AT_REMOVEDIR
     "14000000 4c 0900 01000000 0300 646972 00020000",
     {9, Tunlinkat{.dirfid = 1, .name = "dir", .flags = DOTL_AT_REMOVEDIR}}},
    {"Tfsync",
     // size=15 type=50 tag=10 fid=6 datasync=1
     "0f000000 32 0a00 06000000 01000000",
     {10, Tfsync{.fid = 6, .datasync = 1}}},
};

class GoldenFrame : public ::testing::TestWithParam<Golden> {};

TEST_P(GoldenFrame, DecodesToTheMessage) {
  const auto frame = from_hex(GetParam().hex);
  const DecodeResult r = decode(frame, 1 << 20);
  ASSERT_TRUE(r.ok()) << describe(r.error());
  EXPECT_EQ(r.fcall(), GetParam().fcall);
}

TEST_P(GoldenFrame, EncodesToTheBytes) {
  EXPECT_EQ(test::encode_to_vector(GetParam().fcall), from_hex(GetParam().hex));
}

INSTANTIATE_TEST_SUITE_P(HandWritten, GoldenFrame, ::testing::ValuesIn(kGolden),
                         [](const auto& info) { return std::string(info.param.name); });

// size=65 type=41 tag=7 count=54, then two entries of qid[13] offset[8] type[1] name[s]:
//   qid(0x80, 0, 1) offset=1 type=DT_DIR(4) name="."
//   qid(0, 2, 42)   offset=2 type=DT_REG(8) name="a.txt"
constexpr const char* kRreaddirHex =
    "41000000 29 0700 36000000 "
    "80 00000000 0100000000000000 0100000000000000 04 0100 2e "
    "00 02000000 2a00000000000000 0200000000000000 08 0500 612e747874";

const Dirent kEntries[] = {
    {.qid = {QTDIR, 0, 1}, .offset = 1, .type = 4, .name = "."},
    {.qid = {QTFILE, 2, 42}, .offset = 2, .type = 8, .name = "a.txt"},
};

TEST(GoldenRreaddir, DecodesToTwoEntries) {
  const auto frame = from_hex(kRreaddirHex);
  const DecodeResult r = decode(frame, 8192);
  ASSERT_TRUE(r.ok()) << describe(r.error());
  EXPECT_EQ(r.fcall().tag, 7);
  DirentParser entries(std::get<Rreaddir>(r.fcall().msg).data.bytes);
  for (const Dirent& expected : kEntries) {
    auto e = entries.next();
    ASSERT_TRUE(e.has_value());
    EXPECT_EQ(*e, expected);
  }
  EXPECT_FALSE(entries.next().has_value());
  EXPECT_FALSE(entries.malformed());
}

TEST(GoldenRreaddir, PackedEntriesEncodeToTheBytes) {
  std::byte buf[64];
  DirentPacker packer(buf);
  for (const Dirent& e : kEntries) ASSERT_TRUE(packer.add(e));
  EXPECT_EQ(test::encode_to_vector({7, Rreaddir{.data = packer.packed()}}), from_hex(kRreaddirHex));
}

}  // namespace
}  // namespace p9
