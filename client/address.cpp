#include "client/address.h"

#include <charconv>
#include <stdexcept>

namespace p9::client {
namespace {

[[noreturn]] void bad_address(std::string_view text, std::string_view why) {
  throw std::invalid_argument("bad address '" + std::string(text) + "': " + std::string(why) +
                              " (expected tcp:HOST:PORT or unix:PATH)");
}

Address parse_tcp(std::string_view text, std::string_view rest) {
  // The last colon separates the port, so unbracketed IPv6 literals still parse.
  const auto colon = rest.rfind(':');
  if (colon == std::string_view::npos) bad_address(text, "no port");
  std::string_view host = rest.substr(0, colon);
  const std::string_view port = rest.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (host.empty()) bad_address(text, "no host");
  Address a;
  a.kind = Address::Kind::Tcp;
  a.host = std::string(host);
  const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), a.port);
  if (ec != std::errc{} || end != port.data() + port.size() || a.port == 0) bad_address(text, "bad port");
  return a;
}

}  // namespace

Address Address::parse(std::string_view text) {
  if (text.starts_with("tcp:")) return parse_tcp(text, text.substr(4));
  if (text.starts_with("unix:")) {
    if (text.size() == 5) bad_address(text, "no path");
    Address a;
    a.kind = Kind::Unix;
    a.path = std::string(text.substr(5));
    return a;
  }
  bad_address(text, "unknown transport");
}

std::string Address::to_string() const {
  if (kind == Kind::Unix) return "unix:" + path;
  const bool v6 = host.find(':') != std::string::npos;
  return "tcp:" + (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

}  // namespace p9::client
