#include "tests/server/raw_client.h"

#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <system_error>

#include "proto/codec.h"

namespace p9::server::testing {

std::vector<std::byte> encode_frame(const Fcall& f) {
  std::vector<std::byte> out(encoded_size(f));
  if (encode(f, out) == 0) throw std::runtime_error("encode failed");
  return out;
}

RawClient::RawClient(int fd) : fd_(fd) {}

RawClient::~RawClient() { close(); }

void RawClient::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

void RawClient::send(const Fcall& f) { send_bytes(encode_frame(f)); }

void RawClient::send_bytes(std::span<const std::byte> bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd_, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw std::system_error(errno, std::generic_category(), "write");
    bytes = bytes.subspan(static_cast<std::size_t>(n));
  }
}

bool RawClient::read_exactly(std::byte* out, std::size_t n, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (n > 0) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
    const ssize_t got = ::read(fd_, out, n);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return false;
    out += got;
    n -= static_cast<std::size_t>(got);
  }
  return true;
}

std::optional<client::Reply> RawClient::receive(std::chrono::milliseconds timeout) {
  std::byte size_bytes[4];
  if (!read_exactly(size_bytes, 4, timeout)) return std::nullopt;
  uint32_t size = 0;
  for (int i = 3; i >= 0; --i) size = (size << 8) | static_cast<uint8_t>(size_bytes[i]);
  if (size < 7 || size > msize_) throw std::runtime_error("bad reply size");
  std::vector<std::byte> frame(size);
  std::memcpy(frame.data(), size_bytes, 4);
  if (!read_exactly(frame.data() + 4, size - 4, timeout)) return std::nullopt;
  return client::Reply(std::move(frame), msize_);
}

bool RawClient::silent(std::chrono::milliseconds quiet) {
  pollfd p{fd_, POLLIN, 0};
  return ::poll(&p, 1, static_cast<int>(quiet.count())) == 0;
}

bool RawClient::closed_by_server(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::byte sink[4096];
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0) continue;
    const ssize_t n = ::read(fd_, sink, sizeof sink);
    if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN)) return true;
  }
  return false;
}

client::Reply RawClient::call(const Fcall& f) {
  send(f);
  auto r = receive();
  if (!r) throw std::runtime_error("no reply to " + std::string(msg_name(f.type())));
  if (!r->ok()) throw std::runtime_error("undecodable reply");
  if (r->tag() != f.tag) throw std::runtime_error("reply with another tag");
  return std::move(*r);
}

Rversion RawClient::version(uint32_t msize, std::string_view version) {
  auto r = call(Fcall{NOTAG, Tversion{msize, version}});
  Rversion v = r.as<Rversion>();
  version_text_ = std::string(v.version);
  v.version = version_text_;
  return v;
}

Qid RawClient::attach(uint32_t fid, uint32_t uid, std::string_view aname) {
  auto r = call(Fcall{1, Tattach{fid, NOFID, "", aname, uid}});
  if (const uint32_t e = rlerror_of(r)) throw std::system_error(static_cast<int>(e), std::generic_category(), "Tattach");
  return r.as<Rattach>().qid;
}

uint32_t rlerror_of(const client::Reply& r) {
  if (const auto* e = std::get_if<Rlerror>(&r.fcall().msg)) return e->ecode;
  return 0;
}

}  // namespace p9::server::testing
