// Where a server listens, as the CLI and tests spell it: "tcp:HOST:PORT" or "unix:PATH".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace p9::client {

struct Address {
  enum class Kind { Tcp, Unix };
  Kind kind = Kind::Tcp;
  std::string host;  // Tcp: a name or an address; IPv6 may be bracketed: tcp:[::1]:5640
  uint16_t port = 0;
  std::string path;  // Unix

  // Throws std::invalid_argument naming the expected forms.
  static Address parse(std::string_view text);
  std::string to_string() const;
};

inline constexpr std::string_view DEFAULT_ADDRESS = "tcp:127.0.0.1:5640";

}  // namespace p9::client
