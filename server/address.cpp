#include "server/address.h"

#include <charconv>
#include <stdexcept>

#include <fmt/format.h>

namespace p9::server {
namespace {

template <class Int>
Int parse_int(std::string_view text, std::string_view address, std::string_view what) {
  Int value{};
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || text.empty())
    throw std::runtime_error(fmt::format("address '{}': {} '{}' is not valid", address, what, text));
  return value;
}

}  // namespace

Address parse_address(std::string_view text) {
  Address a;
  if (text == "stdio") {
    a.kind = Address::Kind::stdio;
  } else if (text == "systemd") {
    a.kind = Address::Kind::systemd;
  } else if (text.starts_with("unix:") && text.size() > 5) {
    a.kind = Address::Kind::unix_socket;
    a.path = text.substr(5);
  } else if (text.starts_with("fd:")) {
    std::string_view fds = text.substr(3);
    auto comma = fds.find(',');
    a.kind = comma == std::string_view::npos ? Address::Kind::fd : Address::Kind::fd_pair;
    a.fd = parse_int<int>(fds.substr(0, comma), text, "descriptor");
    if (comma != std::string_view::npos) a.out_fd = parse_int<int>(fds.substr(comma + 1), text, "descriptor");
  } else if (text.starts_with("tcp:")) {
    std::string_view rest = text.substr(4);
    auto colon = rest.rfind(':');
    if (colon == std::string_view::npos)
      throw std::runtime_error(fmt::format("address '{}': expected tcp:HOST:PORT", text));
    std::string_view host = rest.substr(0, colon);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    a.host = host;
    a.port = parse_int<uint16_t>(rest.substr(colon + 1), text, "port");
  } else {
    throw std::runtime_error(fmt::format(
        "address '{}' is not one of tcp:HOST:PORT, unix:PATH, fd:N, fd:R,W, stdio, systemd", text));
  }
  return a;
}

}  // namespace p9::server
