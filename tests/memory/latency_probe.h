#pragma once
// The metadata client of the paging test: on its own connection and thread it walks to, getattrs and
// lists small files over and over, timing each request, until told to stop. Reports percentiles;
// asserts nothing (speed is measured, not tested).

#include <atomic>
#include <cstdint>
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

  // Stops probing and returns the figures of every request timed.
  LatencyFigures stop();

 private:
  void run(const std::string& address, int files);

  std::string directory_;
  std::atomic<bool> stopping_{false};
  std::vector<double> latencies_us_;
  std::string failure_;
  std::thread thread_;
};

// Creates `directory` with `files` small files for the probe to visit.
void make_probe_files(const std::string& address, const std::string& directory, int files);

}  // namespace p9::memtest
