// SIGHUP: the config file read again (the command line still wins over it) and applied while
// clients stay connected. What a reload changes: each export's size and inode limits and read-only
// flag, new exports (attachable at once), the log level. Anything else differing from the running
// configuration (a removed export, another listener, thread count, an export's access mode...)
// needs a restart: the reload is then refused as a whole with a log line naming each difference,
// and the server runs on unchanged.
#pragma once

#include <string>
#include <vector>

#include "server/export.h"
#include "server/options.h"

namespace p9::server {

struct ReloadPlan {
  std::vector<std::string> needs_restart;  // one sentence per difference; if any, apply nothing
  std::vector<ExportOptions> changed;      // running exports with new limits or read-only flag
  std::vector<ExportOptions> added;
  bool log_level_changed = false;
};

// What going from `running` to `wanted` takes. Pure: no logging, nothing applied.
ReloadPlan plan_reload(const ServerOptions& running, const ServerOptions& wanted);

// Log verbosity of a configuration: --trace logs messages at debug level, so it needs at least that.
spdlog::level::level_enum effective_log_level(const ServerOptions& options);

class ConfigReloader {
 public:
  ConfigReloader(const ServerOptions& running, ExportTable& exports);
  // Reads the configuration again and applies it, or logs why not. Calls must not overlap (the
  // server makes them one at a time from its signal handler).
  void reload();

 private:
  ServerOptions running_;  // as last applied
  ExportTable& exports_;
};

}  // namespace p9::server
