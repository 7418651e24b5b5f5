// The optional Prometheus endpoint (--metrics tcp:HOST:PORT): a tiny HTTP/1.0 responder that
// answers every GET with the text exposition format, then closes.
#pragma once

#include <string>

#include <asio/io_context.hpp>

#include "server/address.h"
#include "server/server_context.h"

namespace p9::server {

// The whole exposition: server counters, per-message-type figures, and each export's store.
std::string render_metrics(const ServerContext& ctx);

// Listens on `address` (tcp only) and serves until the io_context stops or close() is called.
// Throws std::runtime_error when it cannot listen.
class MetricsEndpoint {
 public:
  MetricsEndpoint(asio::io_context& io, const Address& address, const ServerContext& ctx);
  ~MetricsEndpoint();
  void close();

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace p9::server
