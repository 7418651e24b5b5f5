// Everything p9bench can be told on its command line.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace p9::bench {

struct Options {
  std::string address = "tcp:127.0.0.1:5640";
  std::string aname;
  std::string uname;
  uint32_t uid = 0;  // n_uname
  uint32_t gid = 0;  // of created files

  std::vector<std::string> workloads;
  unsigned connections = 1;
  unsigned depth = 8;  // requests in flight per connection
  unsigned client_threads = 1;
  double duration = 3.0;             // seconds per workload, unless ops is set
  std::optional<uint64_t> ops;       // operations per workload, over all connections
  uint32_t msize = (1u << 20) + 24;  // what Tversion offers; the server may agree to less

  uint64_t file_size = 256ull << 20;  // seq* and rand* workloads
  uint32_t block_size = 4096;         // randread / randwrite
  uint32_t entries = 1000;            // readdir
  uint64_t files = 1000000;           // fill

  std::optional<pid_t> server_pid;
  std::string label;  // names the server in the output
  bool csv = false;
  bool verify = true;
  bool cleanup = true;
};

// Parses argv; on --help or a usage error prints the message and exits the process.
Options parse_options(int argc, char** argv);

}  // namespace p9::bench
