#include "bench/runner.h"

#include <unistd.h>

#include <algorithm>
#include <asio/co_spawn.hpp>
#include <exception>
#include <thread>

#include "bench/fixtures.h"
#include "bench/parallel.h"
#include "bench/proc_stats.h"

namespace p9::bench {
namespace {

struct ServerSample {
  double cpu_seconds;
  uint64_t context_switches;
};

std::optional<ServerSample> sample_server(const Options& o) {
  if (!o.server_pid) return std::nullopt;
  return ServerSample{process_tree_cpu_seconds(*o.server_pid), process_tree_context_switches(*o.server_pid)};
}

// Every worker of the lane runs the workload's operation until its share of the operations is done
// or the deadline has passed; each operation's latency is recorded.
asio::awaitable<void> measure(Lane& lane, Workload& workload, std::optional<uint64_t> budget,
                              Clock::time_point deadline) {
  auto work = [&](unsigned i) -> asio::awaitable<void> {
    Worker& w = lane.workers[i];
    Clock::time_point before = Clock::now();
    while (budget ? *budget > 0 : before < deadline) {
      if (budget) --*budget;
      co_await workload.op(lane, w);
      const Clock::time_point after = Clock::now();
      lane.latency.record(static_cast<uint64_t>(std::chrono::nanoseconds(after - before).count()));
      ++lane.counters.ops;
      before = after;
    }
  };
  co_await in_parallel(static_cast<unsigned>(lane.workers.size()), work);
}

}  // namespace

Runner::Runner(const Options& options) : options_(options), run_(options) {
  run_.dir_name = "p9bench-" + std::to_string(getpid());
  const unsigned threads = std::min(options.client_threads, options.connections);
  for (unsigned t = 0; t < threads; ++t) contexts_.push_back(std::make_unique<asio::io_context>(1));
  for (unsigned i = 0; i < options.connections; ++i)
    lanes_.push_back(std::make_unique<Lane>(*contexts_[i % threads], i));
}

Runner::~Runner() = default;

template <class Phase>
void Runner::on_lanes(Phase& phase, bool first_only) {
  const std::size_t count = first_only ? 1 : lanes_.size();
  std::vector<std::exception_ptr> failures(count);
  std::vector<unsigned> pending(contexts_.size(), 0);
  for (std::size_t i = 0; i < count; ++i) {
    Lane& lane = *lanes_[i];
    const std::size_t c = i % contexts_.size();
    ++pending[c];
    asio::co_spawn(lane.context(), phase(lane), [&, i, c](std::exception_ptr e) {
      failures[i] = e;
      if (--pending[c] == 0) contexts_[c]->stop();  // the readers' pending reads would keep run() going
    });
  }
  std::vector<std::thread> threads;
  for (std::size_t c = 1; c < contexts_.size(); ++c)
    if (pending[c] > 0) threads.emplace_back([this, c] { contexts_[c]->run(); });
  if (pending[0] > 0) contexts_[0]->run();
  for (std::thread& t : threads) t.join();
  for (auto& context : contexts_) context->restart();
  for (const std::exception_ptr& e : failures)
    if (e) std::rethrow_exception(e);
}

void Runner::start() {
  auto connect = [this](Lane& lane) -> asio::awaitable<void> {
    co_await lane.connect(options_);
    if (options_.verify) lane.pattern = &run_.pattern;
  };
  on_lanes(connect);
  auto make_dir = [this](Lane& lane) -> asio::awaitable<void> { co_await lane.mkdir(lane.root(), run_.dir_name); };
  on_lanes(make_dir, true);
  auto enter = [this](Lane& lane) -> asio::awaitable<void> { co_await lane.enter(run_.dir_name); };
  on_lanes(enter);
}

Result Runner::run(std::string_view name) {
  std::unique_ptr<Workload> workload = make_workload(name, run_);
  auto prepare = [&](Lane& lane) { return workload->prepare(lane); };
  on_lanes(prepare, true);
  open_workers(*workload);
  Result result = measure_all(*workload);
  result.workload = name;
  close_workers(*workload);
  if (options_.cleanup) {
    auto cleanup = [&](Lane& lane) { return workload->cleanup(lane); };
    on_lanes(cleanup, true);
  }
  return result;
}

void Runner::open_workers(Workload& workload) {
  auto open = [&](Lane& lane) -> asio::awaitable<void> {
    lane.workers.assign(options_.depth, Worker{});
    auto open_one = [&](unsigned i) -> asio::awaitable<void> {
      Worker& w = lane.workers[i];
      w.scratch = lane.new_fid();
      w.random = (uint64_t{lane.index()} << 32 | i) * 0x9E3779B97F4A7C15 | 1;  // distinct, never 0
      co_await workload.open(lane, w);
    };
    co_await in_parallel(options_.depth, open_one);
    lane.counters = {};  // the setup's RPCs are not part of the result
    lane.latency = {};
  };
  on_lanes(open);
}

Result Runner::measure_all(Workload& workload) {
  // An operation count is split over the connections; the first ones take the remainder.
  const std::optional<uint64_t> total = workload.fixed_ops() ? workload.fixed_ops() : options_.ops;
  const std::optional<ServerSample> server_before = sample_server(options_);
  const double client_before = own_cpu_seconds();
  const Clock::time_point start = Clock::now();
  const Clock::time_point deadline =
      start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(options_.duration));
  auto run_ops = [&](Lane& lane) -> asio::awaitable<void> {
    std::optional<uint64_t> budget;
    if (total) budget = *total / lanes_.size() + (lane.index() < *total % lanes_.size() ? 1 : 0);
    co_await measure(lane, workload, budget, deadline);
  };
  on_lanes(run_ops);
  const Interval measured{start, Clock::now()};

  Result result;
  result.msize = lanes_.front()->msize();
  result.seconds = measured.seconds();
  result.client_cpu = own_cpu_seconds() - client_before;
  if (server_before) {
    const ServerSample after = *sample_server(options_);
    result.server_cpu = after.cpu_seconds - server_before->cpu_seconds;
    // Threads that exit during the run take their counts with them: then there is no figure.
    if (after.context_switches >= server_before->context_switches)
      result.server_context_switches = after.context_switches - server_before->context_switches;
  }
  for (const auto& lane : lanes_) {
    result.counters.add(lane->counters);
    result.latency.merge(lane->latency);
  }
  workload.finish(result.figures, measured);
  return result;
}

void Runner::close_workers(Workload& workload) {
  auto close = [&](Lane& lane) -> asio::awaitable<void> {
    auto close_one = [&](unsigned i) -> asio::awaitable<void> {
      co_await workload.close(lane, lane.workers[i]);
      lane.free_fid(lane.workers[i].scratch);
    };
    co_await in_parallel(options_.depth, close_one);
    lane.workers.clear();
  };
  on_lanes(close);
}

void Runner::stop() {
  if (options_.cleanup) {
    auto remove = [this](Lane& lane) { return remove_run_dir(lane, run_); };
    on_lanes(remove, true);
  }
  auto disconnect = [](Lane& lane) { return lane.disconnect(); };
  on_lanes(disconnect);
}

}  // namespace p9::bench
