// Where the server can be reached from: 9P here has no authentication, so the default listener is
// loopback only, and a listener anyone on the network can reach is started only with a warning.
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tests/hostile/eventually.h"
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

// The listening sockets of /proc/PID/net/tcp and tcp6 (the process's network namespace), as
// "ADDRESS:PORT" in the kernel's hex.
std::vector<std::string> listening_sockets(pid_t pid) {
  std::vector<std::string> out;
  for (const char* table : {"tcp", "tcp6"}) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/net/" + table);
    std::string line;
    std::getline(in, line);  // header
    while (std::getline(in, line)) {
      std::istringstream fields(line);
      std::string slot, local, remote, state;
      fields >> slot >> local >> remote >> state;
      if (state == "0A") out.push_back(local);  // TCP_LISTEN
    }
  }
  return out;
}

// The binary started without --listen, alone in a new network namespace (with its loopback up),
// so that the default port cannot collide with anything on the machine and every listening socket
// there is the server's. The child exits 77 when this host does not allow the namespace.
pid_t start_in_private_network(const std::string& log_path) {
  std::vector<std::string> env = server_environment();
  std::vector<char*> envp;
  for (std::string& e : env) {
    if (!e.starts_with("LISTEN_")) envp.push_back(e.data());  // no socket activation
  }
  envp.push_back(nullptr);
  const char* argv[] = {P9TMPFS_BINARY, "--export", "main", "--threads", "1", nullptr};
  const pid_t pid = ::fork();
  if (pid != 0) return pid;
  // Only async-signal-safe calls until exec: this process has threads.
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  for (int sig : {SIGPIPE, SIGTERM}) ::signal(sig, SIG_DFL);
  if (::unshare(CLONE_NEWNET) != 0) ::_exit(77);
  const int s = ::socket(AF_INET, SOCK_DGRAM, 0);
  struct ifreq lo {};
  std::memcpy(lo.ifr_name, "lo", 3);
  if (s < 0 || ::ioctl(s, SIOCGIFFLAGS, &lo) != 0) ::_exit(77);
  lo.ifr_flags = static_cast<short>(lo.ifr_flags | IFF_UP);
  if (::ioctl(s, SIOCSIFFLAGS, &lo) != 0) ::_exit(77);
  ::close(s);
  const int out = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (out < 0 || ::dup2(out, STDOUT_FILENO) < 0 || ::dup2(out, STDERR_FILENO) < 0) ::_exit(127);
  ::close_range(3, ~0u, 0);
  ::execve(P9TMPFS_BINARY, const_cast<char**>(argv), envp.data());
  ::_exit(127);
}

TEST_F(Exposure, WithoutListenOptionsTheServerListensOnLoopbackOnly) {
  const std::string log_path = "/tmp/p9exposure." + std::to_string(::getpid()) + ".log";
  const pid_t pid = start_in_private_network(log_path);
  ASSERT_GT(pid, 0);
  // The server logs its listeners once they are bound (and so after it left this namespace).
  int status = 0;
  bool exited = false;
  std::string log;
  const bool listening = eventually([&] {
    exited = ::waitpid(pid, &status, WNOHANG) == pid;
    std::stringstream text;
    text << std::ifstream(log_path).rdbuf();
    log = text.str();
    return exited || log.find("listening on") != std::string::npos;
  }, 30s);
  ::unlink(log_path.c_str());
  if (exited && WIFEXITED(status) && WEXITSTATUS(status) == 77) {
    GTEST_SKIP() << "this host does not allow a private network namespace (needs CAP_SYS_ADMIN)";
  }
  ASSERT_TRUE(listening && !exited) << "no listener came up; the server's log:\n" << log;
  const std::vector<std::string> sockets = listening_sockets(pid);
  // 127.0.0.1:5640 in /proc/net/tcp's notation (the address in host byte order on x86: 0100007F).
  EXPECT_EQ(sockets, std::vector<std::string>{"0100007F:1608"}) << log;
  EXPECT_EQ(log.find("not loopback"), std::string::npos) << log;
  ::kill(pid, SIGTERM);
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "status " << status;
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
