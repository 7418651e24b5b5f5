#include "server/options.h"

#include "server/address.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <thread>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <toml++/toml.h>

namespace p9::server {
namespace {

[[noreturn]] void fail(const std::string& what) { throw std::runtime_error(what); }

uint64_t parse_number(std::string_view text, int base, std::string_view what) {
  uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value, base);
  if (ec != std::errc{} || end != text.data() + text.size() || text.empty())
    fail(fmt::format("{} '{}' is not a number", what, text));
  return value;
}

// "512", "64k", "32M", "1G", "2T" (binary multiples, as tmpfs' size= takes them).
uint64_t parse_size(std::string_view text, std::string_view what) {
  uint64_t unit = 1;
  if (!text.empty()) {
    switch (text.back()) {
      case 'k': case 'K': unit = 1ull << 10; break;
      case 'm': case 'M': unit = 1ull << 20; break;
      case 'g': case 'G': unit = 1ull << 30; break;
      case 't': case 'T': unit = 1ull << 40; break;
      default: break;
    }
    if (unit != 1) text.remove_suffix(1);
  }
  uint64_t n = parse_number(text, 10, what);
  if (n > UINT64_MAX / unit) fail(fmt::format("{} '{}' is too large", what, text));
  return n * unit;
}

uint32_t parse_u32(std::string_view text, int base, std::string_view what) {
  uint64_t n = parse_number(text, base, what);
  if (n > UINT32_MAX) fail(fmt::format("{} '{}' is too large", what, text));
  return static_cast<uint32_t>(n);
}

Access parse_access(std::string_view text) {
  if (text == "user") return Access::user;
  if (text == "client") return Access::client;
  fail(fmt::format("access '{}' must be 'user' or 'client'", text));
}

Pinning parse_pinning(std::string_view text) {
  if (text == "best-effort") return Pinning::best_effort;
  if (text == "required") return Pinning::required;
  if (text == "off") return Pinning::off;
  fail(fmt::format("pin-metadata '{}' must be best-effort, required or off", text));
}

spdlog::level::level_enum parse_level(std::string_view text) {
  auto level = spdlog::level::from_str(std::string(text));
  if (level == spdlog::level::off && text != "off")
    fail(fmt::format("log level '{}' must be trace, debug, info, warn, error or off", text));
  return level;
}

// One export setting, the same whether it came from --export or from an [[export]] table.
void set_export_key(ExportOptions& e, std::string_view key, std::string_view value) {
  if (key == "size") e.size_limit = parse_size(value, "size");
  else if (key == "inodes") e.inode_limit = parse_size(value, "inodes");
  else if (key == "ro" || key == "read_only") e.read_only = value.empty() || value == "true";
  else if (key == "access") e.access = parse_access(value);
  else if (key == "mode" || key == "root_mode") e.root_mode = parse_u32(value, 8, "mode") & 07777;
  else if (key == "uid" || key == "root_uid") e.root_uid = parse_u32(value, 10, "uid");
  else if (key == "gid" || key == "root_gid") e.root_gid = parse_u32(value, 10, "gid");
  else if (key == "squash_uid") e.squash_uid = parse_u32(value, 10, "squash_uid");
  else if (key == "squash_gid") e.squash_gid = parse_u32(value, 10, "squash_gid");
  else if (key == "squash") {
    auto colon = value.find(':');
    if (colon == std::string_view::npos) fail(fmt::format("squash '{}' must be UID:GID", value));
    e.squash_uid = parse_u32(value.substr(0, colon), 10, "squash uid");
    e.squash_gid = parse_u32(value.substr(colon + 1), 10, "squash gid");
  } else {
    fail(fmt::format("unknown export setting '{}' (known: size, inodes, ro, access, mode, uid, gid, "
                     "squash)", key));
  }
}

// NAME[,key=value...], e.g. "scratch,size=1G,inodes=100k,access=client".
ExportOptions parse_export_spec(std::string_view spec) {
  ExportOptions e;
  auto comma = spec.find(',');
  e.name = std::string(spec.substr(0, comma));
  while (comma != std::string_view::npos) {
    spec.remove_prefix(comma + 1);
    comma = spec.find(',');
    std::string_view item = spec.substr(0, comma);
    auto eq = item.find('=');
    set_export_key(e, item.substr(0, eq), eq == std::string_view::npos ? "" : item.substr(eq + 1));
  }
  return e;
}

std::string toml_scalar(const toml::node& n, std::string_view where) {
  // value<int64_t>() would also convert a boolean (to 1 or 0): ask by the node's own type.
  if (auto s = n.as_string()) return s->get();
  if (auto b = n.as_boolean()) return b->get() ? "true" : "false";
  if (auto i = n.as_integer()) return std::to_string(i->get());
  fail(fmt::format("{}: expected a string, number or boolean", where));
}

void validate(const ServerOptions& o) {
  if (o.max_msize < 4096) fail("msize must be at least 4096 (the Linux client refuses less)");
  if (o.max_fids == 0 || o.max_inflight == 0 || o.max_connections == 0)
    fail("max-fids, max-inflight and max-connections must be at least 1");
  if (o.exports.size() > max_exports)
    fail(fmt::format("{} exports are configured; at most {} are served", o.exports.size(), max_exports));
  for (size_t i = 0; i < o.exports.size(); ++i)
    for (size_t j = i + 1; j < o.exports.size(); ++j)
      if (o.exports[i].name == o.exports[j].name)
        fail(fmt::format("export '{}' is defined twice", o.exports[i].name));
}

}  // namespace

