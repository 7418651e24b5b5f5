// PathClient through SyncClient against the fake server: which requests each operation sends, with
// which fids, offsets and sizes, and how it reacts to the answers.
#include "client/path_client.h"

#include <gtest/gtest.h>

#include <sys/xattr.h>

#include <cerrno>
#include <future>
#include <memory>
#include <set>

#include "client/error.h"
#include "client/sync_client.h"
#include "proto/dirent.h"
#include "tests/client/fake_server.h"

namespace p9::client {
namespace {

using testing::FakeServer;
using testing::Request;

// An operation of the client running on its own thread while the test plays the server. Should the
// test end (fail) before get(), the fake server's end is closed first so the operation fails instead
// of waiting for a reply forever.
template <class T>
class Background {
 public:
  Background(FakeServer& server, std::future<T> future) : server_(server), future_(std::move(future)) {}
  Background(Background&&) = default;
  ~Background() {
    if (future_.valid()) server_.close();
  }
  T get() { return future_.get(); }

 private:
  FakeServer& server_;
  std::future<T> future_;
};

int errno_thrown(auto& operation) {
  try {
    operation.get();
  } catch (const std::system_error& e) {
    return errno_of(e);
  }
  return 0;
}

std::vector<std::byte> pattern(std::size_t n) {
  std::vector<std::byte> bytes(n);
  for (std::size_t i = 0; i < n; ++i) bytes[i] = static_cast<std::byte>((i * 131) >> 3);
  return bytes;
}

struct PathClientTest : ::testing::Test {
  FakeServer server;
  std::unique_ptr<SyncClient> fs;  // destroyed first: closes the connection the fake serves

  template <class F>
  auto in_background(F f) {
    return Background(server, std::async(std::launch::async, std::move(f)));
  }

  void connect(uint32_t msize) {
    auto made = in_background([this, msize] {
      return std::make_unique<SyncClient>(server.take_client_fd(), AttachOptions{.msize = msize, .n_uname = 1000});
    });
    answer_with_handshake();  // Tversion
    const Request attach = receive();
    EXPECT_EQ(attach.as<Tattach>().n_uname, 1000u);
    EXPECT_EQ(attach.as<Tattach>().afid, NOFID);
    server.reply(attach.fcall.tag, Rattach{});
    fs = made.get();
  }

  Request receive() {
    std::optional<Request> request = server.receive();
    if (!request) throw std::runtime_error("no request");
    return std::move(*request);
  }

