#include "server/metrics.h"

#include <cstring>
#include <stdexcept>
#include <vector>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/read_until.hpp>
#include <asio/steady_timer.hpp>
#include <asio/streambuf.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "proto/message.h"

namespace p9::server {
namespace {

using asio::ip::tcp;
constexpr auto as_tuple = asio::experimental::as_tuple(asio::use_awaitable);

void family(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
  fmt::format_to(std::back_inserter(out), "# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
}

void sample(std::string& out, std::string_view name, std::string_view labels, uint64_t value) {
  if (labels.empty()) fmt::format_to(std::back_inserter(out), "{} {}\n", name, value);
  else fmt::format_to(std::back_inserter(out), "{}{{{}}} {}\n", name, labels, value);
}

void render_requests(std::string& out, const RequestStats& stats) {
  family(out, "p9tmpfs_requests_total", "counter", "9P requests answered, by message type.");
  family(out, "p9tmpfs_request_errors_total", "counter", "Requests answered with Rlerror, by type.");
  family(out, "p9tmpfs_request_duration_seconds", "histogram",
         "Time from a request's arrival to its reply being queued, by message type.");
  for (int t = 0; t < 256; t += 2) {  // requests have even numbers
    const auto type = static_cast<MsgType>(t);
    std::string_view name = msg_name(type);
    if (name.empty()) continue;
    const auto f = stats.figures(type);
    if (f.count == 0) continue;
    const std::string label = fmt::format("type=\"{}\"", name);
    sample(out, "p9tmpfs_requests_total", label, f.count);
    sample(out, "p9tmpfs_request_errors_total", label, f.errors);
    uint64_t cumulative = 0;
    for (size_t b = 0; b < RequestStats::bucket_us.size(); ++b) {
      cumulative += f.buckets[b];
      fmt::format_to(std::back_inserter(out),
                     "p9tmpfs_request_duration_seconds_bucket{{{},le=\"{:g}\"}} {}\n", label,
                     RequestStats::bucket_us[b] / 1e6, cumulative);
    }
    cumulative += f.buckets.back();
    fmt::format_to(std::back_inserter(out),
                   "p9tmpfs_request_duration_seconds_bucket{{{},le=\"+Inf\"}} {}\n", label, cumulative);
    fmt::format_to(std::back_inserter(out), "p9tmpfs_request_duration_seconds_sum{{{}}} {:.9f}\n",
                   label, f.latency_sum_ns / 1e9);
    fmt::format_to(std::back_inserter(out), "p9tmpfs_request_duration_seconds_count{{{}}} {}\n",
                   label, f.count);
  }
  family(out, "p9tmpfs_errors_total", "counter", "Rlerror replies, by errno.");
  for (int e = 1; e <= RequestStats::max_errno; ++e) {
    const uint64_t n = stats.errors_with(e);
    if (n == 0) continue;
    const char* name = strerrorname_np(e);
    sample(out, "p9tmpfs_errors_total", fmt::format("errno=\"{}\"", name ? name : std::to_string(e)), n);
  }
}

void render_exports(std::string& out, const ExportTable& exports) {
  using Counters = store::StoreCounters;
  struct Figure {
    std::string_view name, type, help;
    uint64_t (*get)(const Export&, const Counters&);
  };
  static const Figure figures[] = {
      {"p9tmpfs_nodes", "gauge", "Nodes alive, the root included.",
       [](const Export&, const Counters& c) { return c.nodes; }},
      {"p9tmpfs_orphan_nodes", "gauge", "Nodes without a name still held open.",
       [](const Export&, const Counters& c) { return c.orphans; }},
      {"p9tmpfs_space_used_bytes", "gauge", "Bytes charged against the size limit (file data, xattrs).",
       [](const Export&, const Counters& c) { return c.space_used; }},
      {"p9tmpfs_metadata_bytes", "gauge", "Metadata bytes in use in the pinned arena.",
       [](const Export&, const Counters& c) { return c.metadata_bytes; }},
      {"p9tmpfs_metadata_mapped_bytes", "gauge", "Bytes of the metadata arena's mappings.",
       [](const Export&, const Counters& c) { return c.metadata_mapped_bytes; }},
      {"p9tmpfs_pinned_bytes", "gauge", "Metadata arena bytes locked in RAM (0 when pinning is off or refused).",
       [](const Export&, const Counters& c) { return c.pinned_bytes; }},
      {"p9tmpfs_body_bytes", "gauge", "Pages of file data, in RAM or swapped out.",
       [](const Export&, const Counters& c) { return c.body_bytes; }},
      {"p9tmpfs_body_resident_bytes", "gauge", "File data in RAM now (mincore).",
       [](const Export&, const Counters& c) { return c.body_resident_bytes; }},
      {"p9tmpfs_body_paged_out_bytes", "gauge", "File data swapped out now.",
       [](const Export&, const Counters& c) { return c.body_paged_out_bytes; }},
      {"p9tmpfs_body_paged_in_bytes_total", "counter",
       "File data the pager's helper threads faulted in before an io thread copied it.",
       [](const Export&, const Counters& c) { return c.paged_in_bytes; }},
      {"p9tmpfs_pager_major_faults_total", "counter", "Major faults taken by the pager's helper threads.",
       [](const Export&, const Counters& c) { return c.pager_major_faults; }},
      {"p9tmpfs_io_major_faults_total", "counter",
       "Major faults io threads took while copying file data (the pager should have taken them).",
       [](const Export&, const Counters& c) { return c.io_major_faults; }},
      {"p9tmpfs_size_limit_bytes", "gauge", "The export's size limit (0: unlimited).",
       [](const Export& e, const Counters&) { return e.size_limit(); }},
      {"p9tmpfs_inode_limit", "gauge", "The export's node limit (0: unlimited).",
       [](const Export& e, const Counters&) { return e.inode_limit(); }},
  };
  // One reading per export: the resident figure walks the export's body memory.
  const std::vector<Export*> all = exports.all();
  std::vector<Counters> counters;
  for (const Export* e : all) counters.push_back(e->store.counters());
  for (const Figure& f : figures) {
    family(out, f.name, f.type, f.help);
    for (std::size_t i = 0; i < all.size(); ++i)
      sample(out, f.name, fmt::format("export=\"{}\"", all[i]->options.name), f.get(*all[i], counters[i]));
  }
}

}  // namespace

std::string render_metrics(const ServerContext& ctx) {
  std::string out;
  const ServerCounters& c = ctx.counters;
  const auto counter = [&](std::string_view name, std::string_view help, const std::atomic<uint64_t>& v) {
    family(out, name, "counter", help);
    sample(out, name, "", v.load(std::memory_order_relaxed));
  };
  const auto gauge = [&](std::string_view name, std::string_view help, uint64_t v) {
    family(out, name, "gauge", help);
    sample(out, name, "", v);
  };
  gauge("p9tmpfs_connections", "Connections open now.", c.connections.load());
  counter("p9tmpfs_connections_total", "Connections accepted.", c.connections_total);
  counter("p9tmpfs_connections_refused_total", "Connections refused over --max-connections.",
          c.connections_refused);
  gauge("p9tmpfs_fids", "Fids open now, all connections.", c.fids.load());
  counter("p9tmpfs_read_bytes_total", "File bytes returned by Tread.", c.bytes_read);
  counter("p9tmpfs_written_bytes_total", "File bytes accepted by Twrite.", c.bytes_written);
  gauge("p9tmpfs_max_connections", "The connection limit.", ctx.options.max_connections);
  gauge("p9tmpfs_max_fids", "The per-connection fid limit.", ctx.options.max_fids);
  render_requests(out, c.by_type);
  render_exports(out, ctx.exports);
  return out;
}

struct MetricsEndpoint::State {
  State(asio::io_context& io, const ServerContext& c) : acceptor(io), ctx(c) {}
  tcp::acceptor acceptor;
  const ServerContext& ctx;
};

MetricsEndpoint::MetricsEndpoint(asio::io_context& io, const Address& address, const ServerContext& ctx)
    : state_(std::make_shared<State>(io, ctx)) {
  if (address.kind != Address::Kind::tcp)
    throw std::runtime_error("--metrics takes a tcp:HOST:PORT address");
  asio::error_code ec;
  const tcp::endpoint endpoint(asio::ip::make_address(address.host, ec), address.port);
  if (ec) throw std::runtime_error(fmt::format("--metrics: '{}' is not an IP address", address.host));
  auto& a = state_->acceptor;
  a.open(endpoint.protocol(), ec);
  if (!ec) a.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) a.bind(endpoint, ec);
  if (!ec) a.listen(asio::socket_base::max_listen_connections, ec);
  if (ec)
    throw std::runtime_error(fmt::format("--metrics: cannot listen on {}:{}: {}", address.host,
                                         address.port, ec.message()));
  spdlog::info("metrics on http://{}:{}/metrics", address.host, a.local_endpoint().port());

