#include "tests/client/fake_server.h"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <system_error>

namespace p9::client::testing {

// Large enough for any frame the tests send (Twrite of 1 MiB plus header).
constexpr uint32_t FAKE_MSIZE = (1u << 20) + 4096;

std::optional<Message> handshake_reply(const Request& request, uint32_t max_msize) {
  const Message& m = request.fcall.msg;
  if (const auto* v = std::get_if<Tversion>(&m))
    return Rversion{.msize = std::min(v->msize, max_msize), .version = VERSION_9P2000_L};
  if (std::holds_alternative<Tattach>(m)) return Rattach{.qid = {.type = QTDIR, .version = 0, .path = 1}};
  if (const auto* w = std::get_if<Twalk>(&m)) {
    Rwalk r;
    for (std::size_t i = 0; i < w->wnames.size(); ++i) r.wqids.push_back({.type = QTDIR, .version = 0, .path = 2 + i});
    return r;
  }
  if (std::holds_alternative<Tclunk>(m)) return Rclunk{};
  return std::nullopt;
}

FakeServer::FakeServer() {
  int fds[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0)
    throw std::system_error(errno, std::generic_category(), "socketpair");
  client_fd_ = fds[0];
  fd_ = fds[1];
}

FakeServer::~FakeServer() {
  // The client closes first in every test; a thread still serving sees EOF, then the fd goes.
  if (thread_.joinable()) thread_.join();
  close();
  if (client_fd_ >= 0) ::close(client_fd_);
}

int FakeServer::take_client_fd() { return std::exchange(client_fd_, -1); }

void FakeServer::close() {
  if (fd_ >= 0) ::close(std::exchange(fd_, -1));
}

bool FakeServer::read_exactly(std::byte* out, std::size_t n, std::chrono::milliseconds timeout) {
  while (n > 0) {
    pollfd p{.fd = fd_, .events = POLLIN, .revents = 0};
    if (::poll(&p, 1, static_cast<int>(timeout.count())) == 0) {
      ADD_FAILURE() << "fake server: no request within " << timeout.count() << " ms";
      return false;
    }
    const ssize_t got = ::read(fd_, out, n);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) ADD_FAILURE() << "fake server: read: " << std::strerror(errno);
    if (got <= 0) return false;  // 0: the client closed the connection
    out += got;
    n -= static_cast<std::size_t>(got);
  }
  return true;
}

std::optional<Request> FakeServer::receive(std::chrono::milliseconds timeout) {
  std::vector<std::byte> frame(4);
  if (!read_exactly(frame.data(), 4, timeout)) return std::nullopt;
  const FrameSize size = frame_size(frame, FAKE_MSIZE);
  if (!size.ok()) {
    ADD_FAILURE() << "fake server: bad frame size " << size.size;
    return std::nullopt;
  }
  frame.resize(size.size);
  if (!read_exactly(frame.data() + 4, frame.size() - 4, timeout)) return std::nullopt;
  DecodeResult decoded = decode(frame, FAKE_MSIZE, Direction::Request);
  if (!decoded.ok()) {
    ADD_FAILURE() << "fake server: undecodable request: " << describe(decoded.error());
    return std::nullopt;
  }
  Fcall fcall = std::move(decoded.fcall());
  return Request(std::move(frame), std::move(fcall));
}

void FakeServer::reply(uint16_t tag, const Message& reply) {
  const Fcall f{.tag = tag, .msg = reply};
  std::vector<std::byte> frame(encoded_size(f));
  ASSERT_EQ(encode(f, frame), frame.size());
  ASSERT_EQ(::write(fd_, frame.data(), frame.size()), static_cast<ssize_t>(frame.size()));
}

void FakeServer::serve(Handler handler) {
  thread_ = std::thread([this, handler = std::move(handler)] {
    // A long timeout: serve() ends when the client closes, not when it pauses.
    while (std::optional<Request> request = receive(std::chrono::seconds(30))) {
      if (std::optional<Message> answer = handler(*request)) reply(request->fcall.tag, *answer);
    }
  });
}

}  // namespace p9::client::testing
