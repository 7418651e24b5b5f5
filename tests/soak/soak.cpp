// Soak test (ctest label `soak`): a real p9tmpfs process under a mixed workload of several clients
// whose connections are dropped at random moments (see worker.h). Environment: P9_SOAK_SECONDS
// (default 120; 1800 for the long run), P9_SOAK_WORKERS (clients, default 4), P9_SOAK_SEED (the
// clients' random choices; timing still varies), P9_SOAK_RSS_PERCENT (the growth allowed, default 5;
// the ThreadSanitizer run allows more, as TSan's allocator keeps what it once held). Passes when
// every reply was as expected, the server still answers a fresh client, holds no more descriptors
// than before, and once the clients have removed their files and left, its VmRSS is within that
// percentage of what it was at the start of the measured run.
//
// The start is taken after a warm-up round of the same workload (a tenth of the time, at least 5 s)
// whose clients also cleaned up and left: what a server keeps after its first clients (allocator
// pools, a metadata arena chunk, and in sanitizer builds ASan's quarantine of freed blocks) is not
// growth. Growth over the long run is what the 5 % bound catches.
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "client/sync_client.h"
#include "tests/hostile/eventually.h"
#include "tests/hostile/server_process.h"
#include "tests/soak/worker.h"

namespace {

using namespace std::chrono_literals;
using p9::hostile::ServerProcess;
using Clock = std::chrono::steady_clock;

unsigned env_or(const char* name, unsigned fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? static_cast<unsigned>(std::stoul(v)) : fallback;
}

struct Round {
  p9::soak::Stats stats;
  uint64_t peak_rss_kib = 0;
};

// Workers run for `length`, then clean up; returns once the server has let go of every connection.
bool run_round(ServerProcess& server, unsigned workers, std::chrono::seconds length, uint64_t seed,
               Round& round) {
  std::vector<std::unique_ptr<p9::soak::Worker>> pool;
  for (unsigned i = 0; i < workers; ++i) {
    pool.push_back(std::make_unique<p9::soak::Worker>(server, i, seed + i, round.stats));
    pool.back()->set_up();
  }
  const auto deadline = Clock::now() + length;
  std::vector<std::thread> threads;
  for (auto& w : pool) threads.emplace_back([&w, deadline] { w->run(deadline); });
  while (Clock::now() < deadline && server.alive()) {
    round.peak_rss_kib = std::max(round.peak_rss_kib, server.rss_kib());
    std::this_thread::sleep_for(std::min<Clock::duration>(1s, deadline - Clock::now()));
  }
  for (auto& t : threads) t.join();
  for (auto& w : pool) w->clean_up();
  return p9::hostile::eventually([&] { return server.open_sessions() == 0; }, 30s);
}

std::string tail(const std::string& text) { return text.size() > 4000 ? text.substr(text.size() - 4000) : text; }

void report(const char* name, const Round& r) {
  std::cout << name << ": " << r.stats.connections << " connections (" << r.stats.drops
            << " dropped at a random moment, cutting " << r.stats.cut_operations << " operations), "
            << r.stats.operations << " operations completed, " << r.stats.unexpected
            << " unexpected errors, peak VmRSS " << r.peak_rss_kib << " KiB" << std::endl;
  for (const std::string& f : r.stats.failures()) std::cout << "  unexpected: " << f << "\n";
}

}  // namespace

int main() {
  std::signal(SIGPIPE, SIG_IGN);  // writes to connections the dropper cut must fail, not kill
  const unsigned seconds = env_or("P9_SOAK_SECONDS", 120);
  const unsigned workers = env_or("P9_SOAK_WORKERS", 4);
  const auto warm_up = std::chrono::seconds(std::max(5u, seconds / 10));
  const auto measured = std::chrono::seconds(seconds) - warm_up;
  const uint64_t seed = env_or("P9_SOAK_SEED", static_cast<unsigned>(std::random_device{}()));
  const unsigned rss_percent = env_or("P9_SOAK_RSS_PERCENT", 5);
  std::cout << "soak: " << workers << " workers, " << seconds << " s, seed " << seed << std::endl;

  ServerProcess server({});
  const uint64_t cold_rss = server.rss_kib();
  bool ok = true;

  Round warm;
  ok &= run_round(server, workers, warm_up, seed, warm);
  report("warm-up", warm);
  const uint64_t start_rss = server.rss_kib();
  const std::size_t start_fds = server.fd_count();

  Round main_round;
  ok &= run_round(server, workers, measured, seed + workers, main_round);
  report("soak", main_round);
  if (!ok) std::cout << "FAIL: connections were still open 30 s after the clients left\n";
  ok &= warm.stats.unexpected == 0 && main_round.stats.unexpected == 0;

  if (!server.alive()) {
    std::cout << "FAIL: the server died: " << server.ending() << "\n" << tail(server.log()) << "\n";
    return 1;
  }
  try {
    p9::client::SyncClient fresh(server.connect_unix());
    const auto root = fresh.list("/");
    if (root.size() != 2) {  // "." and ".."
      std::cout << "FAIL: the root holds " << root.size() - 2 << " entries after the clients cleaned up\n";
      ok = false;
    }
  } catch (const std::exception& e) {
    std::cout << "FAIL: a fresh client was not served: " << e.what() << "\n";
    ok = false;
  }
  (void)p9::hostile::eventually([&] { return server.open_sessions() == 0; }, 30s);

  const std::size_t end_fds = server.fd_count();
  // Freed memory goes back to the system a moment later (glibc trims, segment release).
  uint64_t end_rss = server.rss_kib();
  const bool rss_ok = p9::hostile::eventually(
      [&] {
        end_rss = server.rss_kib();
        return end_rss * 100 <= start_rss * (100 + rss_percent);
      },
      10s);
  std::cout << "VmRSS: " << cold_rss << " KiB when started, " << start_rss
            << " KiB after the warm-up (start), " << end_rss << " KiB at the end ("
            << (static_cast<double>(end_rss) - static_cast<double>(start_rss)) * 100.0 / static_cast<double>(start_rss)
            << " %); descriptors " << start_fds << " -> " << end_fds << "\n";
  if (!rss_ok) std::cout << "FAIL: VmRSS is not within " << rss_percent << " % of its start\n";
  if (end_fds > start_fds) std::cout << "FAIL: the server holds more descriptors than at the start\n";
  ok &= rss_ok && end_fds <= start_fds;

  const auto status = server.stop();
  if (!status || *status != 0) {
    std::cout << "FAIL: the server did not exit cleanly on SIGTERM: " << server.ending() << "\n"
              << tail(server.log()) << "\n";
    ok = false;
  }
  std::cout << (ok ? "PASS" : "FAIL") << "\n";
  return ok ? 0 : 1;
}
