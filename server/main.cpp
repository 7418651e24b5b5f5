// p9tmpfs: serves an in-memory tree over 9P2000.L.
#include <csignal>
#include <cstdio>
#include <exception>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "server/options.h"
#include "server/reload.h"
#include "server/server.h"

int main(int argc, char** argv) {
  int exit_code = 0;
  auto options = p9::server::parse_options(argc, argv, exit_code);
  if (!options) return exit_code;

  // Logs go to stderr: stdout may be the 9P stream itself (--listen stdio).
  auto logger = spdlog::stderr_color_mt("p9tmpfs");
  logger->set_pattern("%Y-%m-%d %H:%M:%S.%e %^%l%$ %v");
  logger->set_level(p9::server::effective_log_level(*options));
  spdlog::set_default_logger(logger);

  // A client that closes its socket while a reply is being written must cost an EPIPE on that
  // connection, not the whole server.
  std::signal(SIGPIPE, SIG_IGN);

  try {
    p9::server::Server server(std::move(*options));
    return server.run();
  } catch (const std::exception& e) {
    spdlog::error("{}", e.what());
    return 1;
  }
}
