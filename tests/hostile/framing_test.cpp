// Frames that lie about their size, types nobody speaks, bodies that do not parse, and everything a
// client can get wrong about Tversion. A frame whose boundary cannot be trusted closes that one
// connection; a bad request inside a good frame gets Rlerror and the connection goes on.
#include <cerrno>
#include <string>

#include "tests/hostile/hostile_fixture.h"

namespace p9::hostile {
namespace {

// Type bytes of the codec's messages, for hand-made frames.
constexpr uint8_t type_of(MsgType t) { return static_cast<uint8_t>(t); }

// Default --msize: 1 MiB of payload plus 4 KiB.
constexpr uint32_t kServerMaxMsize = 1024 * 1024 + 4096;

// A Tgetattr of the root, to show a connection still works after a refused request.
void expect_still_serving(RawClient& c) {
  auto r = c.call(Fcall{77, Tgetattr{kRoot, GETATTR_BASIC}});
  EXPECT_EQ(r.type(), MsgType::Rgetattr);
}

class Framing : public HostileTest {};

TEST_F(Framing, SizeFieldBelowTheHeaderClosesTheConnection) {
  for (uint32_t size : {0u, 1u, 4u, 6u}) {
    auto c = attached();
    c->send_bytes(FrameBuilder().u32(0).frame(type_of(MsgType::Tclunk), 5, size));
    EXPECT_TRUE(c->closed_by_server()) << "size field " << size;
  }
  // Before Tversion as well.
  auto c = raw();
  c->send_bytes(FrameBuilder().frame(type_of(MsgType::Tversion), NOTAG, 3));
  EXPECT_TRUE(c->closed_by_server());
}

TEST_F(Framing, FrameLargerThanTheNegotiatedMsizeClosesTheConnection) {
  auto c = attached("main", 0, 8192);
  // Only the size field is sent: the server must judge the frame by it, not wait for 8 KiB.
  c->send_bytes(FrameBuilder().frame(type_of(MsgType::Twrite), 5, 8193));
  EXPECT_TRUE(c->closed_by_server());
  EXPECT_NE(server().log().find("closing the connection"), std::string::npos);
}

TEST_F(Framing, FrameLargerThanTheServerMaximumBeforeVersionClosesTheConnection) {
  auto c = raw();
  c->send_bytes(FrameBuilder().frame(type_of(MsgType::Tversion), NOTAG, kServerMaxMsize + 1));
  EXPECT_TRUE(c->closed_by_server());
}

TEST_F(Framing, FourGibibyteFrameIsRefusedWithoutAllocatingIt) {
  // The fixture's VmRSS bound shows nothing near 4 GiB was allocated.
  for (bool versioned : {false, true}) {
    auto c = versioned ? attached() : raw();
    c->send_bytes(FrameBuilder().u32(kRoot).frame(type_of(MsgType::Twrite), 5, 0xFFFFFFFF));
    EXPECT_TRUE(c->closed_by_server());
  }
}

TEST_F(Framing, TruncatedFramesThenCloseLeaveNothingBehind) {
  const Bytes whole = FrameBuilder().u32(kRoot).u64(0).u32(100).raw(std::string(100, 'x'))
                          .frame(type_of(MsgType::Twrite), 5);
  // Cut inside the size field, inside the header, and inside the body.
  for (std::size_t cut : {std::size_t{2}, std::size_t{6}, whole.size() / 2, whole.size() - 1}) {
    auto c = attached();
    c->send_bytes(std::span(whole).first(cut));
    c->close();
  }
  // Before Tversion too; the fixture checks every descriptor is closed.
  auto c = raw();
  c->send_bytes(std::span(whole).first(3));
}

TEST_F(Framing, UnknownMessageTypesGetEopnotsupp) {
  auto c = attached();
  // 0, Tlerror (never sent), 9P2000's Topen/Tcreate/Tstat/Twstat, and numbers no one uses.
  for (uint8_t type : {0, 6, 98, 112, 114, 124, 126, 200, 254}) {
    const auto r = exchange(*c, FrameBuilder().u32(kRoot).frame(type, 9), 9);
    EXPECT_EQ(rlerror_of(r), uint32_t{EOPNOTSUPP}) << "type " << int{type};
  }
  expect_still_serving(*c);
}

TEST_F(Framing, ReplyMessagesSentAsRequestsGetEproto) {
  auto c = attached();
  for (MsgType type : {MsgType::Rlerror, MsgType::Rversion, MsgType::Rattach, MsgType::Rread}) {
    const auto r = exchange(*c, FrameBuilder().u32(0).frame(type_of(type), 9), 9);
    EXPECT_EQ(rlerror_of(r), uint32_t{EPROTO}) << msg_name(type);
  }
  expect_still_serving(*c);
}

TEST_F(Framing, MalformedBodiesGetEprotoAndTheConnectionGoesOn) {
  auto c = attached();
  const uint8_t walk = type_of(MsgType::Twalk);
  const uint8_t clunk = type_of(MsgType::Tclunk);
  const Bytes cases[] = {
      // A name whose length runs past the end of the frame.
      FrameBuilder().u32(kRoot).u32(2).u16(1).u16(100).raw("abc").frame(walk, 9),
      // A name count larger than the names present.
      FrameBuilder().u32(kRoot).u32(2).u16(3).str("a").frame(walk, 9),
      // A fid field cut short, and bytes after the last field.
      FrameBuilder().u16(1).frame(clunk, 9),
      FrameBuilder().u32(12345).u8(0).frame(clunk, 9),
      // A Twrite whose count claims more data than the frame holds, and one that claims less.
      FrameBuilder().u32(kRoot).u64(0).u32(1000).raw("short").frame(type_of(MsgType::Twrite), 9),
      FrameBuilder().u32(kRoot).u64(0).u32(2).raw("long!").frame(type_of(MsgType::Twrite), 9),
  };
  for (const Bytes& frame : cases) EXPECT_EQ(rlerror_of(exchange(*c, frame, 9)), uint32_t{EPROTO});
  expect_still_serving(*c);
}

TEST_F(Framing, SeventeenWalkNamesGetEinval) {
  auto c = attached();
  FrameBuilder b;
  b.u32(kRoot).u32(2).u16(17);
  for (int i = 0; i < 17; ++i) b.str(".");
  EXPECT_EQ(rlerror_of(exchange(*c, b.frame(type_of(MsgType::Twalk), 9), 9)), uint32_t{EINVAL});
  // Nothing was made of newfid 2; 16 names are fine.
  EXPECT_EQ(err(*c, Fcall{10, Tclunk{2}}), uint32_t{EBADF});
  Twalk sixteen{kRoot, 2, {}};
  for (int i = 0; i < 16; ++i) sixteen.wnames.push_back(i % 2 ? "." : "..");
  EXPECT_EQ(c->call(Fcall{11, sixteen}).as<Rwalk>().wqids.size(), 16u);
}

TEST_F(Framing, RequestsBeforeVersionGetEproto) {
  auto c = raw();
  EXPECT_EQ(err(*c, Fcall{1, Tattach{kRoot, NOFID, "", "main", 0}}), uint32_t{EPROTO});
  EXPECT_EQ(err(*c, Fcall{2, Tgetattr{kRoot, GETATTR_BASIC}}), uint32_t{EPROTO});
  EXPECT_EQ(err(*c, Fcall{3, Tstatfs{kRoot}}), uint32_t{EPROTO});
  // Then the client can still negotiate and work.
  EXPECT_EQ(c->version().version, "9P2000.L");
  c->attach(kRoot);
  expect_still_serving(*c);
}

TEST_F(Framing, HugeVersionMsizeIsCappedAtTheServerMaximum) {
  auto c = raw();
  const Rversion v = c->version(0xFFFFFFFF);
  EXPECT_EQ(v.version, "9P2000.L");
  EXPECT_EQ(v.msize, kServerMaxMsize);
}

TEST_F(Framing, VersionsTheServerDoesNotSpeakGetUnknown) {
  const std::string weird[] = {"", "9P2000", "9P2000.u", "9P2000.Lx", "9p2000.L", "9P2000.l",
                               std::string("9P2000.L\0", 9), std::string("9P2000.L\0.x", 11),
                               std::string(60000, 'L'), "\xff\xfe" "9P2000.L"};
  for (const std::string& version : weird) {
    auto c = raw();
    EXPECT_EQ(c->version(kRawMsize, version).version, "unknown") << version.substr(0, 20);
    // Nothing is negotiated: requests are refused until a good Tversion.
    EXPECT_EQ(err(*c, Fcall{1, Tattach{kRoot, NOFID, "", "main", 0}}), uint32_t{EPROTO});
    EXPECT_EQ(c->version().version, "9P2000.L");
  }
  // Documented: "9P2000.L.<anything>" is answered "9P2000.L" (version(5) extensions).
  EXPECT_EQ(raw()->version(kRawMsize, "9P2000.L.future").version, "9P2000.L");
}

TEST_F(Framing, SmallVersionMsizeIsHonouredForEveryReply) {
  // Linux never offers less than 4096, but nothing stops another client. Whatever the server
  // answers, no reply may then exceed the msize it agreed to.
  auto c = raw();
  const Rversion v = c->version(512);
  ASSERT_EQ(v.version, "9P2000.L");
  ASSERT_LE(v.msize, 512u);
  c->attach(kRoot);
  auto r = c->call(Fcall{2, Tgetattr{kRoot, GETATTR_ALL}});
  EXPECT_EQ(r.type(), MsgType::Rgetattr);
  // A Tread asking for more than fits is cut to msize - IOHDRSZ.
  c->call(Fcall{3, Twalk{kRoot, 2, {kProbePath}}});
  c->call(Fcall{4, Tlopen{2, DOTL_RDONLY}});
  auto data = c->call(Fcall{5, Tread{2, 0, 100000}});
  EXPECT_LE(data.as<Rread>().data.size(), v.msize - IOHDRSZ);
}

TEST_F(Framing, VersionMsizeTooSmallForAnyFrameIsNeverAgreed) {
  // Below the 7-byte header, or too small for Rversion itself (21 bytes). Refusing ("unknown" or
  // Rlerror) is the server's call; agreeing to "9P2000.L" with an msize no frame fits in is not: the
  // client would take the session as negotiated.
  for (uint32_t msize : {0u, 1u, 6u, 16u}) {
    auto c = raw();
    c->send(Fcall{NOTAG, Tversion{msize, "9P2000.L"}});
    auto r = c->receive(2s);
    if (!r) continue;  // closing the connection is a refusal too
    EXPECT_EQ(r->tag(), NOTAG) << "msize " << msize;
    if (const auto* v = std::get_if<Rversion>(&r->fcall().msg)) {
      EXPECT_LE(v->msize, msize) << "the server agreed to more than the client offered";
      if (v->version == "9P2000.L") {
        EXPECT_GE(v->msize, HEADER_SIZE) << "agreed to 9P2000.L with msize " << v->msize;
      }
    }
  }
}

TEST_F(Framing, VersionResetsEveryFid) {
  auto c = attached();
  c->call(Fcall{2, Twalk{kRoot, 2, {kProbePath}}});
  EXPECT_EQ(c->version().version, "9P2000.L");
  EXPECT_EQ(err(*c, Fcall{3, Tgetattr{kRoot, GETATTR_BASIC}}), uint32_t{EBADF});
  EXPECT_EQ(err(*c, Fcall{4, Tgetattr{2, GETATTR_BASIC}}), uint32_t{EBADF});
  // The numbers are free again.
  c->attach(kRoot);
  expect_still_serving(*c);
}

TEST_F(Framing, VersionWithAnOrdinaryTagIsAnsweredOnThatTag) {
  auto c = raw();
  auto r = c->call(Fcall{42, Tversion{kRawMsize, "9P2000.L"}});
  EXPECT_EQ(r.as<Rversion>().version, "9P2000.L");
}

}  // namespace
}  // namespace p9::hostile
