// How p9bench prints a result: a short block for people, or one CSV line per result for scripts
// (bench/compare.sh). MB are 10^6 bytes; latencies are per operation (one operation may be several
// RPCs: see the workload), in microseconds.
#pragma once

#include "bench/options.h"
#include "bench/runner.h"

namespace p9::bench {

void print_text(const Options& options, const Result& result);
void print_csv_header();
void print_csv(const Options& options, const Result& result);

}  // namespace p9::bench
