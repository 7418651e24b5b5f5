#include "tests/ops/prometheus_text.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <sstream>
#include <stdexcept>
#include <system_error>

namespace p9::ops {

std::string scrape(uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::system_error(errno, std::generic_category(), "socket");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string answer;
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0) {
    const std::string request = "GET /metrics HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
    if (::write(fd, request.data(), request.size()) == static_cast<ssize_t>(request.size())) {
      char buffer[4096];
      for (ssize_t n; (n = ::read(fd, buffer, sizeof buffer)) > 0;) answer.append(buffer, static_cast<size_t>(n));
    }
  }
  ::close(fd);
  const auto body = answer.find("\r\n\r\n");
  if (!answer.starts_with("HTTP/1.0 200 ") || body == std::string::npos)
    throw std::runtime_error("metrics endpoint answered: " + answer.substr(0, 200));
  return answer.substr(body + 4);
}

std::map<std::string, double> parse_samples(const std::string& text) {
  std::map<std::string, double> samples;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line.starts_with('#')) continue;
    // Label values here hold no spaces: the value follows the last one.
    const auto space = line.rfind(' ');
    if (space == std::string::npos || space == 0) throw std::runtime_error("not a sample: " + line);
    std::size_t used = 0;
    const std::string value = line.substr(space + 1);
    const double v = value == "+Inf" ? HUGE_VAL : std::stod(value, &used);
    if (value != "+Inf" && used != value.size()) throw std::runtime_error("bad value: " + line);
    if (!samples.emplace(line.substr(0, space), v).second) throw std::runtime_error("duplicate: " + line);
  }
  return samples;
}

}  // namespace p9::ops