ServerOptions apply_config_file(ServerOptions o, const std::string& path) {
  toml::table file;
  try {
    file = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    fail(fmt::format("{}:{}:{}: {}", path, e.source().begin.line, e.source().begin.column,
                     e.description()));
  }
  try {
    for (auto&& [key, node] : file) {
      std::string where = fmt::format("{}: {}", path, key.str());
      if (key == "listen") {
        auto* list = node.as_array();
        if (!list) fail(where + ": expected a list of addresses");
        o.listen.clear();
        for (auto& a : *list) o.listen.push_back(toml_scalar(a, where));
      } else if (key == "export") {
        auto* list = node.as_array();
        if (!list) fail(where + ": expected [[export]] tables");
        o.exports.clear();
        for (auto& t : *list) {
          auto* table = t.as_table();
          if (!table) fail(where + ": expected [[export]] tables");
          ExportOptions e;
          for (auto&& [k, v] : *table) {
            std::string w = fmt::format("{}.{}", where, k.str());
            if (k == "name") e.name = toml_scalar(v, w);
            else set_export_key(e, k.str(), toml_scalar(v, w));
          }
          o.exports.push_back(std::move(e));
        }
      } else {
        std::string v = toml_scalar(node, where);
        if (key == "threads") o.threads = parse_u32(v, 10, "threads");
        else if (key == "msize") o.max_msize = static_cast<uint32_t>(parse_size(v, "msize"));
        else if (key == "max_connections") o.max_connections = parse_u32(v, 10, "max_connections");
        else if (key == "max_fids") o.max_fids = parse_u32(v, 10, "max_fids");
        else if (key == "max_inflight") o.max_inflight = parse_u32(v, 10, "max_inflight");
        else if (key == "shutdown_grace_ms") o.shutdown_grace_ms = parse_u32(v, 10, "shutdown_grace_ms");
        else if (key == "pin_metadata") o.pinning = parse_pinning(v);
        else if (key == "log_level") o.log_level = parse_level(v);
        else if (key == "trace") o.trace = v == "true";
        else if (key == "metrics") o.metrics = v;
        else fail(where + ": unknown setting");
      }
    }
  } catch (const std::runtime_error& e) {
    std::string msg = e.what();
    if (msg.rfind(path, 0) != 0) msg = path + ": " + msg;
    fail(msg);
  }
  return o;
}

