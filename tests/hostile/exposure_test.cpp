// Where the server can be reached from: 9P here has no authentication, so the default listener is
// loopback only, and a listener anyone on the network can reach is started only with a warning.
#include <sys/wait.h>

#include <cstdio>
#include <string>

#include "tests/hostile/hostile_fixture.h"

namespace p9::hostile {
namespace {

class Exposure : public HostileTest {};

TEST_F(Exposure, TheDefaultListenerIsLoopback) {
  // What --help documents as the default (binding the real default port here could collide with
  // another server on the machine).
  std::string help;
  FILE* out = ::popen((std::string(P9TMPFS_BINARY) + " --help").c_str(), "r");
  ASSERT_NE(out, nullptr);
  char buffer[4096];
  while (std::fgets(buffer, sizeof buffer, out) != nullptr) help += buffer;
  EXPECT_EQ(::pclose(out), 0);
  EXPECT_NE(help.find("Default: tcp:127.0.0.1:"), std::string::npos) << help;
}

TEST_F(Exposure, ANonLoopbackListenerIsLoggedAsUnauthenticated) {
  ServerProcess exposed({"--export", "main", "--threads", "1", "--listen", "tcp:0.0.0.0:0"});
  EXPECT_NE(exposed.log().find("not loopback"), std::string::npos) << exposed.log();
  EXPECT_EQ(server().log().find("not loopback"), std::string::npos) << "loopback listeners warned about";
  const auto status = exposed.stop();
  EXPECT_TRUE(status && WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << exposed.ending();
}

}  // namespace
}  // namespace p9::hostile
