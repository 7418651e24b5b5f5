#include "tests/hostile/hostile_fixture.h"

#include <dirent.h>
#include <sys/wait.h>

#include <csignal>

#include <iostream>
#include <stdexcept>

#include "tests/hostile/eventually.h"

namespace p9::hostile {

std::unique_ptr<ServerProcess> HostileTest::server_;
ServerConfig HostileTest::running_;

namespace {

// How long asynchronous cleanup (closing a dropped connection, freeing its fids and orphan nodes)
// may take before the health check calls it a leak.
constexpr auto kCleanupDeadline = 10s;

std::string tail(const std::string& text, std::size_t n = 4000) {
  return text.size() > n ? "..." + text.substr(text.size() - n) : text;
}

std::string describe(const Rstatfs& s) {
  return "bfree " + std::to_string(s.bfree) + ", ffree " + std::to_string(s.ffree) + " of " +
         std::to_string(s.files);
}

// Removes what dir (a path from root) holds, depth first; the probe at the top stays.
asio::awaitable<void> remove_tree(client::PathClient& root, std::string dir) {
  for (const client::DirEntry& e : co_await root.list(dir)) {
    if (e.name == "." || e.name == ".." || (dir.empty() && e.name == kProbePath)) continue;
    const std::string path = dir + "/" + e.name;
    if (e.type == DT_DIR) {
      // The case may have left a directory its owner cannot search; root may always chmod it.
      co_await root.setattr(path, Tsetattr{.valid = SETATTR_MODE, .mode = 0700});
      co_await remove_tree(root, path);
      co_await root.unlink(path, DOTL_AT_REMOVEDIR);
    } else {
      co_await root.unlink(path);
    }
  }
}

}  // namespace

ServerConfig default_config() {
  return {.args = {"--export", "main", "--export", "ro,ro", "--export", "small,size=1M,inodes=64",
                   "--max-fids", "64", "--max-inflight", "32", "--threads", "2",
                   "--shutdown-grace-ms", "1000"},
          .exports = {"main", "ro", "small"}};
}

ServerConfig& ServerConfig::set(std::string_view flag, std::string value) {
  for (std::size_t i = 0; i + 1 < args.size(); ++i) {
    if (args[i] == flag) {
      args[i + 1] = std::move(value);
      return *this;
    }
  }
  args.emplace_back(flag);
  args.push_back(std::move(value));
  return *this;
}

void HostileTest::SetUp() {
  // Cases write to connections the server has closed: that must be EPIPE here, not death.
  std::signal(SIGPIPE, SIG_IGN);
  if (server_ && running_ != config()) stop_server();
  if (!server_) start_server();
  ASSERT_TRUE(server_->alive()) << tail(server_->log());

  bystander_ = client(running_.exports.front());
  bystander_walked_ = bystander_->walk(kProbePath);
  bystander_open_ = bystander_->open(kProbePath, DOTL_RDONLY).fid;
  {
    auto admin = client(running_.exports.front());
    auto roots = attach_exports(*admin);
    baseline_.statfs = statfs_of(*admin, roots);
  }
  ASSERT_TRUE(settle()) << "connections of the set-up did not finish:\n" << tail(server_->log());
  baseline_.fds = server_->fd_count();
  baseline_.rss_kib = server_->rss_kib();
}

void HostileTest::TearDown() {
  // Without a bystander the set-up failed or skipped the case: there is no baseline to hold.
  if (server_ && bystander_) check_health();
  bystander_.reset();
  // A server that failed a case is not trusted with the next one.
  if (running_.fresh_per_case || HasFailure()) stop_server();
}

void HostileTest::TearDownTestSuite() { stop_server(); }

void RawSessionTest::SetUp() {
  HostileTest::SetUp();
  if (!HasFatalFailure()) c = attached(aname());
}

void RawSessionTest::TearDown() {
  c.reset();
  HostileTest::TearDown();
}

void HostileTest::start_server() {
  running_ = config();
  server_ = std::make_unique<ServerProcess>(running_.args);
  auto c = client(running_.exports.front());
  write_file(*c, kProbePath, kProbeText);
}

void HostileTest::stop_server() {
  if (!server_) return;
  const bool was_alive = server_->alive();
  const std::optional<int> status = server_->stop();
  EXPECT_TRUE(status && WIFEXITED(*status) && WEXITSTATUS(*status) == 0)
      << "p9tmpfs " << (was_alive ? "after SIGTERM " : "") << (status ? server_->ending() : "had to be killed")
      << "; its log:\n" << tail(server_->log());
  server_.reset();
}

bool HostileTest::settle(std::size_t others) const {
  return eventually([&] { return server_->open_sessions() == 1 + others; }, kCleanupDeadline);
}

std::unique_ptr<RawClient> HostileTest::raw(bool tcp) const {
  return std::make_unique<RawClient>(tcp ? server_->connect_tcp() : server_->connect_unix());
}

std::unique_ptr<RawClient> HostileTest::attached(std::string_view aname, uint32_t uid,
                                                 uint32_t msize) const {
  auto c = raw();
  c->version(msize);
  c->attach(kRoot, uid, aname);
  return c;
}

std::unique_ptr<client::SyncClient> HostileTest::client(std::string aname, uint32_t uid) const {
  return std::make_unique<client::SyncClient>(
      server_->unix_address(),
      client::AttachOptions{.msize = client::DEFAULT_MSIZE, .aname = std::move(aname), .n_uname = uid});
}

uint32_t err(RawClient& c, const Fcall& f) { return rlerror_of(c.call(f)); }

client::Reply exchange(RawClient& c, const Bytes& frame, uint16_t tag) {
  c.send_bytes(frame);
  auto r = c.receive();
  if (!r) throw std::runtime_error("no reply to a hand-made frame");
  if (!r->ok() || r->tag() != tag) throw std::runtime_error("undecodable reply or wrong tag");
  return std::move(*r);
}

void HostileTest::write_file(client::SyncClient& c, std::string_view path, std::string_view text) {
  auto f = c.create(path, DOTL_WRONLY, 0644);
  c.write_all(f.fid, 0, bytes_of(text));
  c.clunk(f.fid);
}

std::vector<client::PathClient> HostileTest::attach_exports(client::SyncClient& c) const {
  std::vector<client::PathClient> roots;
  for (const std::string& name : running_.exports) roots.push_back(c.attach("", name, 0));
  return roots;
}

std::vector<Rstatfs> HostileTest::statfs_of(client::SyncClient& c,
                                            std::vector<client::PathClient>& roots) const {
  std::vector<Rstatfs> out;
  for (client::PathClient& root : roots) out.push_back(c.run(root.statfs("/")));
  return out;
}

void HostileTest::remove_leftovers(client::SyncClient& c, std::vector<client::PathClient>& roots) const {
  for (client::PathClient& root : roots) c.run(remove_tree(root, ""));
}

void HostileTest::check_health() {
  ASSERT_TRUE(server_->alive()) << "p9tmpfs " << server_->ending() << "; its log:\n" << tail(server_->log());
  const bool settled = settle();
  ASSERT_TRUE(server_->alive()) << "p9tmpfs " << server_->ending() << "; its log:\n" << tail(server_->log());
  EXPECT_TRUE(settled) << server_->open_sessions() - 1
                       << " connection(s) of the case were never finished by the server";
  // A session is counted out just before its socket is closed: under ThreadSanitizer that moment
  // can be seen in between.
  (void)eventually([&] { return server_->fd_count() == baseline_.fds; }, kCleanupDeadline);
  EXPECT_EQ(server_->fd_count(), baseline_.fds) << "descriptors leaked (or closed) by the case";

  try {
    // The bystander, connected before the case, was not disturbed.
    EXPECT_EQ(bystander_->getattr(bystander_walked_).size, kProbeText.size());
    EXPECT_EQ(text_of(bystander_->read(bystander_open_, 0, 4096)), kProbeText);
  } catch (const std::exception& e) {
    ADD_FAILURE() << "the bystander's connection was disturbed: " << e.what();
  }

  try {
    // A fresh client, over the other transport, is served normally.
    client::SyncClient fresh(server_->tcp_address(), {.aname = running_.exports.front()});
    const uint32_t fid = fresh.walk(kProbePath);
    EXPECT_EQ(fresh.getattr(fid).size, kProbeText.size());
    fresh.clunk(fid);
    auto f = fresh.open(kProbePath, DOTL_RDONLY);
    EXPECT_EQ(text_of(fresh.read_all(f.fid)), kProbeText);
    fresh.clunk(f.fid);

    // What the case made is freed once removed; nodes it kept open are freed with its connections.
    auto roots = attach_exports(fresh);
    remove_leftovers(fresh, roots);
    std::vector<Rstatfs> now;
    const bool store_back = eventually([&] {
      now = statfs_of(fresh, roots);
      return now == baseline_.statfs;
    }, kCleanupDeadline);
    for (std::size_t i = 0; !store_back && i < now.size(); ++i) {
      EXPECT_EQ(describe(now[i]), describe(baseline_.statfs[i]))
          << "export '" << running_.exports[i] << "' did not return to its state before the case";
    }
  } catch (const std::exception& e) {
    ADD_FAILURE() << "a fresh client was not served: " << e.what();
  }

  const uint64_t rss = server_->rss_kib();
  EXPECT_LE(rss, baseline_.rss_kib + running_.rss_slack_kib)
      << "VmRSS grew from " << baseline_.rss_kib << " KiB to " << rss << " KiB";
  if (HasFailure()) std::cerr << "p9tmpfs log:\n" << tail(server_->log()) << "\n";
}

}  // namespace p9::hostile