namespace {

// What the command line said, before the config file and the defaults fill in the rest.
struct CommandLine {
  ServerOptions given;
  std::vector<std::string> exports;
  std::string threads, msize, pinning, level;
  bool check_config = false;
};

void define_options(CLI::App& app, CommandLine& c) {
  app.set_version_flag("--version", "p9tmpfs 0.1.0");
  app.add_option("-l,--listen", c.given.listen,
                 "Address to serve, repeatable: tcp:HOST:PORT, tcp:[V6ADDR]:PORT, unix:PATH, "
                 "fd:N (an inherited connected socket), fd:R,W (a pipe pair), stdio, systemd "
                 "(LISTEN_FDS). Default: tcp:127.0.0.1:5640, or systemd when socket-activated");
  app.add_option("-e,--export", c.exports,
                 "Export, repeatable: NAME[,size=BYTES][,inodes=N][,ro][,access=user|client]"
                 "[,mode=OCTAL][,uid=N][,gid=N][,squash=UID:GID]. Clients attach with aname=NAME; "
                 "the first export also answers aname \"\". Default: one export 'default'");
  app.add_option("-c,--config", c.given.config_file,
                 "TOML configuration file (see README); SIGHUP reloads it");
  app.add_option("--threads", c.threads, "I/O threads (default: one per core)");
  app.add_option("--msize", c.msize, "Largest message size offered to clients (default 1M+4k)");
  app.add_option("--max-connections", c.given.max_connections, "Connections served at once");
  app.add_option("--max-fids", c.given.max_fids, "Fids per connection (EMFILE beyond)");
  app.add_option("--max-inflight", c.given.max_inflight,
                 "Requests in flight per connection before the server stops reading");
  app.add_option("--shutdown-grace-ms", c.given.shutdown_grace_ms,
                 "On SIGTERM/SIGINT, how long in-flight requests may run");
  app.add_option("--pin-metadata", c.pinning,
                 "best-effort (default): mlock metadata if allowed; required: fail if not; off");
  app.add_option("--log-level", c.level, "trace, debug, info (default), warn, error, off");
  app.add_flag("--trace", c.given.trace, "Log every 9P message (at debug level)");
  app.add_option("--metrics", c.given.metrics,
                 "Serve Prometheus metrics over HTTP at tcp:HOST:PORT (e.g. tcp:127.0.0.1:9640)");
  app.add_flag("--check-config", c.check_config, "Check the options and config file, then exit");
}

// Defaults, then the config file, then the command line (whose values win), validated.
ServerOptions resolve(const CLI::App& app, const CommandLine& c, const std::string& default_listen) {
  const ServerOptions& cli = c.given;
  ServerOptions o;
  if (!cli.config_file.empty()) o = apply_config_file(o, cli.config_file);
  o.config_file = cli.config_file;
  o.default_listen = default_listen;
  if (!cli.listen.empty()) o.listen = cli.listen;
  if (!c.exports.empty()) {
    o.exports.clear();
    for (auto& spec : c.exports) o.exports.push_back(parse_export_spec(spec));
  }
  if (!c.threads.empty()) o.threads = parse_u32(c.threads, 10, "threads");
  if (!c.msize.empty()) o.max_msize = static_cast<uint32_t>(parse_size(c.msize, "msize"));
  if (app.count("--max-connections")) o.max_connections = cli.max_connections;
  if (app.count("--max-fids")) o.max_fids = cli.max_fids;
  if (app.count("--max-inflight")) o.max_inflight = cli.max_inflight;
  if (app.count("--shutdown-grace-ms")) o.shutdown_grace_ms = cli.shutdown_grace_ms;
  if (!c.pinning.empty()) o.pinning = parse_pinning(c.pinning);
  if (!c.level.empty()) o.log_level = parse_level(c.level);
  if (cli.trace) o.trace = true;
  if (!cli.metrics.empty()) o.metrics = cli.metrics;

  if (o.listen.empty()) o.listen.push_back(default_listen);
  if (o.exports.empty()) {
    ExportOptions fallback;
    fallback.name = "default";
    o.exports.push_back(std::move(fallback));
  }
  if (o.threads == 0) o.threads = std::max(1u, std::thread::hardware_concurrency());
  validate(o);
  return o;
}

constexpr const char* kDescription =
    "p9tmpfs: a 9P2000.L file server exporting an in-memory tree (tmpfs over 9P)";

}  // namespace

std::optional<ServerOptions> parse_options(int argc, char** argv, int& exit_code) {
  CLI::App app{kDescription};
  CommandLine c;
  define_options(app, c);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    exit_code = app.exit(e);
    if (exit_code != 0) exit_code = 2;
    return std::nullopt;
  }

  try {
    // Socket activation passes LISTEN_FDS, which sd_listen_fds then clears: remember the default.
    ServerOptions o = resolve(app, c, std::getenv("LISTEN_FDS") ? "systemd" : "tcp:127.0.0.1:5640");
    o.arguments.assign(argv + 1, argv + argc);
    if (c.check_config) {
      // Addresses are otherwise parsed only when the listeners open, after this check would exit.
      for (const std::string& address : o.listen) parse_address(address);
      if (!o.metrics.empty()) parse_address(o.metrics);
      std::printf("p9tmpfs: configuration is valid (%zu listener(s), %zu export(s))\n",
                  o.listen.size(), o.exports.size());
      exit_code = 0;
      return std::nullopt;
    }
    return o;
  } catch (const std::runtime_error& e) {
    std::fprintf(stderr, "p9tmpfs: %s\nRun 'p9tmpfs --help' for the options.\n", e.what());
    exit_code = 2;
    return std::nullopt;
  }
}

ServerOptions reload_options(const ServerOptions& running) {
  CLI::App app{kDescription};
  CommandLine c;
  define_options(app, c);
  // CLI11 takes the arguments in reverse order; they parsed once already.
  std::vector<std::string> reversed(running.arguments.rbegin(), running.arguments.rend());
  try {
    app.parse(reversed);
  } catch (const CLI::ParseError& e) {
    fail(fmt::format("the command line no longer parses: {}", e.what()));
  }
  ServerOptions o = resolve(app, c, running.default_listen);
  o.arguments = running.arguments;
  return o;
}

}  // namespace p9::server
