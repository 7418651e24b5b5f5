// Sessions over a Unix socket and over TCP, several clients at once.
#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "client/address.h"
#include "tests/server/session_fixture.h"

namespace p9::server::testing {
namespace {

void exercise(client::SyncClient& c, const std::string& name) {
  c.mkdir(name, 0755);
  auto f = c.create(name + "/file", DOTL_RDWR, 0644);
  const std::vector<std::byte> data(3 << 20, std::byte{0x5a});  // several msize-sized chunks
  c.write_all(f.fid, 0, data);
  EXPECT_EQ(c.read_all(f.fid), data);
  c.clunk(f.fid);
  EXPECT_EQ(c.list(name).size(), 3u);  // ".", "..", file
  c.unlink(name + "/file");
  c.unlink(name, DOTL_AT_REMOVEDIR);
}

TEST(TransportTest, UnixSocket) {
  TestServer server;
  const std::string path = server.listen_unix();
  client::SyncClient c(client::Address::parse("unix:" + path));
  exercise(c, "u");
}

TEST(TransportTest, TcpLoopbackWithConcurrentClients) {
  TestServer server;
  const uint16_t port = server.listen_tcp();
  std::vector<std::thread> clients;
  for (int i = 0; i < 4; ++i) {
    clients.emplace_back([&, i] {
      client::SyncClient c(client::Address::parse("tcp:127.0.0.1:" + std::to_string(port)));
      exercise(c, "t" + std::to_string(i));
    });
  }
  for (auto& t : clients) t.join();
  EXPECT_TRUE(server.session_errors().empty());
}

}  // namespace
}  // namespace p9::server::testing
