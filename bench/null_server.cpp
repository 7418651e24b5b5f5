// p9null: the transport floor of the issue, measured by p9bench in the same run as real servers. One
// thread per connection, blocking reads (the size field, then the rest of the frame) and one write
// per reply; every request is answered at once without touching any file system (bench/null_reply.h).
// A real server can beat it only by spending fewer syscalls and wake-ups per request.
//
//   p9null --listen tcp:127.0.0.1:5650 [--listen unix:/run/p9null.sock] [--msize N] [--entries N]
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <array>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "bench/null_reply.h"
#include "client/address.h"
#include "proto/codec.h"

namespace {

using p9::client::Address;

[[noreturn]] void fail(const std::string& what) { throw std::system_error(errno, std::generic_category(), what); }

bool read_exactly(int fd, std::byte* out, std::size_t n) {
  while (n > 0) {
    const ssize_t got = ::read(fd, out, n);
    if (got <= 0) return false;  // end of stream or error: the connection is over
    out += got;
    n -= static_cast<std::size_t>(got);
  }
  return true;
}

bool write_all(int fd, iovec* iov, int count) {
  while (count > 0) {
    ssize_t sent = ::writev(fd, iov, count);
    if (sent < 0) return false;
    // A short write (a large Rread filling the socket buffer) continues where it stopped.
    for (; count > 0 && static_cast<std::size_t>(sent) >= iov->iov_len; ++iov, --count)
      sent -= static_cast<ssize_t>(iov->iov_len);
    if (count > 0) {
      iov->iov_base = static_cast<char*>(iov->iov_base) + sent;
      iov->iov_len -= static_cast<std::size_t>(sent);
    }
  }
  return true;
}

void serve(int fd, uint32_t max_msize, const p9::bench::NullListing& listing) {
  std::vector<std::byte> frame(max_msize);
  const std::vector<std::byte> zeros(max_msize - p9::IOHDRSZ);
  const p9::bench::NullContent content{.zeros = zeros, .listing = listing, .max_msize = max_msize};
  std::array<std::byte, 512> head{};  // the largest reply head (Rwalk of 16 qids, Rgetattr) fits
  for (;;) {
    if (!read_exactly(fd, frame.data(), 4)) break;
    const p9::FrameSize size = p9::frame_size(std::span(frame).first(4), max_msize);
    if (!size.ok() || !read_exactly(fd, frame.data() + 4, size.size - 4)) break;
    const p9::DecodeResult request = p9::decode(std::span(frame).first(size.size), max_msize, p9::Direction::Request);
    p9::Fcall reply;
    if (request.ok()) {
      reply = p9::bench::null_reply(request.fcall(), content);
    } else if (!p9::is_fatal(request.error()) && request.header()) {
      reply = {.tag = request.header()->tag,
               .msg = p9::Rlerror{.ecode = static_cast<uint32_t>(p9::errno_for(request.error()))}};
    } else {
      break;
    }
    const std::size_t head_size = p9::encode_head(reply, head);
    const std::span<const std::byte> payload = p9::trailing_data(reply);
    iovec iov[2] = {{head.data(), head_size}, {const_cast<std::byte*>(payload.data()), payload.size()}};
    if (head_size == 0 || !write_all(fd, iov, payload.empty() ? 1 : 2)) break;
  }
  ::close(fd);
}

int listen_on(const Address& address) {
  int fd = -1;
  if (address.kind == Address::Kind::Unix) {
    sockaddr_un sun{};
    sun.sun_family = AF_UNIX;
    if (address.path.size() >= sizeof sun.sun_path) throw std::invalid_argument("socket path too long");
    std::memcpy(sun.sun_path, address.path.c_str(), address.path.size() + 1);
    ::unlink(address.path.c_str());  // a stale socket from an earlier run
    fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&sun), sizeof sun) != 0) fail("bind " + address.to_string());
  } else {
    addrinfo hints{};
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV;
    addrinfo* found = nullptr;
    const std::string port = std::to_string(address.port);
    if (const int err = ::getaddrinfo(address.host.c_str(), port.c_str(), &hints, &found); err != 0)
      throw std::invalid_argument(address.to_string() + ": " + gai_strerror(err));
    fd = ::socket(found->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    const int on = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    const bool bound = fd >= 0 && ::bind(fd, found->ai_addr, found->ai_addrlen) == 0;
    ::freeaddrinfo(found);
    if (!bound) fail("bind " + address.to_string());
  }
  if (::listen(fd, 128) != 0) fail("listen " + address.to_string());
  return fd;
}

void accept_forever(int listener, uint32_t max_msize, const p9::bench::NullListing& listing) {
  for (;;) {
    const int fd = ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      std::perror("p9null: accept");  // e.g. out of descriptors: a floor that silently stalls would mislead
      std::exit(1);
    }
    const int on = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);  // fails harmlessly on Unix sockets
    std::thread(serve, fd, max_msize, std::cref(listing)).detach();
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> listen;
  uint32_t max_msize = (1u << 20) + p9::IOHDRSZ;
  CLI::App app("p9null: answers every 9P2000.L request at once, one thread per connection", "p9null");
  app.add_option("-l,--listen", listen, "tcp:HOST:PORT or unix:PATH (repeatable)")->required();
  app.add_option("-m,--msize", max_msize, "largest msize to agree to")
      ->capture_default_str()
      ->check(CLI::Range(4096u, 1u << 30));
  uint64_t entries = 1000;
  app.add_option("--entries", entries, "files in the directory every Treaddir lists (p9bench's --entries)")
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  const p9::bench::NullListing listing(entries);
  std::signal(SIGPIPE, SIG_IGN);  // a client that goes away must only end its own thread
  try {
    std::vector<int> listeners;
    for (const std::string& a : listen) listeners.push_back(listen_on(Address::parse(a)));
    std::vector<std::thread> acceptors;
    for (const int fd : listeners) acceptors.emplace_back(accept_forever, fd, max_msize, std::cref(listing));
    std::fprintf(stderr, "p9null: listening\n");
    for (std::thread& t : acceptors) t.join();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "p9null: %s\n", e.what());
    return 1;
  }
}
