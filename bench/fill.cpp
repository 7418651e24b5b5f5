// fill: the memory and scaling figures of the issue. Creates options.files empty files with 16-byte
// names in one directory (Twalk + Tlcreate + Tclunk each) and reports
//   - the create rate of the first and of the last window of 100k files (does a big directory slow
//     creation down?), and
//   - with --server-pid: the server's growth in VmRSS and VmLck (pinned) bytes per file.
#include <algorithm>
#include <atomic>
#include <optional>

#include "bench/fixtures.h"
#include "bench/proc_stats.h"
#include "bench/workload.h"

namespace p9::bench {
namespace {

constexpr std::string_view FILL_DIR = "fill";
constexpr uint64_t WINDOW = 100000;

class Fill final : public Workload {
 public:
  explicit Fill(RunState& run)
      : Workload(run), window_(std::max<uint64_t>(1, std::min(WINDOW, run.options.files / 2))) {}

  std::optional<uint64_t> fixed_ops() const override { return run_.options.files; }

  asio::awaitable<void> prepare(Lane& lane) override {
    co_await lane.mkdir(lane.dir(), FILL_DIR);
    if (run_.options.server_pid) before_ = process_memory(*run_.options.server_pid);
    run_.next_name = 0;
  }

  asio::awaitable<void> open(Lane& lane, Worker& w) override { w.file = co_await walk_fixture(lane, FILL_DIR); }

  asio::awaitable<void> op(Lane& lane, Worker& w) override {
    const std::string_view name = w.set_name('f', run_.next_name++);
    co_await lane.walk(w.file, w.scratch, {});
    co_await lane.lcreate(w.scratch, name, DOTL_RDWR | DOTL_CREATE);
    co_await lane.clunk(w.scratch);
    const uint64_t done = ++done_;
    if (done == window_) first_window_end_ = Clock::now();
    if (done == run_.options.files - window_) last_window_start_ = Clock::now();
  }

  void finish(Figures& figures, const Interval& measured) override {
    const auto rate = [this](Clock::time_point from, Clock::time_point to) {
      return static_cast<double>(window_) / std::chrono::duration<double>(to - from).count();
    };
    figures.emplace_back("window_files", static_cast<double>(window_));
    figures.emplace_back("first_window_creates_per_s", rate(measured.start, first_window_end_.load()));
    figures.emplace_back("last_window_creates_per_s", rate(last_window_start_.load(), measured.end));
    if (!before_) return;
    const ProcessMemory after = process_memory(*run_.options.server_pid);
    const auto per_file = [this](uint64_t from, uint64_t to) {
      return (static_cast<double>(to) - static_cast<double>(from)) / static_cast<double>(run_.options.files);
    };
    figures.emplace_back("rss_bytes_per_file", per_file(before_->rss_bytes, after.rss_bytes));
    figures.emplace_back("pinned_bytes_per_file", per_file(before_->locked_bytes, after.locked_bytes));
    figures.emplace_back("rss_mib_after", static_cast<double>(after.rss_bytes) / (1 << 20));
    figures.emplace_back("pinned_mib_after", static_cast<double>(after.locked_bytes) / (1 << 20));
  }

  asio::awaitable<void> cleanup(Lane& lane) override {
    const uint32_t dir = co_await walk_fixture(lane, FILL_DIR);
    co_await remove_entries(lane, dir, 'f', run_.options.files, run_.options.depth);
    co_await lane.release(dir);
    const uint32_t scratch = lane.new_fid();
    co_await lane.unlink(lane.dir(), FILL_DIR, scratch, DOTL_AT_REMOVEDIR);
    lane.free_fid(scratch);
  }

 private:
  const uint64_t window_;
  std::optional<ProcessMemory> before_;
  // Lanes may run on several threads.
  std::atomic<uint64_t> done_{0};
  std::atomic<Clock::time_point> first_window_end_{};
  std::atomic<Clock::time_point> last_window_start_{};
};

}  // namespace

std::unique_ptr<Workload> make_fill(RunState& run) { return std::make_unique<Fill>(run); }

}  // namespace p9::bench
