// What every session shares: the exports, the limits, and the live counters that logs and metrics
// read. Owned by the Server; sessions hold a reference for their whole life.
#pragma once

#include <atomic>
#include <cstdint>

#include "server/export.h"
#include "server/options.h"
#include "server/request_stats.h"

namespace p9::server {

struct ServerCounters {
  std::atomic<uint64_t> connections{0};  // open now
  std::atomic<uint64_t> connections_total{0};
  std::atomic<uint64_t> connections_refused{0};  // over max_connections
  std::atomic<uint64_t> fids{0};  // open now, all sessions
  std::atomic<uint64_t> requests{0};
  std::atomic<uint64_t> errors{0};  // Rlerror replies
  std::atomic<uint64_t> bytes_read{0};  // Rread payload
  std::atomic<uint64_t> bytes_written{0};  // Twrite payload accepted
  RequestStats by_type;
};

struct ServerContext {
  const ServerOptions& options;
  ExportTable& exports;
  ServerCounters& counters;
};

}  // namespace p9::server
