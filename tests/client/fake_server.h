// A scripted 9P responder for the client's tests, on one end of a socketpair (the client adopts the
// other). Either the test drives it by hand (receive/reply, blocking) to decide the order and timing
// of every reply, or serve() answers on a thread through a handler.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <stdexcept>
#include <thread>
#include <vector>

#include "proto/codec.h"

namespace p9::client::testing {

// A decoded request and the frame its views point into.
struct Request {
  std::vector<std::byte> frame;
  Fcall fcall;

  Request(std::vector<std::byte> bytes, Fcall f) : frame(std::move(bytes)), fcall(std::move(f)) {}
  Request(Request&&) = default;
  Request(const Request&) = delete;  // a copy's views would point into the original's frame

  // The body as T; a request of another type fails the test (and throws, ending it).
  template <class T>
  const T& as() const {
    if (const T* body = std::get_if<T>(&fcall.msg)) return *body;
    ADD_FAILURE() << "expected " << msg_name(T::msg_type) << ", got " << msg_name(fcall.type());
    throw std::runtime_error("unexpected request");
  }
};

// What serve() sends for a request: a reply, or nothing (the request stays unanswered).
using Handler = std::function<std::optional<Message>(const Request&)>;

// The replies every test needs: Tversion (at most max_msize), Tattach, Twalk (every name exists),
// Tclunk. nullopt for anything else.
std::optional<Message> handshake_reply(const Request& request, uint32_t max_msize = 1u << 20);

class FakeServer {
 public:
  FakeServer();
  ~FakeServer();  // closes its end and joins serve()'s thread

  // The client's end of the socketpair; call once.
  int take_client_fd();

  // The next request; nullopt (and a test failure unless the client closed) after `timeout`.
  std::optional<Request> receive(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  void reply(uint16_t tag, const Message& reply);
  // Closes the server's end: the client sees the connection drop.
  void close();

  // Answers every request with handler on a thread until the client closes.
  void serve(Handler handler);

 private:
  bool read_exactly(std::byte* out, std::size_t n, std::chrono::milliseconds timeout);

  int fd_ = -1;
  int client_fd_ = -1;
  std::thread thread_;
};

}  // namespace p9::client::testing
