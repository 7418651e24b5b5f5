#include "server/reload.h"

#include <algorithm>
#include <optional>
#include <stdexcept>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

namespace p9::server {
namespace {

const ExportOptions* find_export(const std::vector<ExportOptions>& exports, const std::string& name) {
  auto it = std::find_if(exports.begin(), exports.end(), [&](const auto& e) { return e.name == name; });
  return it == exports.end() ? nullptr : &*it;
}

// Settings fixed for a running server, each as name and both values when they differ.
template <class T>
void compare(std::vector<std::string>& out, std::string_view what, const T& running, const T& wanted) {
  if (!(running == wanted)) out.push_back(fmt::format("{} changed from {} to {}", what, running, wanted));
}

std::string text(const std::optional<uint32_t>& id) { return id ? std::to_string(*id) : "none"; }
std::string_view text(Access a) { return a == Access::user ? "user" : "client"; }

void compare_fixed(std::vector<std::string>& out, const ExportOptions& running, const ExportOptions& wanted) {
  const std::string prefix = fmt::format("export '{}': ", running.name);
  compare(out, prefix + "access", text(running.access), text(wanted.access));
  compare(out, prefix + "mode", fmt::format("{:o}", running.root_mode), fmt::format("{:o}", wanted.root_mode));
  compare(out, prefix + "uid", running.root_uid, wanted.root_uid);
  compare(out, prefix + "gid", running.root_gid, wanted.root_gid);
  compare(out, prefix + "squash uid", text(running.squash_uid), text(wanted.squash_uid));
  compare(out, prefix + "squash gid", text(running.squash_gid), text(wanted.squash_gid));
}

std::string limit_text(uint64_t limit) { return limit ? std::to_string(limit) : "unlimited"; }

}  // namespace

ReloadPlan plan_reload(const ServerOptions& running, const ServerOptions& wanted) {
  ReloadPlan plan;
  auto& refuse = plan.needs_restart;
  compare(refuse, "listen", fmt::format("{}", fmt::join(running.listen, ", ")),
          fmt::format("{}", fmt::join(wanted.listen, ", ")));
  compare(refuse, "threads", running.threads, wanted.threads);
  compare(refuse, "msize", running.max_msize, wanted.max_msize);
  compare(refuse, "max_connections", running.max_connections, wanted.max_connections);
  compare(refuse, "max_fids", running.max_fids, wanted.max_fids);
  compare(refuse, "max_inflight", running.max_inflight, wanted.max_inflight);
  compare(refuse, "shutdown_grace_ms", running.shutdown_grace_ms, wanted.shutdown_grace_ms);
  compare(refuse, "pin_metadata", static_cast<int>(running.pinning), static_cast<int>(wanted.pinning));
  compare(refuse, "trace", running.trace, wanted.trace);
  compare(refuse, "metrics", running.metrics, wanted.metrics);
  for (const auto& r : running.exports)
    if (find_export(wanted.exports, r.name) == nullptr)
      refuse.push_back(fmt::format("export '{}' was removed", r.name));

  for (const auto& w : wanted.exports) {
    const ExportOptions* r = find_export(running.exports, w.name);
    if (r == nullptr) {
      plan.added.push_back(w);
      continue;
    }
    compare_fixed(refuse, *r, w);
    if (r->size_limit != w.size_limit || r->inode_limit != w.inode_limit || r->read_only != w.read_only)
      plan.changed.push_back(w);
  }
  plan.log_level_changed = effective_log_level(running) != effective_log_level(wanted);
  return plan;
}

spdlog::level::level_enum effective_log_level(const ServerOptions& options) {
  return options.trace ? std::min(options.log_level, spdlog::level::debug) : options.log_level;
}

ConfigReloader::ConfigReloader(const ServerOptions& running, ExportTable& exports)
    : running_(running), exports_(exports) {}

void ConfigReloader::reload() {
  if (running_.config_file.empty()) {
    spdlog::warn("SIGHUP: no --config file to reload; nothing changed");
    return;
  }
  ServerOptions wanted;
  try {
    wanted = reload_options(running_);
  } catch (const std::runtime_error& e) {
    spdlog::error("SIGHUP: reload refused, the running configuration stays: {}", e.what());
    return;
  }
  const ReloadPlan plan = plan_reload(running_, wanted);
  if (!plan.needs_restart.empty()) {
    for (const auto& why : plan.needs_restart)
      spdlog::error("SIGHUP: {}: that needs a restart", why);
    spdlog::error("SIGHUP: reload of {} refused; the running configuration stays (restart p9tmpfs "
                  "to apply it)", running_.config_file);
    return;
  }

  for (const auto& w : plan.added) {
    try {
      exports_.add(w, running_.pinning);
    } catch (const std::exception& e) {
      // Earlier additions of this reload stay: they are served already.
      spdlog::error("SIGHUP: export '{}' cannot be built ({}); the rest of the reload is skipped",
                    w.name, e.what());
      return;
    }
    running_.exports.push_back(w);
    spdlog::info("SIGHUP: new export '{}': size {}, inodes {}{}", w.name, limit_text(w.size_limit),
                 limit_text(w.inode_limit), w.read_only ? ", read-only" : "");
  }
  for (const auto& w : plan.changed) {
    for (Export* e : exports_.all())
      if (e->options.name == w.name) e->reconfigure(w);
    auto& r = *std::find_if(running_.exports.begin(), running_.exports.end(),
                            [&](const auto& e) { return e.name == w.name; });
    spdlog::info("SIGHUP: export '{}': size {} -> {}, inodes {} -> {}, {} -> {}", w.name,
                 limit_text(r.size_limit), limit_text(w.size_limit), limit_text(r.inode_limit),
                 limit_text(w.inode_limit), r.read_only ? "read-only" : "read-write",
                 w.read_only ? "read-only" : "read-write");
    r = w;
  }
  if (plan.log_level_changed) {
    spdlog::default_logger()->set_level(effective_log_level(wanted));
    spdlog::info("SIGHUP: log level {}", spdlog::level::to_string_view(wanted.log_level));
  }
  running_.log_level = wanted.log_level;
  spdlog::info("SIGHUP: reloaded {} ({} export(s) added, {} changed)", running_.config_file,
               plan.added.size(), plan.changed.size());
}

}  // namespace p9::server
