// SIGHUP on the real binary: the config file is read again and applied while a client stays
// connected; changes that need a restart are refused whole and logged.
#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <string>

#include "client/error.h"
#include "client/sync_client.h"
#include "tests/hostile/eventually.h"
#include "tests/hostile/server_process.h"

namespace p9::ops {
namespace {

using hostile::ServerProcess;
constexpr uint32_t kWriteOnly = 1;  // Linux O_WRONLY, as Tlcreate's flags
constexpr uint64_t kMiB = 1 << 20;

class Reload : public ::testing::Test {
 protected:
  Reload() {
    char dir[] = "/tmp/p9reload.XXXXXX";
    if (::mkdtemp(dir) == nullptr) throw std::system_error(errno, std::generic_category(), "mkdtemp");
    dir_ = dir;
    config_ = dir_ + "/p9tmpfs.toml";
  }
  ~Reload() override {
    ::unlink(config_.c_str());
    ::rmdir(dir_.c_str());
  }

  void write_config(const std::string& toml) {
    std::ofstream(config_, std::ios::trunc) << toml;
  }
  // SIGHUP, then the log from there on once it has the reload's verdict (a line with `outcome`).
  std::string reload(ServerProcess& server, std::string_view outcome) {
    const std::size_t from = server.log_size();
    ::kill(server.pid(), SIGHUP);
    std::string log;
    const bool done = hostile::eventually([&] {
      log = server.log_since(from);
      return log.find(outcome) != std::string::npos;
    });
    EXPECT_TRUE(done) << "no '" << outcome << "' after SIGHUP; log since:\n" << log;
    return log;
  }

  static int errno_of(const std::function<void()>& op) {
    try {
      op();
    } catch (const std::system_error& e) {
      return client::errno_of(e);
    }
    return 0;
  }

  std::string dir_;
  std::string config_;
};

TEST_F(Reload, NewLimitsAndExportsApplyWhileClientsStayConnected) {
  write_config(R"(
[[export]]
name = "main"
size = "8M"
)");
  ServerProcess server({"--config", config_});
  client::SyncClient fs(server.unix_address(), {.aname = "main"});
  const std::string mib(kMiB, 'a');
  auto f = fs.create("/kept", kWriteOnly, 0644);
  fs.write_all(f.fid, 0, std::as_bytes(std::span(mib)));
  EXPECT_EQ(errno_of([&] { client::SyncClient extra(server.unix_address(), {.aname = "extra"}); }), ENOENT)
      << "the export does not exist yet";

  write_config(R"(
log_level = "debug"

[[export]]
name = "main"
size = "2M"
inodes = 10

[[export]]
name = "extra"
read_only = true
)");
  const std::string log = reload(server, "SIGHUP: reloaded");
  EXPECT_NE(log.find("SIGHUP: new export 'extra'"), std::string::npos) << log;
  EXPECT_NE(log.find("SIGHUP: export 'main': size 8388608 -> 2097152, inodes unlimited -> 10"),
            std::string::npos) << log;

  // The connection made before the reload goes on, open file included.
  EXPECT_EQ(fs.stat("/kept").size, kMiB);
  EXPECT_EQ(fs.read_file("/kept").size(), kMiB);
  const auto st = fs.statfs();
  EXPECT_EQ(st.blocks * st.bsize, 2 * kMiB);
  EXPECT_EQ(st.files, 10u);
  // 1 MiB is used of the new 2 MiB: a second 2 MiB cannot fit.
  auto g = fs.create("/grows", kWriteOnly, 0644);
  const std::string two(2 * kMiB, 'b');
  EXPECT_EQ(errno_of([&] { fs.write_all(g.fid, 0, std::as_bytes(std::span(two))); }), ENOSPC);
  fs.clunk(g.fid);
  fs.unlink("/grows");
  // The inode limit of 10 (the root, /kept and /grows' successors): the 9th new node fails.
  int created = 0;
  while (errno_of([&] { fs.mkdir("/d" + std::to_string(created), 0755); }) == 0 && created < 20) ++created;
  EXPECT_EQ(created, 8);  // root + kept + 8 directories = 10
  fs.write_all(f.fid, kMiB, std::as_bytes(std::span(mib).first(4096)));  // what is left still fits
  fs.clunk(f.fid);

  // The new export attaches at once, read-only as configured.
  client::SyncClient extra(server.unix_address(), {.aname = "extra"});
  EXPECT_EQ(extra.list("/").size(), 2u);  // "." and ".."
  EXPECT_EQ(errno_of([&] { extra.mkdir("/x", 0755); }), EROFS);
  // The log level went to debug.
  EXPECT_NE(server.log_since(0).find("SIGHUP: log level debug"), std::string::npos);
  EXPECT_EQ(server.stop(), 0);
}

TEST_F(Reload, ChangesThatNeedARestartAreRefusedWhole) {
  write_config(R"(
[[export]]
name = "main"
size = "8M"

[[export]]
name = "second"
)");
  ServerProcess server({"--config", config_});
  client::SyncClient fs(server.unix_address(), {.aname = "second"});
  fs.mkdir("/before", 0755);

  // "second" removed, a listener and the thread count changed, a limit changed and an export added:
  // nothing of it applies.
  write_config(R"(
listen = ["tcp:127.0.0.1:1"]
threads = 7

[[export]]
name = "main"
size = "1M"

[[export]]
name = "third"
)");
  std::string log = reload(server, "refused");
  EXPECT_NE(log.find("SIGHUP: export 'second' was removed: that needs a restart"), std::string::npos) << log;
  EXPECT_NE(log.find("SIGHUP: threads changed from"), std::string::npos) << log;
  EXPECT_NE(log.find("(restart p9tmpfs to apply it)"), std::string::npos) << log;
  EXPECT_EQ(log.find("SIGHUP: reloaded"), std::string::npos) << log;

  // The command line wins over the file: its listeners are the ones in force, not the file's.
  // (ServerProcess passes --listen, so the file's listen change was not a change after all; the
  // refusal above comes from the rest.)
  EXPECT_EQ(log.find("SIGHUP: listen changed"), std::string::npos) << log;

  fs.mkdir("/after", 0755);
  EXPECT_EQ(fs.list("/").size(), 4u);
  EXPECT_EQ(errno_of([&] { client::SyncClient third(server.unix_address(), {.aname = "third"}); }), ENOENT);
  client::SyncClient main(server.unix_address(), {.aname = "main"});
  EXPECT_EQ(main.statfs().blocks * main.statfs().bsize, 8 * kMiB) << "the size change was not applied";

  // A file that does not parse is refused too, naming the place.
  write_config("[[export]\nname = \"main\"\n");
  log = reload(server, "reload refused");
  EXPECT_NE(log.find(config_ + ":1:"), std::string::npos) << log;
  fs.mkdir("/still", 0755);
  EXPECT_EQ(server.stop(), 0);
}

}  // namespace
}  // namespace p9::ops
