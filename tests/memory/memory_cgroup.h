#pragma once
// A fresh cgroup v2 memory cgroup for one process, removed by the destructor: memory.high at the
// limit, memory.max a little above, memory.swap.max unlimited.

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>

namespace p9::memtest {

class MemoryCgroup {
 public:
  // nullptr, with the reason in `why`, when there is no memory controller this process may use.
  static std::unique_ptr<MemoryCgroup> create(const std::string& name, std::uint64_t limit_bytes,
                                              std::string& why);
  MemoryCgroup(const MemoryCgroup&) = delete;
  MemoryCgroup& operator=(const MemoryCgroup&) = delete;
  // Removes the cgroup; the processes put in it must have exited.
  ~MemoryCgroup();

  // Moves `pid` into the cgroup; false (errno set) when refused.
  bool add(pid_t pid) const;
  // Its directory, for the log.
  std::string describe() const;

 private:
  explicit MemoryCgroup(std::string path) : path_(std::move(path)) {}

  std::string path_;
};

}  // namespace p9::memtest
