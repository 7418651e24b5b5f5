#pragma once
// A fresh memory cgroup for one process, removed by the destructor. On cgroup v2: memory.high at the
// limit, memory.max a little above, memory.swap.max unlimited. On cgroup v1 (a hybrid hierarchy, where
// the memory controller cannot move to v2): memory.limit_in_bytes at the limit, memory+swap
// unlimited, a child of the cgroup this process is in.

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
  // Its directory and controller version, for the log.
  std::string describe() const;
  // Processes the kernel's OOM killer has killed in the cgroup so far.
  std::uint64_t oom_kills() const;

 private:
  MemoryCgroup(std::string path, bool v2) : path_(std::move(path)), v2_(v2) {}

  std::string path_;
  bool v2_;
};

}  // namespace p9::memtest
