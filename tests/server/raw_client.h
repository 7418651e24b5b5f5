// Frame-level access to a server connection for tests that need exact control: hand-made or broken
// frames, chosen tags, replies read one by one in arrival order (the client library hides all that).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "client/reply.h"
#include "proto/message.h"

namespace p9::server::testing {

using namespace std::chrono_literals;

std::vector<std::byte> encode_frame(const Fcall& f);

class RawClient {
 public:
  explicit RawClient(int fd);  // takes ownership
  ~RawClient();
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  void send(const Fcall& f);
  void send_bytes(std::span<const std::byte> bytes);
  // The next reply in arrival order; nullopt when the server closed the connection or at timeout.
  std::optional<client::Reply> receive(std::chrono::milliseconds timeout = 10s);
  // True when nothing arrives within `quiet` (a reply that must not come).
  bool silent(std::chrono::milliseconds quiet = 200ms);
  // True when the server closes the connection within timeout (replies before that are skipped).
  bool closed_by_server(std::chrono::milliseconds timeout = 10s);

  // send + receive, expecting the reply to carry f's tag.
  client::Reply call(const Fcall& f);
  // Tversion with NOTAG; returns the answer.
  Rversion version(uint32_t msize = 65536, std::string_view version = "9P2000.L");
  // Tattach(fid, NOFID, "", aname, uid); throws on Rlerror.
  Qid attach(uint32_t fid, uint32_t uid = 0, std::string_view aname = "");

  int fd() const { return fd_; }
  void close();

 private:
  bool read_exactly(std::byte* out, std::size_t n, std::chrono::milliseconds timeout);

  int fd_;
  uint32_t msize_ = 1u << 24;
  std::string version_text_;  // Rversion's version outlives its reply
};

// The errno of an Rlerror reply, 0 for anything else.
uint32_t rlerror_of(const client::Reply& r);

}  // namespace p9::server::testing
