// Malformed input: each frame below, written by hand, must give exactly the named DecodeError.
#include <gtest/gtest.h>

#include <cerrno>
#include <set>
#include <string>

#include "proto/codec.h"
#include "tests/proto/frame_bytes.h"

namespace p9 {
namespace {

using test::from_hex;

std::string repeat(std::string_view s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

struct Malformed {
  const char* name;
  std::string hex;
  DecodeError error;
  uint32_t msize = 8192;
  Direction expect = Direction::Any;
};

void PrintTo(const Malformed& m, std::ostream* os) { *os << m.name; }

const Malformed kMalformed[] = {
    {"EmptyBuffer", "", DecodeError::FrameTooShort},
    {"SixBytes", "07000000 78 01", DecodeError::FrameTooShort},
    {"SizeFieldSix", "06000000 78 0100", DecodeError::SizeTooSmall},
    {"SizeFieldZero", "00000000 78 0100", DecodeError::SizeTooSmall},
    {"SizeAboveMsize", "0b000000 78 0100 01000000", DecodeError::SizeTooLarge, 10},
    {"SizeField4GiB", "ffffffff 78 0100 01000000", DecodeError::SizeTooLarge},
    {"SizeBeyondBuffer", "0c000000 78 0100 01000000", DecodeError::SizeMismatch},
    {"SizeShortOfBuffer", "0a000000 78 0100 01000000", DecodeError::SizeMismatch},
    // Tclunk whose fid has 2 of its 4 bytes.
    {"FixedFieldCut", "09000000 78 0100 0100", DecodeError::Truncated},
    // Twalk, 1 name of declared length 10 with 3 bytes present.
    {"StringLongerThanFrame", "16000000 6e 0100 01000000 02000000 0100 0a00 616263",
     DecodeError::Truncated},
    // Tversion whose string length has 1 of its 2 bytes.
    {"StringLengthCut", "0c000000 64 ffff 00200000 08", DecodeError::Truncated},
    // Twalk claiming 3 names, carrying 1.
    {"WalkCountOverrunsFrame", "14000000 6e 0100 01000000 02000000 0300 0100 61",
     DecodeError::Truncated},
    // Twrite claiming 100 bytes, carrying 4.
    {"WriteCountOverrunsFrame", "1b000000 76 0100 01000000 0000000000000000 64000000 61626364",
     DecodeError::Truncated},
    // Rread claiming 4 GiB, carrying 2 bytes.
    {"ReadCount4GiB", "0d000000 75 0100 ffffffff 6162", DecodeError::Truncated},
    // Rreaddir claiming 5 bytes of entries, carrying 2.
    {"ReaddirCountOverrunsFrame", "0d000000 29 0100 05000000 6162", DecodeError::Truncated},
    // Rattach whose qid has 12 of its 13 bytes.
    {"QidCut", "13000000 69 0100 80 00000000 01000000000000", DecodeError::Truncated},
    // Twalk with 17 names "a": 7 + 4 + 4 + 2 + 17 * 3 = 68 bytes.
    {"SeventeenWalkNames", "44000000 6e 0500 01000000 02000000 1100" + repeat(" 0100 61", 17),
     DecodeError::TooManyWalkElements},
    // The count alone says too many, before any name is read.
    {"SeventeenWalkNamesCountOnly", "11000000 6e 0500 01000000 02000000 1100",
     DecodeError::TooManyWalkElements},
    // Rwalk with 17 qids: 7 + 2 + 17 * 13 = 230 bytes.
    {"SeventeenWalkQids", "e6000000 6f 0500 1100" + repeat(" 80 01000000 0200000000000000", 17),
     DecodeError::TooManyWalkElements},
    // Topen (112) is 9P2000, not 9P2000.L.
    {"Topen", "0b000000 70 0600 01000000", DecodeError::UnknownType},
    {"TypeZero", "07000000 00 0600", DecodeError::UnknownType},
    {"Tlerror", "0b000000 06 0600 02000000", DecodeError::UnknownType},
    {"TypeFF", "07000000 ff 0600", DecodeError::UnknownType},
    {"TrailingByte", "0c000000 78 0700 01000000 ff", DecodeError::TrailingBytes},
    {"TrailingByteAfterEmptyBody", "08000000 79 0700 00", DecodeError::TrailingBytes},
    {"ReplyWhereRequestExpected", "07000000 79 0800", DecodeError::UnexpectedReply, 8192,
     Direction::Request},
    {"RequestWhereReplyExpected", "0b000000 78 0800 01000000", DecodeError::UnexpectedRequest, 8192,
     Direction::Reply},
};

class MalformedFrame : public ::testing::TestWithParam<Malformed> {};

TEST_P(MalformedFrame, GivesTheExactError) {
  const Malformed& m = GetParam();
  const auto frame = from_hex(m.hex);
  const DecodeResult r = decode(frame, m.msize, m.expect);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), m.error) << describe(r.error());
}

// Every answerable error must come with the tag to answer on (the second byte pair after size+type).
TEST_P(MalformedFrame, AnswerableErrorsCarryTheTag) {
  const Malformed& m = GetParam();
  const auto frame = from_hex(m.hex);
  const DecodeResult r = decode(frame, m.msize, m.expect);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.header().has_value(), frame.size() >= HEADER_SIZE);
  if (is_fatal(r.error())) return;
  ASSERT_TRUE(r.header().has_value());
  EXPECT_EQ(r.header()->tag, static_cast<uint16_t>(frame[5]) | static_cast<uint16_t>(frame[6]) << 8);
  EXPECT_EQ(static_cast<uint8_t>(r.header()->type), static_cast<uint8_t>(frame[4]));
}

