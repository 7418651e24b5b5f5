// p9: a 9P2000.L client for scripts and debugging.
// Exit status: 0 success, 1 the operation failed, 2 usage error or no usable connection.
#include <unistd.h>

#include <cstdio>
#include <optional>
#include <stdexcept>
#include <string>

#include <CLI/CLI.hpp>

#include "client/cli/commands.h"
#include "client/cli/failure.h"
#include "client/error.h"

namespace {

constexpr int EXIT_FAILED = 1;
constexpr int EXIT_USAGE = 2;

void report(const std::string& subject, const std::string& message) {
  std::fprintf(stderr, "p9: %s: %s\n", subject.c_str(), message.c_str());
}

// The subcommand and its operands as typed, naming a failure that has no more precise subject.
std::string command_line(const CLI::App& sub) {
  std::string text = sub.get_name();
  for (const CLI::Option* opt : sub.get_options())
    if (opt->get_positional())
      for (const std::string& value : opt->results()) text += " " + value;
  return text;
}

// A connection that broke mid-command is as much a connection error as one that never came up.
int exit_code_for(const std::system_error& e) {
  using p9::client::Errc;
  const bool connection = e.code() == Errc::connection_closed || e.code() == Errc::protocol_error;
  return connection ? EXIT_USAGE : EXIT_FAILED;
}

}  // namespace

int main(int argc, char** argv) {
  p9::cli::Options options;
  options.uid = getuid();
  options.gid = getgid();

  CLI::App app("p9: a 9P2000.L command-line client", "p9");
  app.add_option("-a,--address", options.address, "server: tcp:HOST:PORT or unix:PATH")->capture_default_str();
  app.add_option("-n,--aname", options.aname, "export to attach (aname)");
  app.add_option("-u,--uid", options.uid, "numeric user to attach as (n_uname); default: yours");
  app.add_option("-g,--gid", options.gid, "group of created files; default: yours");
  app.add_option("-m,--msize", options.msize, "largest message to negotiate")
      ->capture_default_str()
      ->check(CLI::Range(4096u, 1u << 30));
  app.require_subcommand(1, 1);
  const auto runners = p9::cli::add_commands(app, options);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : EXIT_USAGE;  // --help exits 0
  }
  const CLI::App& sub = *app.get_subcommands().front();

  std::optional<p9::client::SyncClient> fs;
  try {
    // uname stays empty: the server takes the numeric n_uname, as with Linux's access=user.
    const p9::client::AttachOptions attach{
        .msize = options.msize, .uname = "", .aname = options.aname, .n_uname = options.uid};
    fs.emplace(p9::client::Address::parse(options.address), attach);
  } catch (const std::invalid_argument& e) {
    std::fprintf(stderr, "p9: %s\n", e.what());
    return EXIT_USAGE;
  } catch (const std::system_error& e) {
    report(options.address, e.code().message());
    return EXIT_USAGE;
  }

  try {
    runners.at(&sub)(*fs);
    return std::fflush(stdout) == 0 ? 0 : EXIT_FAILED;
  } catch (const p9::cli::Failure& e) {
    std::fprintf(stderr, "p9: %s %s\n", sub.get_name().c_str(), e.what());
    return exit_code_for(e);
  } catch (const std::system_error& e) {
    report(command_line(sub), e.code().message());
    return exit_code_for(e);
  }
}
