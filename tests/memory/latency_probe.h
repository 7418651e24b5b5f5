#pragma once
// The metadata client of the paging test: on its own connection and thread it walks to, getattrs and
// lists small files over and over, timing each request, until told to stop. Reports percentiles per
// lap, all from the one connection (so from the same server io thread); asserts nothing (speed is
// measured, not tested).

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace p9::memtest {

struct LatencyFigures {
  std::size_t requests = 0;
  double p50_us = 0;
  double p99_us = 0;
  double max_us = 0;
};

class LatencyProbe {
 public:
  // Starts probing `directory` (holding `files` files named f0, f1, ...) on the server at `address`.
  LatencyProbe(const std::string& address, std::string directory, int files);
  // Stops if still running.
  ~LatencyProbe();

  // The figures of the requests timed since the start or the previous lap.
  LatencyFigures lap();
  // Stops probing; throws if the probe failed.
  void stop();

 private:
  void run(const std::string& address, int files);

  std::string directory_;
  std::atomic<bool> stopping_{false};
  std::mutex mutex_;
  std::vector<double> latencies_us_;  // of this lap, under mutex_
  std::string failure_;
  std::thread thread_;
};

// Creates `directory` with `files` small files for the probe to visit.
void make_probe_files(const std::string& address, const std::string& directory, int files);

}  // namespace p9::memtest
