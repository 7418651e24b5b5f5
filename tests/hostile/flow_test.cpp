// Load a client can put on one connection: ten thousand requests in flight, replies never read,
// frames trickled a byte at a time, a thousand connections opened and dropped. The server must
// apply back-pressure instead of buffering, and keep serving everyone else meanwhile.
#include <poll.h>
#include <sys/socket.h>

#include <atomic>
#include <cerrno>
#include <iostream>
#include <set>
#include <thread>

#include "tests/hostile/eventually.h"
#include "tests/hostile/hostile_fixture.h"

namespace p9::hostile {
namespace {

using server::testing::encode_frame;

class Flow : public HostileTest {};

TEST_F(Flow, TenThousandRequestsInFlightAreAllAnsweredOnce) {
  constexpr uint16_t kRequests = 10000;
  auto c = attached();
  // The sender pipelines every request without reading; it stalls once the server stops reading
  // (its --max-inflight is 32), and the replies are read only then.
  std::atomic<uint16_t> sent{0};
  std::thread sender([&] {
    for (uint16_t tag = 0; tag < kRequests; ++tag) {
      c->send(Fcall{tag, Tgetattr{kRoot, GETATTR_ALL}});
      sent = static_cast<uint16_t>(tag + 1);
    }
  });
  uint16_t seen = 0;
  eventually([&] {
    const bool still = sent == seen;
    seen = sent;
    return sent == kRequests || (still && seen > 0);
  });
  std::cout << "requests written before the first reply was read: " << seen << "\n";
  std::set<uint16_t> answered;
  for (int i = 0; i < kRequests; ++i) {
    auto r = c->receive();
    if (!r) break;
    EXPECT_EQ(r->type(), MsgType::Rgetattr);
    EXPECT_TRUE(answered.insert(r->tag()).second) << "tag " << r->tag() << " answered twice";
  }
  sender.join();
  EXPECT_EQ(answered.size(), kRequests);
  EXPECT_TRUE(c->silent(50ms));
}

TEST_F(Flow, AClientThatNeverReadsIsThrottledNotBuffered) {
  // Each 23-byte Tread asks for 1 MiB. Read without limit, 60000 of them would be 60 GiB of replies.
  write_file(*client(), "big", std::string(1 << 20, 'b'));
  auto c = attached("main", 0, client::DEFAULT_MSIZE);
  c->call(Fcall{1, Twalk{kRoot, 2, {"big"}}});
  c->call(Fcall{1, Tlopen{2, DOTL_RDONLY}});
  const uint64_t rss_before = server().rss_kib();

  int sent = 0;
  bool stalled = false;
  while (sent < 60000 && !stalled) {
    const Bytes frame = encode_frame(Fcall{static_cast<uint16_t>(sent), Tread{2, 0, 1 << 20}});
    const ssize_t n = ::send(c->fd(), frame.data(), frame.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n == static_cast<ssize_t>(frame.size())) {
      ++sent;
      continue;
    }
    ASSERT_TRUE(n < 0 && errno == EAGAIN) << "a partial send cannot be resumed here";
    // Both socket buffers are full: the server has stopped reading, unless it drains them soon.
    pollfd p{c->fd(), POLLOUT, 0};
    stalled = ::poll(&p, 1, 500) == 0;
  }
  EXPECT_TRUE(stalled) << "the server kept reading " << sent << " requests it could not answer";
  std::cout << "requests written before the server stopped reading: " << sent << "\n";

  // Its memory holds a bounded number of replies, and everyone else is still served.
  const uint64_t rss_stalled = server().rss_kib();
  std::cout << "VmRSS while stalled: " << rss_stalled << " KiB, " << rss_before << " KiB before\n";
  EXPECT_LT(rss_stalled, rss_before + 64 * 1024);
  EXPECT_EQ(client()->stat(kProbePath).size, kProbeText.size());
  // The client then leaves without reading anything; the fixture checks the session ends.
}

TEST_F(Flow, SlowlorisFramesDoNotHoldUpAnyoneElse) {
  // Three connections send frames one byte at a time, every 100 ms: a Tversion, a Twalk after
  // version, and a header that never completes. Between the bytes another client works normally.
  auto versioning = raw();
  auto walking = attached();
  auto stuck = raw();
  const Bytes version = encode_frame(Fcall{NOTAG, Tversion{kRawMsize, "9P2000.L"}});
  const Bytes walk = encode_frame(Fcall{3, Twalk{kRoot, 2, {kProbePath}}});
  stuck->send_bytes(std::span(version).first(3));
  auto other = client();
  for (std::size_t i = 0; i + 1 < std::max(version.size(), walk.size()); ++i) {
    if (i + 1 < version.size()) versioning->send_bytes(std::span(version).subspan(i, 1));
    if (i + 1 < walk.size()) walking->send_bytes(std::span(walk).subspan(i, 1));
    EXPECT_EQ(other->stat(kProbePath).size, kProbeText.size());
    std::this_thread::sleep_for(100ms);  // the attack's pace, not a wait for the server
  }
  // Nothing is answered before a frame is whole; the last byte completes each.
  EXPECT_TRUE(versioning->silent(10ms));
  versioning->send_bytes(std::span(version).last(1));
  walking->send_bytes(std::span(walk).last(1));
  auto v = versioning->receive();
  ASSERT_TRUE(v);
  EXPECT_EQ(v->as<Rversion>().version, "9P2000.L");
  auto w = walking->receive();
  ASSERT_TRUE(w);
  EXPECT_EQ(w->as<Rwalk>().wqids.size(), 1u);
  // The stuck header is still pending and harmless; it goes when its connection does.
  EXPECT_TRUE(stuck->silent(10ms));
}

TEST_F(Flow, AThousandConnectionsOpenedAndDropped) {
  const Bytes version = encode_frame(Fcall{NOTAG, Tversion{kRawMsize, "9P2000.L"}});
  for (int batch = 0; batch < 10; ++batch) {
    // A hundred at once, in every state a dropped connection can be in.
    std::vector<std::unique_ptr<RawClient>> open;
    for (int i = 0; i < 100; ++i) {
      const bool tcp = i % 2 != 0;
      auto c = raw(tcp);
      switch (i % 5) {
        case 0: break;  // connected, silent
        case 1: c->send_bytes(std::span(version).first(5)); break;  // inside a header
        case 2: c->send_bytes(version); break;                      // reply never read
        case 3:
          c->version();
          c->attach(kRoot);
          c->call(Fcall{1, Twalk{kRoot, 2, {kProbePath}}});
          c->call(Fcall{1, Tlopen{2, DOTL_RDWR}});
          break;
        case 4:  // requests in flight when the connection goes
          c->version();
          c->attach(kRoot);
          c->send(Fcall{1, Twalk{kRoot, 2, {kProbePath}}});
          c->send(Fcall{2, Tstatfs{kRoot}});
          break;
      }
      open.push_back(std::move(c));
    }
  }
  EXPECT_EQ(client()->stat(kProbePath).size, kProbeText.size());
}

}  // namespace
}  // namespace p9::hostile
