// Runs workloads over a set of connections: sets up the connections and the run directory, then for
// each workload prepares, measures (every connection's workers at once, for a duration or an
// operation count) and tears down, sampling the server's CPU time around the measured part only.
#pragma once

#include <asio/io_context.hpp>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "bench/histogram.h"
#include "bench/lane.h"
#include "bench/options.h"
#include "bench/workload.h"

namespace p9::bench {

struct Result {
  std::string workload;
  uint32_t msize = 0;  // as agreed with the server
  double seconds = 0;
  Counters counters;
  LatencyHistogram latency;
  std::optional<double> server_cpu;                 // seconds, with --server-pid
  std::optional<uint64_t> server_context_switches;  // with --server-pid
  double client_cpu = 0;
  Figures figures;
};

class Runner {
 public:
  explicit Runner(const Options& options);
  ~Runner();
  Runner(const Runner&) = delete;
  Runner& operator=(const Runner&) = delete;

  // Connects every connection and makes the run directory.
  void start();
  Result run(std::string_view workload);
  // Removes the run directory (unless --no-cleanup) and disconnects.
  void stop();

 private:
  // Runs phase(lane) on every lane (or the first only) at once and waits for all; rethrows the
  // first failure. Each io_context is driven by its own thread for the duration.
  template <class Phase>
  void on_lanes(Phase& phase, bool first_only = false);
  // The phases of run(): per-worker state on every lane, the measured operations, and back.
  void open_workers(Workload& workload);
  Result measure_all(Workload& workload);
  void close_workers(Workload& workload);

  const Options& options_;
  RunState run_;
  std::vector<std::unique_ptr<asio::io_context>> contexts_;
  std::vector<std::unique_ptr<Lane>> lanes_;
};

}  // namespace p9::bench