INSTANTIATE_TEST_SUITE_P(HandWritten, MalformedFrame, ::testing::ValuesIn(kMalformed),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(DecodeError, FatalOnlyWhenFramingIsLost) {
  EXPECT_TRUE(is_fatal(DecodeError::FrameTooShort));
  EXPECT_TRUE(is_fatal(DecodeError::SizeTooSmall));
  EXPECT_TRUE(is_fatal(DecodeError::SizeTooLarge));
  EXPECT_TRUE(is_fatal(DecodeError::SizeMismatch));
  EXPECT_FALSE(is_fatal(DecodeError::Truncated));
  EXPECT_FALSE(is_fatal(DecodeError::UnknownType));
  EXPECT_FALSE(is_fatal(DecodeError::TooManyWalkElements));
  EXPECT_FALSE(is_fatal(DecodeError::TrailingBytes));
  EXPECT_FALSE(is_fatal(DecodeError::UnexpectedReply));
  EXPECT_FALSE(is_fatal(DecodeError::UnexpectedRequest));
}

TEST(DecodeError, ErrnoForRlerror) {
  EXPECT_EQ(errno_for(DecodeError::UnknownType), EOPNOTSUPP);
  EXPECT_EQ(errno_for(DecodeError::TooManyWalkElements), EINVAL);
  EXPECT_EQ(errno_for(DecodeError::Truncated), EPROTO);
  EXPECT_EQ(errno_for(DecodeError::TrailingBytes), EPROTO);
  EXPECT_EQ(errno_for(DecodeError::UnexpectedReply), EPROTO);
  EXPECT_EQ(errno_for(DecodeError::SizeTooLarge), EMSGSIZE);
}

TEST(DecodeError, DescriptionsAreDistinct) {
  std::set<std::string_view> seen;
  for (int e = 0; e <= static_cast<int>(DecodeError::UnexpectedRequest); ++e)
    EXPECT_TRUE(seen.insert(describe(static_cast<DecodeError>(e))).second) << e;
}

TEST(FrameSize, ReadsAndValidatesTheSizeField) {
  EXPECT_EQ(frame_size(from_hex("0b0000"), 8192).error, DecodeError::FrameTooShort);
  EXPECT_EQ(frame_size(from_hex("06000000"), 8192).error, DecodeError::SizeTooSmall);
  EXPECT_EQ(frame_size(from_hex("01200000"), 8192).error, DecodeError::SizeTooLarge);
  EXPECT_EQ(frame_size(from_hex("ffffffff"), 8192).error, DecodeError::SizeTooLarge);
  const FrameSize ok = frame_size(from_hex("00200000 64"), 8192);
  EXPECT_TRUE(ok.ok());
  EXPECT_EQ(ok.size, 8192u);
  EXPECT_EQ(frame_size(from_hex("07000000"), 8192).size, 7u);
}

}  // namespace
}  // namespace p9