  asio::co_spawn(
      a.get_executor(),
      [state = state_]() -> asio::awaitable<void> {
        for (;;) {
          auto [ec, socket] = co_await state->acceptor.async_accept(as_tuple);
          if (ec == asio::error::operation_aborted || !state->acceptor.is_open()) co_return;
          if (ec) continue;
          asio::co_spawn(
              state->acceptor.get_executor(),
              [state, s = std::move(socket)]() mutable -> asio::awaitable<void> {
                // A scraper that never finishes its request must not hold the socket forever.
                asio::steady_timer deadline(s.get_executor(), std::chrono::seconds(5));
                deadline.async_wait([&s](const asio::error_code& e) {
                  if (!e) s.close();
                });
                asio::streambuf request(8192);
                auto [rec, n] = co_await asio::async_read_until(s, request, "\r\n\r\n", as_tuple);
                if (rec) co_return;
                std::string head(asio::buffers_begin(request.data()),
                                 asio::buffers_begin(request.data()) + static_cast<std::ptrdiff_t>(n));
                const bool ok = head.starts_with("GET /metrics ") || head.starts_with("GET / ");
                std::string body = ok ? render_metrics(state->ctx) : "not found: try /metrics\n";
                std::string reply = fmt::format(
                    "HTTP/1.0 {}\r\nContent-Type: text/plain; version=0.0.4\r\nContent-Length: "
                    "{}\r\nConnection: close\r\n\r\n{}",
                    ok ? "200 OK" : "404 Not Found", body.size(), body);
                co_await asio::async_write(s, asio::buffer(reply), as_tuple);
                deadline.cancel();
              },
              asio::detached);
        }
      },
      asio::detached);
}

MetricsEndpoint::~MetricsEndpoint() { close(); }

void MetricsEndpoint::close() {
  asio::post(state_->acceptor.get_executor(), [state = state_] {
    asio::error_code ignored;
    state->acceptor.close(ignored);
  });
}

}  // namespace p9::server
