// The --metrics endpoint of the real binary after a known sequence of requests: every figure the
// sequence determines is checked exactly.
#include <gtest/gtest.h>

#include <string>

#include "client/error.h"
#include "client/sync_client.h"
#include "tests/hostile/eventually.h"
#include "tests/hostile/server_process.h"
#include "tests/ops/prometheus_text.h"

namespace p9::ops {
namespace {

using hostile::ServerProcess;

// The port the server logged for `--metrics tcp:127.0.0.1:0`.
uint16_t metrics_port(const ServerProcess& server) {
  constexpr std::string_view line = "metrics on http://127.0.0.1:";
  const std::string log = server.log();
  const auto at = log.find(line);
  if (at == std::string::npos) throw std::runtime_error("no metrics line in the log:\n" + log);
  return static_cast<uint16_t>(std::stoul(log.substr(at + line.size())));
}

TEST(Metrics, CountsExactlyWhatAKnownSequenceDid) {
  ServerProcess server({"--export", "main,size=1M,inodes=100", "--export", "other", "--metrics",
                        "tcp:127.0.0.1:0", "--max-fids", "77"});
  const uint16_t port = metrics_port(server);
  {
    client::SyncClient fs(server.unix_address(), {.aname = "main"});  // Tversion, Tattach
    const uint32_t root = fs.client().root();
    const uint32_t absent = fs.connection().fids().allocate();
    const uint32_t file = fs.connection().fids().allocate();
    for (int i = 0; i < 3; ++i) fs.call(Tgetattr{.fid = root, .request_mask = GETATTR_ALL});
    try {
      fs.call(Twalk{.fid = root, .newfid = absent, .wnames = {"absent"}});
      ADD_FAILURE() << "walking to an absent name succeeded";
    } catch (const std::system_error& e) {
      EXPECT_EQ(client::errno_of(e), ENOENT);
    }
    fs.call(Tmkdir{.dfid = root, .name = "d", .mode = 0755, .gid = 0});
    const std::string data(5000, 'x');
    fs.call(Twalk{.fid = root, .newfid = file, .wnames = {}});
    fs.call(Tlcreate{.fid = file, .name = "f", .flags = 1 /* O_WRONLY */, .mode = 0644, .gid = 0});
    fs.call(Twrite{.fid = file, .offset = 0, .data = std::as_bytes(std::span(data))});

    // Counters are updated as replies are queued: wait until the last request shows, then read.
    std::map<std::string, double> m;
    ASSERT_TRUE(hostile::eventually([&] {
      m = parse_samples(scrape(port));
      return m[R"(p9tmpfs_requests_total{type="Twrite"})"] == 1;
    }));
    EXPECT_EQ(m[R"(p9tmpfs_requests_total{type="Tversion"})"], 1);
    EXPECT_EQ(m[R"(p9tmpfs_requests_total{type="Tattach"})"], 1);
    EXPECT_EQ(m[R"(p9tmpfs_requests_total{type="Tgetattr"})"], 3);
    EXPECT_EQ(m[R"(p9tmpfs_request_errors_total{type="Tgetattr"})"], 0);
    EXPECT_EQ(m[R"(p9tmpfs_requests_total{type="Twalk"})"], 2);
    EXPECT_EQ(m[R"(p9tmpfs_request_errors_total{type="Twalk"})"], 1);
    EXPECT_EQ(m[R"(p9tmpfs_requests_total{type="Tmkdir"})"], 1);
    EXPECT_EQ(m[R"(p9tmpfs_requests_total{type="Tlcreate"})"], 1);
    EXPECT_EQ(m[R"(p9tmpfs_errors_total{errno="ENOENT"})"], 1);
    EXPECT_EQ(m.count(R"(p9tmpfs_requests_total{type="Tread"})"), 0u) << "types never seen are left out";
    EXPECT_EQ(m[R"(p9tmpfs_request_duration_seconds_count{type="Tgetattr"})"], 3);
    EXPECT_EQ(m[R"(p9tmpfs_request_duration_seconds_bucket{type="Tgetattr",le="+Inf"})"], 3);
    EXPECT_EQ(m["p9tmpfs_written_bytes_total"], 5000);
    EXPECT_EQ(m["p9tmpfs_read_bytes_total"], 0);
    // Open now: this client only (ServerProcess's readiness probe was a connection too, closed).
    EXPECT_EQ(m["p9tmpfs_connections"], 1);
    EXPECT_EQ(m["p9tmpfs_connections_total"], 2);
    EXPECT_EQ(m["p9tmpfs_fids"], 2);  // the root and the created file; the failed walk made none
    EXPECT_EQ(m["p9tmpfs_max_fids"], 77);
    EXPECT_EQ(m[R"(p9tmpfs_nodes{export="main"})"], 3);  // root, d, f
    EXPECT_EQ(m[R"(p9tmpfs_nodes{export="other"})"], 1);
    EXPECT_EQ(m[R"(p9tmpfs_space_used_bytes{export="main"})"], 8192);  // 5000 bytes: two pages
    EXPECT_EQ(m[R"(p9tmpfs_size_limit_bytes{export="main"})"], 1 << 20);
    EXPECT_EQ(m[R"(p9tmpfs_inode_limit{export="main"})"], 100);
    EXPECT_EQ(m[R"(p9tmpfs_size_limit_bytes{export="other"})"], 0);
  }
  // The client is gone: the gauges come back down.
  ASSERT_TRUE(hostile::eventually([&] { return parse_samples(scrape(port))["p9tmpfs_connections"] == 0; }));
  const auto after = parse_samples(scrape(port));
  EXPECT_EQ(after.at("p9tmpfs_fids"), 0);
  EXPECT_EQ(after.at(R"(p9tmpfs_nodes{export="main"})"), 3);
  EXPECT_EQ(server.stop(), 0);
}

}  // namespace
}  // namespace p9::ops
