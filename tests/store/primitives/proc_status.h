#pragma once
// Reads one "Name:   123 kB" field of /proc/self/status, in bytes (memory counters of this process).

#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>

namespace p9::testing {

inline std::uint64_t proc_status_bytes(const std::string& field) {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind(field + ":", 0) != 0) continue;
    std::istringstream value(line.substr(field.size() + 1));
    std::uint64_t kib = 0;
    value >> kib;
    return kib * 1024;
  }
  return 0;
}

}  // namespace p9::testing
