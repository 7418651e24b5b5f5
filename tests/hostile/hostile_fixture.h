// The fixture every hostile case runs in. A real p9tmpfs process serves the case (shared by the
// cases of a suite when they cannot damage it, one per case otherwise). Before the case a bystander
// client connects and holds a walked fid and an open fid on /probe; after it, whatever the case did,
// the server must be healthy:
//   - the process is alive and has finished every connection of the case;
//   - /proc/PID/fd has as many entries as before (no leaked sockets or memfds);
//   - the bystander's fids still work (its connection was not disturbed);
//   - a fresh client (over TCP) can version, attach, walk, getattr and read;
//   - once what the case left in the exports is removed, statfs of every export (free blocks,
//     free inodes) is back at its value before the case: nothing leaked in the store;
//   - VmRSS is within a bound of its value before the case.
// Cases therefore need not clean up their files. When the server stops (end of suite, or end of
// case for fresh servers) it must exit 0 after SIGTERM, which in the sanitizer build also means
// LeakSanitizer found nothing.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "client/sync_client.h"
#include "proto/message.h"
#include "tests/hostile/frame_builder.h"
#include "tests/hostile/server_process.h"
#include "tests/server/raw_client.h"
#include "tests/server/session_fixture.h"

namespace p9::hostile {

using server::testing::bytes_of;
using server::testing::RawClient;
using server::testing::rlerror_of;
using server::testing::text_of;

struct ServerConfig {
  std::vector<std::string> args;     // p9tmpfs flags besides the listeners
  std::vector<std::string> exports;  // export names, first = where /probe lives (writable)
  bool fresh_per_case = false;       // the cases may damage the server: one process per case
  uint64_t rss_slack_kib = 96 * 1024;  // allowed VmRSS growth over a case (ASan's quarantine)

  // Sets a flag that takes one value, replacing the value it had (CLI11 refuses repeats).
  ServerConfig& set(std::string_view flag, std::string value);
  friend bool operator==(const ServerConfig&, const ServerConfig&) = default;
};

// Exports "main" (access=user, root 01777), "ro" (read-only) and "small" (1 MiB, 64 inodes);
// 64 fids and 32 requests in flight per connection.
ServerConfig default_config();

inline constexpr std::string_view kProbePath = "probe";
inline constexpr std::string_view kProbeText = "probe: the bystander reads this after every case\n";

// Fid and msize conventions for raw sessions.
inline constexpr uint32_t kRoot = 1;
inline constexpr uint32_t kRawMsize = 65536;

// The errno of c's reply to f (0 when it is not Rlerror); the reply must come on f's tag.
uint32_t err(RawClient& c, const Fcall& f);
// Sends a hand-made frame and returns the reply, which must come on `tag`.
client::Reply exchange(RawClient& c, const Bytes& frame, uint16_t tag);

class HostileTest : public ::testing::Test {
 protected:
  virtual ServerConfig config() const { return default_config(); }

  void SetUp() override;
  void TearDown() override;
  static void TearDownTestSuite();

  ServerProcess& server() { return *server_; }
  // Waits until the server has finished every connection but the bystander's and `others` more.
  bool settle(std::size_t others = 0) const;

  // A connected socket to the server as a RawClient, nothing sent yet.
  std::unique_ptr<RawClient> raw(bool tcp = false) const;
  // Tversion (msize) and Tattach of fid kRoot to `aname` as `uid`.
  std::unique_ptr<RawClient> attached(std::string_view aname = "main", uint32_t uid = 0,
                                      uint32_t msize = kRawMsize) const;
  // A library client attached to `aname` as `uid`.
  std::unique_ptr<client::SyncClient> client(std::string aname = "main", uint32_t uid = 0) const;

  // Writes a file through a library client.
  static void write_file(client::SyncClient& c, std::string_view path, std::string_view text);

 private:
  struct Baseline {
    std::size_t fds = 0;
    uint64_t rss_kib = 0;
    std::vector<Rstatfs> statfs;  // per export
  };
  void start_server();
  static void stop_server();
  // One root attachment per export on c's connection, as uid 0.
  std::vector<client::PathClient> attach_exports(client::SyncClient& c) const;
  std::vector<Rstatfs> statfs_of(client::SyncClient& c, std::vector<client::PathClient>& roots) const;
  // Removes every entry of every export but the probe, depth first.
  void remove_leftovers(client::SyncClient& c, std::vector<client::PathClient>& roots) const;
  void check_health();

  static std::unique_ptr<ServerProcess> server_;
  static ServerConfig running_;

  std::unique_ptr<client::SyncClient> bystander_;
  uint32_t bystander_walked_ = 0;
  uint32_t bystander_open_ = 0;
  Baseline baseline_;
};

// A case that works through one raw session, `c`, attached (fid kRoot) to aname() as uid 0.
class RawSessionTest : public HostileTest {
 protected:
  virtual std::string aname() const { return "main"; }
  void SetUp() override;
  void TearDown() override;

  std::unique_ptr<RawClient> c;
};

}  // namespace p9::hostile
