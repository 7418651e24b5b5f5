// p9bench: measures a 9P2000.L server with the in-repo client, many requests in flight.
// Exit status: 0 all workloads ran and every read-back verified; 1 otherwise.
#include <cstdio>
#include <exception>
#include <string>

#include "bench/options.h"
#include "bench/report.h"
#include "bench/runner.h"

int main(int argc, char** argv) {
  using namespace p9::bench;
  const Options options = parse_options(argc, argv);
  std::string stage = "connecting to " + options.address;
  try {
    Runner runner(options);
    runner.start();
    if (options.csv) print_csv_header();
    bool verified = true;
    for (const std::string& workload : options.workloads) {
      stage = workload;
      const Result result = runner.run(workload);
      if (options.csv)
        print_csv(options, result);
      else
        print_text(options, result);
      verified = verified && result.counters.verify_failures == 0;
    }
    stage = "cleaning up";
    runner.stop();
    return verified ? 0 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "p9bench: %s: %s\n", stage.c_str(), e.what());
    return 1;
  }
}
