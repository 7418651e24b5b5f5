#include "bench/options.h"

#include <CLI/CLI.hpp>
#include <cstdlib>

#include "bench/workload.h"

namespace p9::bench {

Options parse_options(int argc, char** argv) {
  Options o;
  CLI::App app("p9bench: measures a 9P2000.L server with pipelined requests", "p9bench");
  app.add_option("-a,--address", o.address, "server: tcp:HOST:PORT or unix:PATH")->capture_default_str();
  app.add_option("-n,--aname", o.aname, "export to attach (diod wants its export path)");
  app.add_option("--uname", o.uname, "user name sent in Tattach");
  app.add_option("-u,--uid", o.uid, "numeric user sent in Tattach (n_uname)")->capture_default_str();
  app.add_option("-g,--gid", o.gid, "group of the files the benchmark creates")->capture_default_str();
  app.add_option("-w,--workload", o.workloads, "workloads to run in turn, comma-separated")
      ->delimiter(',')
      ->required()
      ->check(CLI::IsMember(workload_list()));
  app.add_option("-c,--connections", o.connections, "connections")->capture_default_str()->check(CLI::Range(1u, 1024u));
  app.add_option("-d,--depth", o.depth, "requests in flight per connection")
      ->capture_default_str()
      ->check(CLI::Range(1u, 4096u));
  app.add_option("--client-threads", o.client_threads, "client threads (connections are spread over them)")
      ->capture_default_str()
      ->check(CLI::Range(1u, 64u));
  app.add_option("-t,--duration", o.duration, "seconds per workload")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--ops", o.ops, "operations per workload instead of a duration")->check(CLI::PositiveNumber);
  app.add_option("-m,--msize", o.msize, "msize to offer (the server may agree to less)")
      ->capture_default_str()
      ->check(CLI::Range(4096u, 1u << 30));
  app.add_option("--size", o.file_size, "file size for seq*/rand* (k, M, G suffixes)")
      ->capture_default_str()
      ->transform(CLI::AsSizeValue(false));
  app.add_option("--block", o.block_size, "I/O size of randread/randwrite")
      ->capture_default_str()
      ->transform(CLI::AsSizeValue(false));
  app.add_option("--entries", o.entries, "directory size for readdir")->capture_default_str();
  app.add_option("--files", o.files, "files fill creates in one directory")
      ->capture_default_str()
      ->check(CLI::Range(uint64_t{2}, uint64_t{1} << 40));
  app.add_option("--server-pid", o.server_pid,
                 "server process: report its CPU time and context switches (and memory for fill)");
  app.add_option("--label", o.label, "name of the server in the output");
  app.add_flag("--csv", o.csv, "one comma-separated line per result, after a header line");
  app.add_flag("!--no-verify", o.verify, "do not check the data read back (for servers that keep none)");
  app.add_flag("!--no-cleanup", o.cleanup, "leave the benchmark's files on the server");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    std::exit(app.exit(e));
  }
  return o;
}

}  // namespace p9::bench
