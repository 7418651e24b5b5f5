#include "tests/memory/latency_probe.h"

#include <algorithm>
#include <chrono>
#include <stdexcept>

#include "client/sync_client.h"

namespace p9::memtest {

namespace {

double percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  const auto rank = static_cast<std::size_t>(p * static_cast<double>(sorted.size() - 1));
  return sorted[rank];
}

}  // namespace

void make_probe_files(const std::string& address, const std::string& directory, int files) {
  client::SyncClient fs(client::Address::parse(address));
  fs.mkdir(directory, 0755);
  const std::byte byte{42};
  for (int i = 0; i < files; ++i) {
    const client::OpenFile file = fs.create(directory + "/f" + std::to_string(i), DOTL_RDWR, 0644);
    fs.write(file.fid, 0, std::span(&byte, 1));
    fs.clunk(file.fid);
  }
}

LatencyProbe::LatencyProbe(const std::string& address, std::string directory, int files)
    : directory_(std::move(directory)), thread_([this, address, files] { run(address, files); }) {}

LatencyProbe::~LatencyProbe() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
}

void LatencyProbe::run(const std::string& address, int files) {
  try {
    client::SyncClient fs(client::Address::parse(address));
    const auto timed = [&](auto request) {
      const auto start = std::chrono::steady_clock::now();
      auto result = request();
      const double us = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count();
      const std::lock_guard lock(mutex_);
      latencies_us_.push_back(us);
      return result;
    };
    for (int i = 0; !stopping_; i = (i + 1) % files) {
      const uint32_t fid = timed([&] { return fs.walk(directory_ + "/f" + std::to_string(i)); });
      timed([&] { return fs.getattr(fid); });
      fs.clunk(fid);
      if (i % 10 == 0) timed([&] { return fs.list(directory_); });  // Twalk + Tlopen + Treaddir
    }
  } catch (const std::exception& e) {
    failure_ = e.what();
  }
}

LatencyFigures LatencyProbe::lap() {
  std::vector<double> latencies;
  {
    const std::lock_guard lock(mutex_);
    latencies.swap(latencies_us_);
  }
  std::sort(latencies.begin(), latencies.end());
  LatencyFigures f;
  f.requests = latencies.size();
  f.p50_us = percentile(latencies, 0.50);
  f.p99_us = percentile(latencies, 0.99);
  f.max_us = latencies.empty() ? 0 : latencies.back();
  return f;
}

void LatencyProbe::stop() {
  stopping_ = true;
  thread_.join();
  if (!failure_.empty()) throw std::runtime_error("latency probe: " + failure_);
}

}  // namespace p9::memtest