  Request answer_with_handshake() {
    Request request = receive();
    const std::optional<Message> reply = testing::handshake_reply(request);
    EXPECT_TRUE(reply) << "unexpected " << msg_name(request.fcall.type());
    if (reply) server.reply(request.fcall.tag, *reply);
    return request;
  }
};

TEST_F(PathClientTest, AttachFailureIsThrownByTheConstructor) {
  auto made = in_background(
      [this] { return std::make_unique<SyncClient>(server.take_client_fd(), AttachOptions{.msize = 8192}); });
  answer_with_handshake();
  const Request attach = receive();
  server.reply(attach.fcall.tag, Rlerror{.ecode = EACCES});
  EXPECT_EQ(errno_thrown(made), EACCES);
}

TEST_F(PathClientTest, ReaddirFollowsEachEntrysOffsetAcrossReplies) {
  connect(8192 + IOHDRSZ);
  auto listing = in_background([this] { return fs->list("/d"); });
  const uint32_t dir = answer_with_handshake().as<Twalk>().newfid;
  const Request open = receive();
  EXPECT_EQ(open.as<Tlopen>().fid, dir);
  server.reply(open.fcall.tag, Rlopen{.qid = {.type = QTDIR, .version = 0, .path = 2}, .iounit = 0});

  // Cookies are opaque: the client must continue from the last entry's offset, not count entries.
  const std::vector<std::vector<std::pair<std::string_view, uint64_t>>> pages = {
      {{".", 100}, {"..", 7}, {"a", 42}}, {{"b", 5}, {"c", 9}}, {}};
  uint64_t expected_offset = 0;
  for (const auto& page : pages) {
    const Request readdir = receive();
    EXPECT_EQ(readdir.as<Treaddir>().fid, dir);
    EXPECT_EQ(readdir.as<Treaddir>().offset, expected_offset);
    EXPECT_EQ(readdir.as<Treaddir>().count, 8192u);
    std::vector<std::byte> data(readdir.as<Treaddir>().count);
    DirentPacker packer(data);
    for (const auto& [name, cookie] : page) {
      const Dirent entry{.qid = {.type = 0, .version = 0, .path = cookie}, .offset = cookie, .type = 8, .name = name};
      ASSERT_TRUE(packer.add(entry));
      expected_offset = cookie;
    }
    server.reply(readdir.fcall.tag, Rreaddir{.data = packer.packed()});
  }
  const Request clunk = receive();
  EXPECT_EQ(clunk.as<Tclunk>().fid, dir);
  server.reply(clunk.fcall.tag, Rclunk{});
  const std::vector<DirEntry> entries = listing.get();
  std::vector<std::string> names;
  std::vector<uint64_t> offsets;
  for (const DirEntry& e : entries) {
    names.push_back(e.name);
    offsets.push_back(e.offset);
  }
  EXPECT_EQ(names, (std::vector<std::string>{".", "..", "a", "b", "c"}));
  EXPECT_EQ(offsets, (std::vector<uint64_t>{100, 7, 42, 5, 9}));
}

TEST_F(PathClientTest, WriteAllKeepsEightMsizeChunksInFlightAndFinishesShortWrites) {
  connect(65536 + IOHDRSZ);
  const std::vector<std::byte> data = pattern(8 * 65536 + 100);
  auto written = in_background([&] { fs->write_all(7, 0, data); });

  std::vector<std::byte> image(data.size());
  const auto apply = [&](const Request& r) {
    const Twrite& w = r.as<Twrite>();
    EXPECT_EQ(w.fid, 7u);
    EXPECT_LE(w.data.size(), 65536u);
    EXPECT_LE(w.offset + w.data.size(), image.size());
    std::copy(w.data.bytes.begin(), w.data.bytes.end(), image.begin() + static_cast<std::ptrdiff_t>(w.offset));
    return static_cast<uint32_t>(w.data.size());
  };

  // Eight Twrites arrive before any is answered.
  std::vector<Request> window;
  std::set<uint64_t> offsets;
  for (int i = 0; i < 8; ++i) {
    window.push_back(receive());
    offsets.insert(window.back().as<Twrite>().offset);
  }
  EXPECT_EQ(offsets, (std::set<uint64_t>{0, 65536, 2 * 65536, 3 * 65536, 4 * 65536, 5 * 65536, 6 * 65536, 7 * 65536}));
  for (const Request& r : window) {
    const uint32_t count = apply(r);
    // The first write is short: only 1000 bytes are taken.
    server.reply(r.fcall.tag, Rwrite{.count = r.as<Twrite>().offset == 0 ? 1000 : count});
  }
  // The rest of the short write, and the last chunk, in whichever order the client chose.
  std::set<std::pair<uint64_t, std::size_t>> rest;
  for (int i = 0; i < 2; ++i) {
    const Request r = receive();
    rest.emplace(r.as<Twrite>().offset, r.as<Twrite>().data.size());
    server.reply(r.fcall.tag, Rwrite{.count = apply(r)});
  }
  written.get();
  EXPECT_EQ(rest, (std::set<std::pair<uint64_t, std::size_t>>{{1000, 65536 - 1000}, {8 * 65536, 100}}));
  // Bytes 1000.. of the first chunk were overwritten by the retry with the same data: image == data
  // holds only if every byte was sent where it belongs.
  EXPECT_EQ(image, data);
}

TEST_F(PathClientTest, ReadFileReadsAheadAndStopsAtTheShortRead) {
  connect(8192 + IOHDRSZ);
  const std::vector<std::byte> file = pattern(3 * 8192 + 500);
  auto read = in_background([this] { return fs->read_file("/f"); });
  const uint32_t fid = answer_with_handshake().as<Twalk>().newfid;
  const Request open = receive();
  EXPECT_EQ(open.as<Tlopen>().flags, DOTL_RDONLY);
  server.reply(open.fcall.tag, Rlopen{});

  // Eight Treads arrive before any is answered; as each is answered the window moves on, until
  // the short read ends it and the file is clunked.
  std::vector<Request> window;
  for (int i = 0; i < 8; ++i) window.push_back(receive());
  const auto answer = [&](const Request& r) {
    const Tread& t = r.as<Tread>();
    EXPECT_EQ(t.fid, fid);
    EXPECT_EQ(t.count, 8192u);
    const std::size_t begin = std::min<std::size_t>(t.offset, file.size());
    const std::size_t end = std::min<std::size_t>(t.offset + t.count, file.size());
    server.reply(r.fcall.tag, Rread{.data = std::span(file).subspan(begin, end - begin)});
  };
  for (const Request& r : window) answer(r);
  for (;;) {
    const Request r = receive();
    if (r.fcall.type() == MsgType::Tread) {
      answer(r);
      continue;
    }
    EXPECT_EQ(r.as<Tclunk>().fid, fid);
    server.reply(r.fcall.tag, Rclunk{});
    break;
  }
  EXPECT_EQ(read.get(), file);
}

TEST_F(PathClientTest, LongPathsWalkSixteenNamesAtATimeAndAFailedContinuationIsClunked) {
  connect(8192);
  std::string path;
  for (int i = 0; i < 20; ++i) path += "/n" + std::to_string(i);
  auto walked = in_background([&] { return fs->walk(path); });

  const Request first = receive();
  const Twalk& w1 = first.as<Twalk>();
  EXPECT_EQ(w1.wnames.size(), 16u);
  EXPECT_EQ(w1.wnames[15], "n15");
  server.reply(first.fcall.tag, *testing::handshake_reply(first));

  const Request second = receive();
  const Twalk& w2 = second.as<Twalk>();
  EXPECT_EQ(w2.fid, w1.newfid);  // continues from the fid walked so far
  EXPECT_EQ(w2.newfid, w1.newfid);
  EXPECT_EQ(w2.wnames, (WalkNames{"n16", "n17", "n18", "n19"}));
  server.reply(second.fcall.tag, Rwalk{.wqids = {Qid{}, Qid{}}});  // stops after two names

  const Request clunk = receive();  // the fid exists (at n17) and must not leak
  EXPECT_EQ(clunk.as<Tclunk>().fid, w1.newfid);
  server.reply(clunk.fcall.tag, Rclunk{});
  EXPECT_EQ(errno_thrown(walked), ENOENT);
}

TEST_F(PathClientTest, PartialFirstWalkCreatesNoFidSoNothingIsClunked) {
  connect(8192);
  auto walked = in_background([this] { return fs->walk("/a/b"); });
  const Request walk = receive();
  server.reply(walk.fcall.tag, Rwalk{.wqids = {Qid{}}});
  EXPECT_EQ(errno_thrown(walked), ENOENT);

  auto clunked = in_background([this] { fs->clunk(77); });
  const Request next = receive();
  EXPECT_EQ(next.as<Tclunk>().fid, 77u);
  server.reply(next.fcall.tag, Rclunk{});
  clunked.get();
}

TEST_F(PathClientTest, XattrSetReportsTheErrorOfTheClunkThatAppliesIt) {
  connect(8192);
  const std::string value = "blue";
  auto set = in_background([&] { fs->xattr_set("/f", "user.colour", std::as_bytes(std::span(value)), XATTR_CREATE); });
  const uint32_t file = answer_with_handshake().as<Twalk>().newfid;
  const Request clone = answer_with_handshake();
  EXPECT_EQ(clone.as<Twalk>().fid, file);
  EXPECT_TRUE(clone.as<Twalk>().wnames.empty());
  const uint32_t xfid = clone.as<Twalk>().newfid;

  const Request create = receive();
  EXPECT_EQ(create.as<Txattrcreate>().fid, xfid);
  EXPECT_EQ(create.as<Txattrcreate>().name, "user.colour");
  EXPECT_EQ(create.as<Txattrcreate>().attr_size, value.size());
  EXPECT_EQ(create.as<Txattrcreate>().flags, uint32_t{XATTR_CREATE});
  server.reply(create.fcall.tag, Rxattrcreate{});
  const Request write = receive();
  EXPECT_EQ(write.as<Twrite>().data, Data(std::as_bytes(std::span(value))));
  server.reply(write.fcall.tag, Rwrite{.count = 4});

  const Request apply = receive();
  EXPECT_EQ(apply.as<Tclunk>().fid, xfid);
  server.reply(apply.fcall.tag, Rlerror{.ecode = ENOSPC});
  const Request clunk_file = receive();
  EXPECT_EQ(clunk_file.as<Tclunk>().fid, file);
  server.reply(clunk_file.fcall.tag, Rclunk{});
  EXPECT_EQ(errno_thrown(set), ENOSPC);
}

TEST_F(PathClientTest, XattrListSplitsTheNulSeparatedNames) {
  connect(8192);
  const std::string list("user.a\0user.bb\0security.c\0", 26);
  server.serve([&list](const Request& r) -> std::optional<Message> {
    if (const auto* w = std::get_if<Txattrwalk>(&r.fcall.msg)) {
      EXPECT_EQ(w->name, "");
      return Rxattrwalk{.size = list.size()};
    }
    if (const auto* t = std::get_if<Tread>(&r.fcall.msg)) {
      EXPECT_LE(t->offset + t->count, list.size());  // no read past the value (diod crashes on one)
      const std::size_t begin = std::min<std::size_t>(t->offset, list.size());
      const std::size_t end = std::min<std::size_t>(t->offset + t->count, list.size());
      return Rread{.data = std::as_bytes(std::span(list)).subspan(begin, end - begin)};
    }
    return testing::handshake_reply(r);
  });
  EXPECT_EQ(fs->xattr_list("/f"), (std::vector<std::string>{"user.a", "user.bb", "security.c"}));
}

TEST_F(PathClientTest, CreateTurnsTheParentsFidIntoTheNewFile) {
  connect(8192);
  auto created = in_background([this] { return fs->create("/d/new", DOTL_WRONLY, 0640, 100); });
  const Request walk = answer_with_handshake();
  EXPECT_EQ(walk.as<Twalk>().wnames, (WalkNames{"d"}));
  const Request create = receive();
  const Tlcreate& c = create.as<Tlcreate>();
  EXPECT_EQ(c.fid, walk.as<Twalk>().newfid);
  EXPECT_EQ(c.name, "new");
  EXPECT_EQ(c.flags, DOTL_WRONLY);
  EXPECT_EQ(c.mode, 0640u);
  EXPECT_EQ(c.gid, 100u);
  server.reply(create.fcall.tag, Rlcreate{.qid = {.type = 0, .version = 1, .path = 77}, .iounit = 0});
  const OpenFile file = created.get();
  EXPECT_EQ(file.fid, c.fid);
  EXPECT_EQ(file.qid.path, 77u);
}

TEST_F(PathClientTest, UnlinkFallsBackToTremoveWhenTunlinkatIsNotSupported) {
  connect(8192);
  auto removed = in_background([this] { fs->unlink("/d/f"); });
  const uint32_t dir = answer_with_handshake().as<Twalk>().newfid;
  const Request unlinkat = receive();
  EXPECT_EQ(unlinkat.as<Tunlinkat>().dirfid, dir);
  EXPECT_EQ(unlinkat.as<Tunlinkat>().name, "f");
  server.reply(unlinkat.fcall.tag, Rlerror{.ecode = EOPNOTSUPP});
  EXPECT_EQ(answer_with_handshake().as<Tclunk>().fid, dir);

  const Request walk = answer_with_handshake();
  EXPECT_EQ(walk.as<Twalk>().wnames, (WalkNames{"d", "f"}));
  const Request remove = receive();
  EXPECT_EQ(remove.as<Tremove>().fid, walk.as<Twalk>().newfid);
  server.reply(remove.fcall.tag, Rremove{});
  removed.get();
}

TEST_F(PathClientTest, RenameFallsBackToTrenameWhenTrenameatIsNotSupported) {
  connect(8192);
  auto renamed = in_background([this] { fs->rename("/a/x", "/b/y"); });
  const uint32_t olddir = answer_with_handshake().as<Twalk>().newfid;
  const uint32_t newdir = answer_with_handshake().as<Twalk>().newfid;
  const Request renameat = receive();
  EXPECT_EQ(renameat.as<Trenameat>().olddirfid, olddir);
  EXPECT_EQ(renameat.as<Trenameat>().newdirfid, newdir);
  server.reply(renameat.fcall.tag, Rlerror{.ecode = EOPNOTSUPP});
  std::set<uint32_t> clunked;
  for (int i = 0; i < 2; ++i) clunked.insert(answer_with_handshake().as<Tclunk>().fid);
  EXPECT_EQ(clunked, (std::set<uint32_t>{olddir, newdir}));

  const Request file = answer_with_handshake();
  EXPECT_EQ(file.as<Twalk>().wnames, (WalkNames{"a", "x"}));
  const Request target = answer_with_handshake();
  EXPECT_EQ(target.as<Twalk>().wnames, (WalkNames{"b"}));
  const Request rename = receive();
  EXPECT_EQ(rename.as<Trename>().fid, file.as<Twalk>().newfid);
  EXPECT_EQ(rename.as<Trename>().dfid, target.as<Twalk>().newfid);
  EXPECT_EQ(rename.as<Trename>().name, "y");
  server.reply(rename.fcall.tag, Rrename{});
  for (int i = 0; i < 2; ++i) answer_with_handshake().as<Tclunk>();
  renamed.get();
}

}  // namespace
}  // namespace p9::client
