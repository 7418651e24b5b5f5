#include <gtest/gtest.h>

#include "proto/print.h"
#include "tests/proto/all_messages.h"
#include "tests/proto/frame_bytes.h"

namespace p9 {
namespace {

TEST(Print, TraceLines) {
  EXPECT_EQ(to_string({3, Twalk{.fid = 1, .newfid = 2, .wnames = {"usr", "bin"}}}),
            "Twalk tag 3 fid 1 newfid 2 nwname 2 [usr, bin]");
  EXPECT_EQ(to_string({3, Twalk{.fid = 1, .newfid = 2, .wnames = {}}}),
            "Twalk tag 3 fid 1 newfid 2 nwname 0 []");
  const std::vector<std::byte> block(4096);
  EXPECT_EQ(to_string({5, Rread{.data = block}}), "Rread tag 5 count 4096");
  EXPECT_EQ(to_string({2, Rlerror{.ecode = 2}}), "Rlerror tag 2 ecode 2");
  EXPECT_EQ(to_string({NOTAG, Tversion{.msize = 8192, .version = "9P2000.L"}}),
            "Tversion tag 65535 msize 8192 version '9P2000.L'");
  EXPECT_EQ(to_string({1, Rclunk{}}), "Rclunk tag 1");
  EXPECT_EQ(to_string({4, Twrite{.fid = 7, .offset = 100, .data = test::kPayload}}),
            "Twrite tag 4 fid 7 offset 100 count 5");
}

TEST(Print, ModeInOctalFlagsInHex) {
  EXPECT_EQ(to_string({5, Tlcreate{.fid = 3, .name = "a.txt", .flags = 0x8241, .mode = 0644, .gid = 100}}),
            "Tlcreate tag 5 fid 3 name 'a.txt' flags 0x8241 mode 0644 gid 100");
  EXPECT_EQ(to_string({6, Tgetattr{.fid = 7, .request_mask = GETATTR_BASIC}}),
            "Tgetattr tag 6 fid 7 request_mask 0x7ff");
}

TEST(Print, Qids) {
  EXPECT_EQ(to_string({3, Rwalk{.wqids = {Qid{QTDIR, 0, 0x11}, Qid{QTFILE, 7, 0x0102030405060708}}}}),
            "Rwalk tag 3 nwqid 2 [(0000000000000011 0 d), (0102030405060708 7)]");
  EXPECT_EQ(to_string({1, Rattach{.qid = {QTSYMLINK, 2, 3}}}), "Rattach tag 1 qid (0000000000000003 2 L)");
}

TEST(Print, EscapesControlBytesAndQuotes) {
  EXPECT_EQ(to_string({1, Treadlink{.fid = 1}}), "Treadlink tag 1 fid 1");
  EXPECT_EQ(to_string({1, Rreadlink{.target = std::string_view("a\nb'\0c", 6)}}),
            "Rreadlink tag 1 target 'a\\x0ab\\x27\\x00c'");
  EXPECT_EQ(to_string({1, Twalk{.fid = 1, .newfid = 1, .wnames = {"\x01"}}}),
            "Twalk tag 1 fid 1 newfid 1 nwname 1 [\\x01]");
}

TEST(Print, EveryMessageStartsWithItsNameAndTag) {
  for (const Fcall& f : test::all_messages()) {
    const std::string line = to_string(f);
    const std::string prefix = std::string(msg_name(f.type())) + " tag " + std::to_string(f.tag);
    EXPECT_EQ(line.substr(0, prefix.size()), prefix) << line;
  }
}

TEST(Print, MsgNameOfUnknownTypeIsEmpty) {
  EXPECT_EQ(msg_name(MsgType::Tgetattr), "Tgetattr");
  EXPECT_EQ(msg_name(static_cast<MsgType>(112)), "");
}

}  // namespace
}  // namespace p9
