#include "server/io_threads.h"

#include <algorithm>
#include <thread>

namespace p9::server {

IoThreads::IoThreads(unsigned threads) {
  for (unsigned i = 0; i < std::max(threads, 1u); ++i) {
    // Concurrency hint 1: one thread runs it, so Asio queues its own completions thread-privately.
    contexts_.push_back(std::make_unique<asio::io_context>(1));
    work_.emplace_back(contexts_.back()->get_executor());
  }
}

asio::io_context& IoThreads::next() {
  return *contexts_[next_.fetch_add(1, std::memory_order_relaxed) % contexts_.size()];
}

void IoThreads::run() {
  std::vector<std::thread> threads;
  for (std::size_t i = 1; i < contexts_.size(); ++i) {
    threads.emplace_back([context = contexts_[i].get()] { context->run(); });
  }
  contexts_.front()->run();
  for (std::thread& t : threads) t.join();
}

void IoThreads::stop() {
  for (auto& context : contexts_) context->stop();
}

}  // namespace p9::server
