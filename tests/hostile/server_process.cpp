#include "tests/hostile/server_process.h"

#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <arpa/inet.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <system_error>

#include "tests/hostile/eventually.h"

extern char** environ;  // what the server inherits, see server_environment()

namespace p9::hostile {

namespace {

// The binary under test, from CMake ($<TARGET_FILE:p9tmpfs>).
constexpr const char* kBinary = P9TMPFS_BINARY;
// The line the server logs for its TCP listener, with the port it was given for port 0.
constexpr std::string_view kTcpListening = "listening on tcp:127.0.0.1:";

int connect_or_throw(int domain, const sockaddr* addr, socklen_t len) {
  const int fd = ::socket(domain, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::system_error(errno, std::generic_category(), "socket");
  if (::connect(fd, addr, len) != 0) {
    const int err = errno;
    ::close(fd);
    throw std::system_error(err, std::generic_category(), "connect");
  }
  return fd;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

std::vector<std::string> server_environment() {
  std::vector<std::string> env;
  std::string asan = "ASAN_OPTIONS=";
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string_view entry(*e);
    if (entry.starts_with(asan)) {
      asan = std::string(entry) + ":";
    } else {
      env.emplace_back(entry);
    }
  }
  env.push_back(asan + "quarantine_size_mb=16");
  return env;
}

ServerProcess::ServerProcess(std::vector<std::string> args) {
  char dir_template[] = "/tmp/p9hostile.XXXXXX";
  if (::mkdtemp(dir_template) == nullptr) throw std::system_error(errno, std::generic_category(), "mkdtemp");
  dir_ = dir_template;
  unix_path_ = dir_ + "/sock";
  log_path_ = dir_ + "/log";

  args.insert(args.begin(), kBinary);
  for (const std::string& listen : {"unix:" + unix_path_, std::string("tcp:127.0.0.1:0")}) {
    args.push_back("--listen");
    args.push_back(listen);
  }
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  std::vector<std::string> env = server_environment();
  std::vector<char*> envp;
  for (std::string& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);

  // fork + exec rather than posix_spawn, for PR_SET_PDEATHSIG: a suite that crashes or is killed
  // by a test timeout must not leave servers behind. Between fork and exec only async-signal-safe
  // calls (this process has threads).
  const pid_t parent = ::getpid();
  const std::string log_path = log_path_;
  pid_ = ::fork();
  if (pid_ < 0) throw std::system_error(errno, std::generic_category(), "fork");
  if (pid_ == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);
    // Default signal handling whatever this process ignores or blocks: the suite ignores SIGPIPE
    // for itself, and a server that inherited that would hide its own need.
    for (int sig : {SIGPIPE, SIGINT, SIGQUIT, SIGTERM, SIGHUP}) ::signal(sig, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    const int in = ::open("/dev/null", O_RDONLY);
    const int out = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0600);
    if (in < 0 || out < 0 || ::dup2(in, STDIN_FILENO) < 0 || ::dup2(out, STDOUT_FILENO) < 0 ||
        ::dup2(out, STDERR_FILENO) < 0) {
      ::_exit(127);
    }
    // Nothing else of this process (its client sockets) leaks into the server's descriptors.
    ::close_range(3, ~0u, 0);
    ::execve(kBinary, argv.data(), envp.data());
    ::_exit(127);
  }
  wait_until_ready();
}

ServerProcess::~ServerProcess() {
  if (!status_ && pid_ > 0) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  ::unlink(unix_path_.c_str());
  ::unlink(log_path_.c_str());
  ::rmdir(dir_.c_str());
}

void ServerProcess::wait_until_ready() {
  const bool ready = eventually(
      [&] {
        if (!alive()) return true;
        const std::string text = log();
        const auto at = text.find(kTcpListening);
        if (at == std::string::npos) return false;
        tcp_port_ = static_cast<uint16_t>(std::stoul(text.substr(at + kTcpListening.size())));
        try {
          ::close(connect_unix());
          return true;
        } catch (const std::system_error&) {
          return false;
        }
      },
      30s);
  if (!ready || !alive())
    throw std::runtime_error("p9tmpfs did not come up; its log:\n" + log());
}

client::Address ServerProcess::unix_address() const {
  return client::Address{.kind = client::Address::Kind::Unix, .host = {}, .port = 0, .path = unix_path_};
}

client::Address ServerProcess::tcp_address() const {
  return client::Address{.kind = client::Address::Kind::Tcp, .host = "127.0.0.1", .port = tcp_port_, .path = {}};
}

int ServerProcess::connect_unix() const {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, unix_path_.c_str(), sizeof addr.sun_path - 1);
  return connect_or_throw(AF_UNIX, reinterpret_cast<const sockaddr*>(&addr), sizeof addr);
}

int ServerProcess::connect_tcp() const {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(tcp_port_);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return connect_or_throw(AF_INET, reinterpret_cast<const sockaddr*>(&addr), sizeof addr);
}

bool ServerProcess::alive() {
  if (status_) return false;
  int status = 0;
  if (::waitpid(pid_, &status, WNOHANG) == pid_) {
    status_ = status;
    return false;
  }
  return true;
}

std::string ServerProcess::ending() {
  if (alive()) return "running";
  if (WIFEXITED(*status_)) return "exited with status " + std::to_string(WEXITSTATUS(*status_));
  if (WIFSIGNALED(*status_)) {
    return "killed by signal " + std::to_string(WTERMSIG(*status_)) + " (" + strsignal(WTERMSIG(*status_)) + ")";
  }
  return "wait status " + std::to_string(*status_);
}

uint64_t ServerProcess::rss_kib() const {
  std::istringstream status(read_file("/proc/" + std::to_string(pid_) + "/status"));
  for (std::string line; std::getline(status, line);) {
    if (line.starts_with("VmRSS:")) return std::stoull(line.substr(6));
  }
  return 0;
}

std::size_t ServerProcess::fd_count() const {
  const std::string path = "/proc/" + std::to_string(pid_) + "/fd";
  DIR* dir = ::opendir(path.c_str());
  if (dir == nullptr) return 0;
  std::size_t n = 0;
  while (const dirent* e = ::readdir(dir)) n += e->d_name[0] != '.';
  ::closedir(dir);
  return n;
}

std::string ServerProcess::log() const { return read_file(log_path_); }

std::string ServerProcess::log_since(std::size_t from) const {
  const std::string text = log();
  return from < text.size() ? text.substr(from) : std::string();
}

std::size_t ServerProcess::log_size() const { return log().size(); }

std::size_t ServerProcess::open_sessions() const {
  const std::string text = log();
  auto count = [&](std::string_view what) {
    std::size_t n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
  };
  const std::size_t opened = count(": connected\n");
  const std::size_t finished = count(": disconnected\n");
  return opened > finished ? opened - finished : 0;
}

std::optional<int> ServerProcess::stop(std::chrono::milliseconds timeout) {
  if (status_) return status_;
  ::kill(pid_, SIGTERM);
  if (eventually([&] { return !alive(); }, timeout)) return status_;
  ::kill(pid_, SIGKILL);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  status_ = status;
  return std::nullopt;
}

}  // namespace p9::hostile
