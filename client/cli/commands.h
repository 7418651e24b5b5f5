// The subcommands of p9: each registers its operands with CLI11 and gets a runner that does the
// work over a SyncClient, printing to stdout. Errors are thrown (std::system_error / Failure).
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "client/sync_client.h"

namespace p9::cli {

// The command line, filled in by CLI11.
struct Options {
  std::string address = std::string(client::DEFAULT_ADDRESS);
  std::string aname;
  uint32_t uid = 0;  // n_uname of the attach
  uint32_t gid = 0;  // owner group of what the commands create
  uint32_t msize = client::DEFAULT_MSIZE;

  std::vector<std::string> paths;  // ls, stat, cat, mkdir, rm
  std::string from, to;            // put LOCAL REMOTE, get REMOTE LOCAL, mv, ln TARGET NAME
  std::string action, path, name, value;  // xattr
  bool long_format = false;        // ls -l
  bool parents = false;            // mkdir -p
  bool recursive = false;          // rm -r
  bool symbolic = false;           // ln -s
};

using Runner = std::function<void(client::SyncClient&)>;

// Adds every subcommand to app, storing its operands in options. The map tells which runner
// belongs to the subcommand that was parsed.
std::map<const CLI::App*, Runner> add_commands(CLI::App& app, Options& options);

}  // namespace p9::cli
