// What the operator asked for: listeners, exports and limits, from the command line and an optional
// TOML file. Parsing and validation live in options.cpp; nothing here starts anything.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <spdlog/common.h>

#include "store/memory/pinned_arena.h"

namespace p9::server {

// Who checks permissions: the server for the attached uid (access=user, like Linux 9p's
// access=user), or the client, which then only tells the server whom new files belong to.
enum class Access { user, client };

struct ExportOptions {
  std::string name;  // the aname clients attach with ("" or "/" reaches the first export)
  uint64_t size_limit = 0;  // bytes of file data, 0 = unlimited (tmpfs size=)
  uint64_t inode_limit = 0;  // nodes, 0 = unlimited (tmpfs nr_inodes=)
  bool read_only = false;
  uint32_t root_mode = 01777;
  uint32_t root_uid = 0;
  uint32_t root_gid = 0;
  Access access = Access::user;
  // Every caller acts as this uid:gid (all_squash), e.g. for container volumes.
  std::optional<uint32_t> squash_uid;
  std::optional<uint32_t> squash_gid;
};

struct ServerOptions {
  // Addresses: tcp:HOST:PORT, tcp:[V6]:PORT, unix:PATH, fd:N, fd:R,W, stdio, systemd.
  std::vector<std::string> listen;
  std::vector<ExportOptions> exports;
  unsigned threads = 0;  // 0 = one per core
  uint32_t max_msize = 1024 * 1024 + 4096;  // Linux socket transports cap at 1 MiB of payload
  uint32_t max_connections = 1024;
  uint32_t max_fids = 65536;  // per connection: EMFILE beyond
  uint32_t max_inflight = 256;  // requests per connection before the reader stops reading
  unsigned shutdown_grace_ms = 5000;  // SIGTERM: how long in-flight requests may take
  Pinning pinning = Pinning::best_effort;
  spdlog::level::level_enum log_level = spdlog::level::info;
  bool trace = false;  // log every T and R message
  std::string config_file;
  std::string metrics;  // tcp:HOST:PORT of the Prometheus endpoint; empty = none
  // The command line (without argv[0]): a reload re-reads the file and applies it again on top.
  std::vector<std::string> arguments;
  // The listener when neither the command line nor the file names one: systemd when this process
  // was socket-activated, else tcp:127.0.0.1:5640.
  std::string default_listen;
};

// How many exports a server serves at most (the table a reload appends to has this many slots).
inline constexpr size_t max_exports = 1024;

// Parses argv (and the --config file it names). On --help/--version prints and returns nullopt with
// exit_code 0; on a bad option prints what is wrong and what to do, returns nullopt, exit_code 2.
std::optional<ServerOptions> parse_options(int argc, char** argv, int& exit_code);

// For a SIGHUP reload: the options the running server's command line (`running.arguments`) gives
// now, with its --config file read again. Throws std::runtime_error with a message that names the
// file, the key and the problem.
ServerOptions reload_options(const ServerOptions& running);

// The file's settings over `base`. Throws std::runtime_error as reload_options does.
ServerOptions apply_config_file(ServerOptions base, const std::string& path);

}  // namespace p9::server
