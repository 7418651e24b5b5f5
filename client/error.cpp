#include "client/error.h"

namespace p9::client {
namespace {

class ClientCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "p9client"; }
  std::string message(int code) const override {
    switch (static_cast<Errc>(code)) {
      case Errc::connection_closed: return "connection to the server closed";
      case Errc::protocol_error: return "the server broke the 9P protocol";
      case Errc::unexpected_reply: return "reply does not match the request";
      case Errc::flushed: return "request flushed";
      case Errc::version_refused: return "the server does not speak 9P2000.L";
      case Errc::too_many_requests: return "too many requests in flight";
    }
    return "unknown client error";
  }
};

}  // namespace

const std::error_category& client_category() noexcept {
  static const ClientCategory category;
  return category;
}

std::error_code make_error_code(Errc e) noexcept { return {static_cast<int>(e), client_category()}; }

void throw_errno(int err, const std::string& what) {
  throw std::system_error(err, std::generic_category(), what);
}

int errno_of(const std::system_error& e) noexcept {
  return e.code().category() == std::generic_category() ? e.code().value() : 0;
}

}  // namespace p9::client
