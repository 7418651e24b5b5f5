#pragma once
// Faults swapped-out body pages back into RAM on helper threads, so that the io threads never sit in
// a major fault: an io thread asks Body::paged_out() which pages of a range are missing (a mincore,
// no fault), co_awaits page_in() for them — its thread goes on serving other requests meanwhile —
// and then copies from resident pages.
//
// A helper first queues the reads of the whole range (MADV_WILLNEED: one batch of swap I/O, not one
// fault's readahead after another), then waits for them and maps the pages with MADV_POPULATE_READ
// (Linux 5.14), or on older kernels reads one byte of each page through process_vm_readv: either way
// the kernel touches the memory, never our code, so a page freed or rewritten by another request
// meanwhile is no data race. Reading (not writing) in also never allocates memory for a block freed
// meanwhile: a read fault on a discarded anonymous page maps the shared zero page. A page that is
// then written takes a minor fault only. Last, MADV_COLD takes back the "accessed" mark that both
// ways of faulting leave (see populate() in pager.cpp): pages read back once must not look like a
// working set to reclaim.
//
// The helper threads are named "p9-pager" (visible in /proc/PID/task/*/comm), so that their faults
// can be told from the io threads'.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <thread>
#include <vector>

#include <asio/awaitable.hpp>
#include <asio/executor_work_guard.hpp>
#include <asio/io_context.hpp>

#include "store/memory/body.h"

namespace p9 {

class Pager {
 public:
  static constexpr std::size_t kDefaultThreads = 2;

  explicit Pager(std::size_t threads = kDefaultThreads);
  Pager(const Pager&) = delete;
  Pager& operator=(const Pager&) = delete;
  // Finishes the page-ins already queued, then joins the helpers.
  ~Pager();

  // Faults `runs` in on a helper thread; resumes the awaiting coroutine on its own executor when
  // done. The runs' memory must stay mapped until then (segments are unmapped only when their pool
  // dies). Never fails: a page that cannot be read in is left for the copy to fault on.
  asio::awaitable<void> page_in(std::vector<PageRun> runs);

  // Bytes faulted in, and the major faults the helper threads took doing so.
  std::uint64_t paged_in_bytes() const noexcept { return paged_in_bytes_.load(std::memory_order_relaxed); }
  std::uint64_t major_faults() const noexcept { return major_faults_.load(std::memory_order_relaxed); }

 private:
  struct Start;

  void fault_in(const std::vector<PageRun>& runs) noexcept;

  asio::io_context helpers_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  std::vector<std::thread> threads_;
  std::atomic<std::uint64_t> paged_in_bytes_{0};
  std::atomic<std::uint64_t> major_faults_{0};
};

}  // namespace p9
