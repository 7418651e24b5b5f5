#include "tests/memory/server_under_test.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

#include "tests/hostile/server_process.h"

namespace p9::memtest {

namespace {

using namespace std::chrono_literals;

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// A loopback port nobody listens on now (the server binds it a moment later).
std::uint16_t free_tcp_port() {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
    throw std::runtime_error(std::string("no free port: ") + std::strerror(errno));
  close(fd);
  return ntohs(addr.sin_port);
}

bool unix_socket_answers(const std::string& path) {
  const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
  const bool ok = fd >= 0 && connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  if (fd >= 0) close(fd);
  return ok;
}

std::string http_get(std::uint16_t port, const std::string& path) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  std::string reply;
  if (fd >= 0 && connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    const std::string request = "GET " + path + " HTTP/1.0\r\n\r\n";
    if (write(fd, request.data(), request.size()) == static_cast<ssize_t>(request.size())) {
      char buffer[65536];
      for (ssize_t n; (n = read(fd, buffer, sizeof buffer)) > 0;) reply.append(buffer, static_cast<std::size_t>(n));
    }
  }
  if (fd >= 0) close(fd);
  return reply;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

}  // namespace

ServerUnderTest::ServerUnderTest(const std::string& binary, const std::string& dir, const MemoryCgroup& cgroup)
    : socket_path_(dir + "/p9.sock"), metrics_port_(free_tcp_port()) {
  unlink(socket_path_.c_str());
  std::vector<std::string> args = {binary, "--listen", "unix:" + socket_path_, "--export", "mem",
                                   "--pin-metadata", "required", "--threads", "2", "--metrics",
                                   "tcp:127.0.0.1:" + std::to_string(metrics_port_), "--log-level", "warn"};
  std::vector<std::string> env = hostile::server_environment();
  const std::string log = dir + "/server.log";
  std::vector<char*> argv = pointers(args), envp = pointers(env);

  // The child waits on `go` until the parent has moved it into the cgroup: every page it ever
  // touches is charged there.
  int go[2];
  if (pipe2(go, O_CLOEXEC) != 0) throw std::runtime_error("pipe");
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork");
  if (pid_ == 0) {
    char byte;
    close(go[1]);
    if (read(go[0], &byte, 1) != 1) _exit(126);
    const int out = open(log.c_str(), O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0644);
    if (out >= 0) dup2(out, STDERR_FILENO);
    execve(argv[0], argv.data(), envp.data());
    _exit(127);
  }
  close(go[0]);
  const bool placed = cgroup.add(pid_);
  const int placed_errno = errno;
  const bool released = placed && write(go[1], "g", 1) == 1;
  close(go[1]);  // without the byte the child exits
  if (placed && !released) throw std::runtime_error("cannot start the server");
  if (!placed) {
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
    throw std::runtime_error("cannot move the server into " + cgroup.describe() + ": " + std::strerror(placed_errno));
  }
  for (auto deadline = std::chrono::steady_clock::now() + 30s; !unix_socket_answers(socket_path_);) {
    int status;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("p9tmpfs exited at start; its log: " + read_text(log));
    }
    if (std::chrono::steady_clock::now() > deadline) throw std::runtime_error("p9tmpfs did not start listening");
    std::this_thread::sleep_for(20ms);
  }
}

ServerUnderTest::~ServerUnderTest() {
  if (pid_ <= 0) return;
  kill(pid_, SIGTERM);
  for (int waited = 0; waited < 200; ++waited) {  // up to 10 s for a clean exit
    if (waitpid(pid_, nullptr, WNOHANG) == pid_) return;
    std::this_thread::sleep_for(50ms);
  }
  kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
}

std::uint64_t ServerUnderTest::status_bytes(const std::string& field) const {
  std::istringstream status(read_text("/proc/" + std::to_string(pid_) + "/status"));
  for (std::string line; std::getline(status, line);) {
    if (!line.starts_with(field + ":")) continue;
    std::istringstream value(line.substr(field.size() + 1));
    std::uint64_t kib = 0;
    value >> kib;
    return kib * 1024;
  }
  return 0;
}

std::map<std::string, std::uint64_t> ServerUnderTest::metrics() const {
  std::map<std::string, std::uint64_t> samples;
  std::istringstream text(http_get(metrics_port_, "/metrics"));
  for (std::string line; std::getline(text, line);) {
    if (line.empty() || line[0] == '#') continue;
    const auto name_end = line.find_first_of("{ ");
    const auto value_start = line.rfind(' ');
    if (name_end == std::string::npos || value_start == std::string::npos) continue;
    samples[line.substr(0, name_end)] = std::strtoull(line.c_str() + value_start + 1, nullptr, 10);
  }
  return samples;
}

std::map<std::string, std::uint64_t> ServerUnderTest::major_faults_by_thread_name() const {
  std::map<std::string, std::uint64_t> faults;
  const std::string tasks = "/proc/" + std::to_string(pid_) + "/task";
  DIR* dir = opendir(tasks.c_str());
  if (dir == nullptr) return faults;
  while (const dirent* task = readdir(dir)) {
    if (task->d_name[0] == '.') continue;
    const std::string base = tasks + "/" + task->d_name;
    std::string name = read_text(base + "/comm");
    if (!name.empty() && name.back() == '\n') name.pop_back();
    // majflt is the 10th field after the ")" that ends the command name (proc(5): field 12).
    const std::string stat = read_text(base + "/stat");
    std::istringstream fields(stat.substr(stat.rfind(')') + 1));
    std::string field;
    for (int i = 0; i < 10; ++i) fields >> field;
    faults[name] += std::strtoull(field.c_str(), nullptr, 10);
  }
  closedir(dir);
  return faults;
}

}  // namespace p9::memtest
