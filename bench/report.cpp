#include "bench/report.h"

#include <fmt/format.h>

#include <optional>
#include <string>

namespace p9::bench {
namespace {

struct Rates {
  double ops, rpcs, mb;
};

Rates per(const Counters& c, double seconds) {
  return {static_cast<double>(c.ops) / seconds, static_cast<double>(c.rpcs) / seconds,
          static_cast<double>(c.bytes) / 1e6 / seconds};
}

// Per server CPU-second: nothing when the CPU time is unknown or too small to divide by (one tick).
std::optional<Rates> per_server_cpu(const Result& r) {
  if (!r.server_cpu || *r.server_cpu < 0.01) return std::nullopt;
  return per(r.counters, *r.server_cpu);
}

double micros(uint64_t ns) { return static_cast<double>(ns) / 1e3; }

// How often the server slept and woke up per request: the cost a server can save by batching.
std::optional<double> switches_per_rpc(const Result& r) {
  if (!r.server_context_switches || r.counters.rpcs == 0) return std::nullopt;
  return static_cast<double>(*r.server_context_switches) / static_cast<double>(r.counters.rpcs);
}

std::string label_of(const Options& o) { return o.label.empty() ? o.address : o.label; }

}  // namespace

void print_text(const Options& o, const Result& r) {
  const Rates rate = per(r.counters, r.seconds);
  fmt::print("{} on {}: {} connection(s) x {} in flight, msize {}, {:.2f} s\n", r.workload, label_of(o), o.connections,
             o.depth, r.msize, r.seconds);
  fmt::print("  {} ops  {:.0f} ops/s  {:.0f} RPC/s  {:.1f} MB/s\n", r.counters.ops, rate.ops, rate.rpcs, rate.mb);
  fmt::print("  latency p50 {:.1f} us  p99 {:.1f} us  p99.9 {:.1f} us\n", micros(r.latency.percentile(0.5)),
             micros(r.latency.percentile(0.99)), micros(r.latency.percentile(0.999)));
  if (const auto cpu = per_server_cpu(r))
    fmt::print("  server {:.2f} CPU-s: {:.0f} ops  {:.0f} RPCs  {:.1f} MB per server CPU-second\n", *r.server_cpu,
               cpu->ops, cpu->rpcs, cpu->mb);
  if (const auto switches = switches_per_rpc(r)) fmt::print("  server context switches per RPC {:.3f}\n", *switches);
  fmt::print("  client {:.2f} CPU-s\n", r.client_cpu);
  for (const auto& [name, value] : r.figures) fmt::print("  {} {:.1f}\n", name, value);
  if (r.counters.verify_failures > 0)
    fmt::print("  VERIFY FAILED: {} operation(s) read back wrong data\n", r.counters.verify_failures);
}

void print_csv_header() {
  fmt::print(
      "label,workload,connections,depth,msize,seconds,ops,rpcs,bytes,ops_per_s,rpcs_per_s,mb_per_s,"
      "p50_us,p99_us,p999_us,server_cpu_s,ops_per_cpu_s,rpcs_per_cpu_s,mb_per_cpu_s,"
      "server_switches_per_rpc,client_cpu_s,verify_failures,figures\n");
}

void print_csv(const Options& o, const Result& r) {
  const Rates rate = per(r.counters, r.seconds);
  const std::optional<Rates> cpu = per_server_cpu(r);
  const auto optional = [](std::optional<double> v, int digits = 2) {
    return v ? fmt::format("{:.{}f}", *v, digits) : std::string();
  };
  std::string figures;
  for (const auto& [name, value] : r.figures)
    figures += fmt::format("{}{}={:.2f}", figures.empty() ? "" : ";", name, value);
  fmt::print("{},{},{},{},{},{:.3f},{},{},{},{:.1f},{:.1f},{:.2f},{:.1f},{:.1f},{:.1f},{},{},{},{},{},{:.2f},{},{}\n",
             label_of(o), r.workload, o.connections, o.depth, r.msize, r.seconds, r.counters.ops, r.counters.rpcs,
             r.counters.bytes, rate.ops, rate.rpcs, rate.mb, micros(r.latency.percentile(0.5)),
             micros(r.latency.percentile(0.99)), micros(r.latency.percentile(0.999)), optional(r.server_cpu),
             optional(cpu ? std::optional(cpu->ops) : std::nullopt),
             optional(cpu ? std::optional(cpu->rpcs) : std::nullopt),
             optional(cpu ? std::optional(cpu->mb) : std::nullopt), optional(switches_per_rpc(r), 3), r.client_cpu,
             r.counters.verify_failures, figures);
  std::fflush(stdout);
}

}  // namespace p9::bench
