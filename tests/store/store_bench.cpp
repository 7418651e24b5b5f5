// store_bench: figures for the store's design goals (not a test; prints, never asserts).
//  1. pinned metadata bytes per empty file with a 16-byte name (goal <= 256 B);
//  2. create rate of the first vs the last 100k of 1M files in one directory (goal ratio >= 0.8);
//  3. RSS after writing 1 GiB to a file, then after truncating it to 0.
#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>
#include <asio/use_future.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "store/store.h"

using namespace p9::store;

namespace {

template <typename T>
T run(asio::awaitable<T> call) {
  asio::io_context io;
  auto future = asio::co_spawn(io, std::move(call), asio::use_future);
  io.run();
  return future.get();
}

uint64_t rss_bytes() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stoull(line.substr(6)) * 1024;
  }
  return 0;
}

std::string name16(uint64_t i) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "file-%011llu", static_cast<unsigned long long>(i));
  return buf;  // 16 bytes
}

const Credentials ROOT{0, 0, {}};

// Creates `count` files named name16(first..) in dir; returns seconds per batch of `batch`.
asio::awaitable<std::vector<double>> create_files(Store& store, NodeRef dir, uint64_t first,
                                                  uint64_t count, uint64_t batch) {
  std::vector<double> seconds;
  auto start = std::chrono::steady_clock::now();
  for (uint64_t i = 0; i < count; ++i) {
    auto r = co_await store.create(dir, name16(first + i), 0644, 0, Caller{ROOT, true});
    if (!r) throw std::runtime_error("create failed: " + std::to_string(r.error()));
    if ((i + 1) % batch == 0) {
      const auto now = std::chrono::steady_clock::now();
      seconds.push_back(std::chrono::duration<double>(now - start).count());
      start = now;
    }
  }
  co_return seconds;
}

}  // namespace

int main(int argc, char** argv) {
  const uint64_t files = argc > 1 ? std::stoull(argv[1]) : 1'000'000;
  const uint64_t batch = files / 10;
  {
    Store store(StoreOptions{});
    NodeRef dir = run(store.mkdir(store.root(), "many", 0755, 0, Caller{ROOT, true})).value();
    const StoreCounters before = store.counters();
    const std::vector<double> seconds = run(create_files(store, dir, 0, files, batch));
    const StoreCounters after = store.counters();
    std::printf("metadata bytes per empty file (16-byte name): %.1f (goal <= 256)\n",
                static_cast<double>(after.metadata_bytes - before.metadata_bytes) / files);
    std::printf("pinned (mlocked) arena bytes now: %llu\n",
                static_cast<unsigned long long>(after.pinned_bytes));
    const double first = batch / seconds.front(), last = batch / seconds.back();
    std::printf("create rate, first %llu: %.0f/s, last %llu: %.0f/s, ratio %.2f (goal >= 0.8)\n",
                static_cast<unsigned long long>(batch), first,
                static_cast<unsigned long long>(batch), last, last / first);
    uint64_t listed = 0;
    const auto t0 = std::chrono::steady_clock::now();
    (void)run(store.readdir(dir, 0, [&](std::span<const DirEntry> batch) {
      listed += batch.size();
      return batch.size();
    }));
    const double list_s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("readdir of %llu entries: %.3f s\n", static_cast<unsigned long long>(listed),
                list_s);
  }
  {
    Store store(StoreOptions{});
    NodeRef f = run(store.create(store.root(), "big", 0644, 0, Caller{ROOT, true})).value();
    const uint64_t rss_start = rss_bytes();
    std::vector<std::byte> chunk(1 << 20, std::byte{0x5a});
    for (uint64_t off = 0; off < (uint64_t{1} << 30); off += chunk.size()) {
      auto w = run(store.write(f, off, chunk, false, Caller{ROOT, true}));
      if (!w) throw std::runtime_error("write failed");
    }
    const uint64_t rss_written = rss_bytes();
    SetAttr truncate;
    truncate.valid = SetAttr::SIZE;
    truncate.size = 0;
    (void)run(store.setattr(f, truncate, Caller{ROOT, true}));
    const uint64_t rss_truncated = rss_bytes();
    std::printf("RSS: start %llu MiB, after writing 1 GiB %llu MiB, after truncate to 0 %llu MiB\n",
                static_cast<unsigned long long>(rss_start >> 20),
                static_cast<unsigned long long>(rss_written >> 20),
                static_cast<unsigned long long>(rss_truncated >> 20));
  }
  return 0;
}
