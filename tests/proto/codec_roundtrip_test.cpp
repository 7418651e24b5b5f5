#include <gtest/gtest.h>

#include <set>

#include "proto/codec.h"
#include "proto/print.h"
#include "tests/proto/all_messages.h"
#include "tests/proto/frame_bytes.h"

namespace p9 {
namespace {

TEST(RoundTrip, ListCoversEveryMessage) {
  std::set<std::size_t> kinds;
  for (const Fcall& f : test::all_messages()) kinds.insert(f.msg.index());
  EXPECT_EQ(kinds.size(), std::variant_size_v<Message>);
}

TEST(RoundTrip, EveryMessageDecodesToItself) {
  for (const Fcall& f : test::all_messages()) {
    SCOPED_TRACE(to_string(f));
    const auto frame = test::encode_to_vector(f);
    ASSERT_EQ(frame.size(), encoded_size(f));
    const DecodeResult r = decode(frame, static_cast<uint32_t>(frame.size()));
    ASSERT_TRUE(r.ok()) << describe(r.error());
    EXPECT_EQ(r.fcall(), f);
    EXPECT_EQ(r.fcall().type(), type_of(f.msg));
  }
}

TEST(RoundTrip, DirectionIsCheckedByTypeParity) {
  for (const Fcall& f : test::all_messages()) {
    SCOPED_TRACE(to_string(f));
    const auto frame = test::encode_to_vector(f);
    const bool request = is_request(f.type());
    EXPECT_EQ(decode(frame, 8192, Direction::Request).ok(), request);
    EXPECT_EQ(decode(frame, 8192, Direction::Reply).ok(), !request);
  }
}

TEST(RoundTrip, StringsAndDataAreViewsIntoTheFrame) {
  const auto frame = test::encode_to_vector({1, Twrite{.fid = 1, .offset = 0, .data = test::kPayload}});
  const DecodeResult r = decode(frame, 8192);
  ASSERT_TRUE(r.ok());
  const auto& data = std::get<Twrite>(r.fcall().msg).data.bytes;
  EXPECT_EQ(data.data(), frame.data() + frame.size() - test::kPayload.size());
}

TEST(RoundTrip, MaximalWalkOf16Names) {
  Twalk w{.fid = 1, .newfid = 2, .wnames = {}};
  for (int i = 0; i < 16; ++i) ASSERT_TRUE(w.wnames.push_back("x"));
  EXPECT_FALSE(w.wnames.push_back("17th"));
  const Fcall f{1, w};
  const auto frame = test::encode_to_vector(f);
  const DecodeResult r = decode(frame, 8192);
  ASSERT_TRUE(r.ok()) << describe(r.error());
  EXPECT_EQ(r.fcall(), f);
}

TEST(Encode, RefusesTooSmallBuffer) {
  const Fcall f{1, Tattach{.fid = 1, .afid = NOFID, .uname = "u", .aname = "a", .n_uname = 0}};
  std::vector<std::byte> out(encoded_size(f) - 1);
  EXPECT_EQ(encode(f, out), 0u);
  EXPECT_EQ(encode_head(f, out), 0u);
}

TEST(Encode, RefusesStringLongerThanItsLengthField) {
  const std::string huge(70000, 'x');
  const Fcall f{1, Rreadlink{.target = huge}};
  std::vector<std::byte> out(encoded_size(f));
  EXPECT_EQ(encode(f, out), 0u);
}

// The head followed by the payload must be byte-for-byte the full frame.
class EncodeHead : public ::testing::TestWithParam<Fcall> {};

TEST_P(EncodeHead, HeadPlusPayloadIsTheFullFrame) {
  const Fcall& f = GetParam();
  const auto payload = trailing_data(f);
  ASSERT_EQ(payload.size(), test::kPayload.size());
  std::vector<std::byte> joined(encoded_size(f) - payload.size());
  ASSERT_EQ(encode_head(f, joined), joined.size());
  joined.insert(joined.end(), payload.begin(), payload.end());
  EXPECT_EQ(joined, test::encode_to_vector(f));
}

INSTANTIATE_TEST_SUITE_P(
    DataMessages, EncodeHead,
    ::testing::Values(Fcall{1, Rread{.data = test::kPayload}}, Fcall{2, Rreaddir{.data = test::kPayload}},
                      Fcall{3, Twrite{.fid = 9, .offset = 10, .data = test::kPayload}}),
    [](const auto& info) { return std::string(msg_name(info.param.type())); });

TEST(EncodeHead, WithoutDataIsTheWholeFrame) {
  const Fcall f{4, Tclunk{.fid = 3}};
  EXPECT_TRUE(trailing_data(f).empty());
  std::vector<std::byte> head(encoded_size(f));
  ASSERT_EQ(encode_head(f, head), head.size());
  EXPECT_EQ(head, test::encode_to_vector(f));
}

}  // namespace
}  // namespace p9
