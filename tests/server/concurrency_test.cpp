// Many requests in flight on one connection, readdir under concurrent changes, open-unlink.
#include <gtest/gtest.h>

#include <atomic>
#include <cerrno>
#include <map>
#include <string>
#include <thread>

#include "proto/dirent.h"
#include "tests/server/session_fixture.h"

namespace p9::server::testing {
namespace {

class ConcurrencyTest : public SessionTest {};

TEST_F(ConcurrencyTest, HundredsOfRequestsInFlightOnOneConnection) {
  std::string content;
  for (int i = 0; i < 200; ++i) content += std::string(100, static_cast<char>('a' + i % 26));
  write_file("f", content);
  auto f = fs->open("f", DOTL_RDONLY);
  const uint32_t walked = fs->walk("f");
  auto& conn = fs->connection();
  const int failures = fs->run([&]() -> asio::awaitable<int> {
    std::vector<client::Call> calls;
    for (uint32_t i = 0; i < 200; ++i) {
      calls.push_back(co_await conn.send(Tgetattr{walked, GETATTR_ALL}));
      calls.push_back(co_await conn.send(Tread{f.fid, i * 100, 100}));
    }
    int bad = 0;
    for (uint32_t i = 0; i < calls.size(); ++i) {
      auto r = co_await calls[i].reply();
      if (i % 2 == 0) {
        bad += r.as<Rgetattr>().size != content.size();
      } else {
        const auto data = r.as<Rread>().data.bytes;
        bad += text_of(data) != content.substr((i / 2) * 100, 100);
      }
    }
    co_return bad;
  }());
  EXPECT_EQ(failures, 0);
}

TEST_F(ConcurrencyTest, ReaddirSeesStableEntriesExactlyOnceWhileOthersChange) {
  fs->mkdir("d", 0755);
  for (int i = 0; i < 300; ++i) write_file("d/stable" + std::to_string(i), "");
  std::atomic<bool> done{false};
  std::thread churn([&] {
    auto other = connect();
    for (int round = 0; !done; ++round) {
      const std::string name = "d/churn" + std::to_string(round);
      auto f = other->create(name, DOTL_WRONLY, 0644);
      other->clunk(f.fid);
      if (round % 3 != 0) other->unlink(name);
    }
  });
  for (int listing = 0; listing < 10; ++listing) {
    auto d = fs->open("d", DOTL_RDONLY);
    std::map<std::string, int> seen;
    uint64_t offset = 0;
    for (;;) {
      // A small count: many Treaddir calls, each resumed from the last entry's offset.
      auto r = fs->call(Treaddir{d.fid, offset, 300});
      DirentParser parser(r.as<Rreaddir>().data.bytes);
      bool any = false;
      while (auto e = parser.next()) {
        ++seen[std::string(e->name)];
        offset = e->offset;
        any = true;
      }
      if (!any) break;
    }
    fs->clunk(d.fid);
    for (int i = 0; i < 300; ++i) EXPECT_EQ(seen["stable" + std::to_string(i)], 1) << i;
    for (const auto& [name, count] : seen) EXPECT_EQ(count, 1) << name;
  }
  done = true;
  churn.join();
}

TEST_F(ConcurrencyTest, OpenUnlinkedFileStaysUsableThroughItsFid) {
  const auto base = server.store_counters();
  write_file("f", "hello");
  auto f = fs->open("f", DOTL_RDWR);
  fs->unlink("f");
  EXPECT_ERRNO(fs->stat("f"), ENOENT);
  EXPECT_EQ(server.store_counters().orphans, base.orphans + 1);
  EXPECT_EQ(text_of(fs->read(f.fid, 0, 100)), "hello");
  fs->write(f.fid, 5, bytes_of(" world"));
  EXPECT_EQ(text_of(fs->read(f.fid, 0, 100)), "hello world");
  EXPECT_EQ(fs->getattr(f.fid).nlink, 0u);
  // ftruncate through the open fid.
  Tsetattr truncate{.valid = SETATTR_SIZE, .size = 4};
  fs->setattr(f.fid, truncate);
  EXPECT_EQ(fs->getattr(f.fid).size, 4u);
  // fstat after unlink: the client walks from the open fid.
  const uint32_t clone = fs->walk(f.fid, "");
  EXPECT_EQ(fs->getattr(clone).size, 4u);
  fs->clunk(clone);
  fs->clunk(f.fid);
  EXPECT_EQ(server.store_counters().orphans, base.orphans);
  EXPECT_EQ(server.store_counters().nodes, base.nodes);
}

}  // namespace
}  // namespace p9::server::testing
