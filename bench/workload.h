// A workload: what one measured operation is, and what it needs on the server before and after.
// The runner calls, in order: prepare (first connection only), open (every worker of every
// connection), op repeatedly (the measured part), finish, close, then cleanup (first connection
// only, unless --no-cleanup). A worker's scratch fid and random state are set before open.
#pragma once

#include <asio/awaitable.hpp>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "bench/lane.h"
#include "bench/options.h"
#include "bench/pattern.h"

namespace p9::bench {

// Files and progress that all connections of one p9bench invocation share. Prepared files are kept
// across the workloads of an invocation (seqread reuses what seqwrite wrote).
struct RunState {
  explicit RunState(const Options& o) : options(o) {}

  const Options& options;
  Pattern pattern;
  std::string dir_name;  // the run's own directory below the root

  // Which fixtures (bench/fixtures.h) exist.
  bool has_data = false;
  bool data_complete = false;  // the data file holds the pattern over all options.file_size bytes
  bool has_target = false;
  bool has_listing = false;

  std::atomic<uint64_t> next_chunk{0};  // the sequential stream shared by all connections
  std::atomic<uint64_t> next_name{0};   // unique file names across connections
};

// Workload-specific results, e.g. {"rss_bytes_per_file", 212.5}.
using Figures = std::vector<std::pair<std::string, double>>;

using Clock = std::chrono::steady_clock;
// The measured part of a run.
struct Interval {
  Clock::time_point start;
  Clock::time_point end;
  double seconds() const noexcept { return std::chrono::duration<double>(end - start).count(); }
};

class Workload {
 public:
  explicit Workload(RunState& run) : run_(run) {}
  virtual ~Workload() = default;
  Workload(const Workload&) = delete;
  Workload& operator=(const Workload&) = delete;

  virtual asio::awaitable<void> prepare(Lane&) { co_return; }
  virtual asio::awaitable<void> open(Lane&, Worker&) { co_return; }
  virtual asio::awaitable<void> op(Lane& lane, Worker& worker) = 0;
  virtual asio::awaitable<void> close(Lane& lane, Worker& worker);
  virtual asio::awaitable<void> cleanup(Lane&) { co_return; }

  // A workload with a fixed amount of work (fill) runs exactly this many operations.
  virtual std::optional<uint64_t> fixed_ops() const { return std::nullopt; }
  // Called once the measured operations are done, before close.
  virtual void finish(Figures&, const Interval&) {}

 protected:
  RunState& run_;
};

// Names accepted by make_workload, in the order the help lists them.
const std::vector<std::string>& workload_list();
std::unique_ptr<Workload> make_workload(std::string_view name, RunState& run);
// fill (bench/fill.cpp): creates options.files empty files in one directory, for memory figures.
std::unique_ptr<Workload> make_fill(RunState& run);

}  // namespace p9::bench
