#include "store/memory/pager.h"

#include <pthread.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>

#include <array>
#include <cerrno>

#include <asio/associated_executor.hpp>
#include <asio/async_result.hpp>
#include <asio/post.hpp>
#include <asio/use_awaitable.hpp>

#include "store/memory/thread_faults.h"

namespace p9 {

namespace {

// MADV_POPULATE_READ arrived in Linux 5.14; older kernels reject it with EINVAL.
std::atomic<bool> populate_read_works{true};

// The fallback: the kernel reads one byte of each page for us (faulting it in) into a scratch buffer.
void touch_pages(const PageRun& run, std::size_t page_size) {
  constexpr std::size_t kBatch = 64;
  std::array<char, kBatch> scratch;
  std::array<iovec, kBatch> pages;
  for (std::size_t offset = 0; offset < run.bytes;) {
    std::size_t count = 0;
    for (; count < kBatch && offset < run.bytes; ++count, offset += page_size) pages[count] = {run.begin + offset, 1};
    const iovec into{scratch.data(), count};
    process_vm_readv(getpid(), &into, 1, pages.data(), count, 0);
  }
}

// Reads the pages of `run` in and maps them, leaving them no hotter than a fault of the io thread would.
void populate(const PageRun& run, std::size_t page_size) {
  // Queues the reads of the whole run at once: one batch of I/O rather than one fault's readahead after
  // another. Asynchronous; the populate below waits for it.
  madvise(run.begin, run.bytes, MADV_WILLNEED);
  bool populated = false;
#ifdef MADV_POPULATE_READ
  if (populate_read_works.load(std::memory_order_relaxed)) {
    populated = madvise(run.begin, run.bytes, MADV_POPULATE_READ) == 0 || errno != EINVAL;
    if (!populated) populate_read_works.store(false, std::memory_order_relaxed);
  }
#endif
  if (!populated) touch_pages(run, page_size);
#ifdef MADV_COLD
  // Both ways fault the pages in through get_user_pages with FOLL_TOUCH, which also marks them
  // accessed: on its next pass reclaim would move every page read back onto the active list, as if
  // all of it were a working set. In a cgroup v1 memory limit, where reclaim runs only in the
  // threads that charge, reclaim found nothing it would take and the OOM killer took the server
  // with half the swap free. MADV_COLD forgets the pager's touch; the copy that follows touches
  // them once, as an io thread's own fault would have.
  madvise(run.begin, run.bytes, MADV_COLD);
#endif
}

}  // namespace

// Runs the page-in on a helper, then hands the completion back to the awaiting coroutine's executor
// (kept alive meanwhile by a work guard).
struct Pager::Start {
  Pager* pager;

  template <typename Handler>
  void operator()(Handler&& handler, std::vector<PageRun> runs) const {
    auto work = asio::make_work_guard(asio::get_associated_executor(handler));
    asio::post(pager->helpers_, [pager = pager, runs = std::move(runs), handler = std::move(handler),
                                 work = std::move(work)]() mutable {
      pager->fault_in(runs);
      asio::post(work.get_executor(), std::move(handler));
      work.reset();
    });
  }
};

Pager::Pager(std::size_t threads) : work_(asio::make_work_guard(helpers_)) {
  threads_.reserve(threads);
  for (std::size_t i = 0; i < threads; ++i) {
    threads_.emplace_back([this] {
      pthread_setname_np(pthread_self(), "p9-pager");
      helpers_.run();
    });
  }
}

Pager::~Pager() {
  work_.reset();
  for (auto& thread : threads_) thread.join();
}

asio::awaitable<void> Pager::page_in(std::vector<PageRun> runs) {
  const Start start{this};
  co_await asio::async_initiate<const asio::use_awaitable_t<>&, void()>(start, asio::use_awaitable,
                                                                         std::move(runs));
}

void Pager::fault_in(const std::vector<PageRun>& runs) noexcept {
  const std::size_t page_size = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  const std::uint64_t faults_before = thread_major_faults();
  std::uint64_t bytes = 0;
  for (const PageRun& run : runs) {
    populate(run, page_size);
    bytes += run.bytes;
  }
  paged_in_bytes_.fetch_add(bytes, std::memory_order_relaxed);
  major_faults_.fetch_add(thread_major_faults() - faults_before, std::memory_order_relaxed);
}

}  // namespace p9
