#include "tests/memory/memory_cgroup.h"

#include <mntent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

namespace p9::memtest {

namespace {

constexpr std::uint64_t kHardHeadroom = 64u << 20;

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

bool write_text(const std::string& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
  out.flush();
  return static_cast<bool>(out);
}

bool has_word(const std::string& text, const std::string& word) {
  std::istringstream words(text);
  for (std::string w; words >> w;)
    if (w == word) return true;
  return false;
}

// Where the memory controller is mounted: a cgroup2 mount that offers it, else a v1 "memory" mount.
struct Hierarchy {
  std::string root;
  bool v2 = false;
};

Hierarchy find_memory_hierarchy() {
  Hierarchy found;
  FILE* mounts = setmntent("/proc/self/mounts", "r");
  if (mounts == nullptr) return found;
  while (const mntent* m = getmntent(mounts)) {
    const std::string type = m->mnt_type;
    if (type == "cgroup2" && has_word(read_text(std::string(m->mnt_dir) + "/cgroup.controllers"), "memory")) {
      found = {m->mnt_dir, true};
      break;
    }
    if (type == "cgroup" && hasmntopt(m, "memory") != nullptr && found.root.empty()) found = {m->mnt_dir, false};
  }
  endmntent(mounts);
  return found;
}

// This process's cgroup in the v1 memory hierarchy ("/" or "/a/b"): from the /proc/self/cgroup line
// "ID:CONTROLLERS:PATH" whose controllers include memory.
std::string own_v1_memory_cgroup() {
  std::istringstream lines(read_text("/proc/self/cgroup"));
  for (std::string line; std::getline(lines, line);) {
    const auto first = line.find(':');
    const auto second = line.find(':', first + 1);
    if (first == std::string::npos || second == std::string::npos) continue;
    std::string controllers = line.substr(first + 1, second - first - 1);
    std::replace(controllers.begin(), controllers.end(), ',', ' ');
    if (has_word(controllers, "memory")) return line.substr(second + 1);
  }
  return "/";
}

// The "NAME VALUE" line of a flat keyed file (memory.events, memory.oom_control).
std::uint64_t keyed_value(const std::string& text, const std::string& key) {
  std::istringstream lines(text);
  for (std::string name; lines >> name;) {
    std::uint64_t value = 0;
    lines >> value;
    if (name == key) return value;
  }
  return 0;
}

bool make_directory(const std::string& path, std::string& why) {
  rmdir(path.c_str());  // a leftover of a killed run
  if (mkdir(path.c_str(), 0755) == 0) return true;
  why = "cannot create " + path + ": " + std::strerror(errno);
  return false;
}

}  // namespace

std::unique_ptr<MemoryCgroup> MemoryCgroup::create(const std::string& name, std::uint64_t limit_bytes,
                                                   std::string& why) {
  const Hierarchy hierarchy = find_memory_hierarchy();
  if (hierarchy.root.empty()) {
    why = "no memory cgroup controller mounted";
    return nullptr;
  }
  if (!hierarchy.v2) {
    // A child of our own cgroup, so that whatever limits and accounts for this process still covers
    // the server.
    const std::string parent = hierarchy.root + own_v1_memory_cgroup();
    const std::string path = (parent.back() == '/' ? parent : parent + "/") + name;
    if (!make_directory(path, why)) return nullptr;
    std::unique_ptr<MemoryCgroup> group(new MemoryCgroup(path, false));
    // v1 has no memory.high: the hard limit is the only one, and reclaim runs in the threads that
    // charge (there is no background reclaim for a cgroup). The OOM killer stays on: a limit the
    // kernel cannot hold kills the server, which the test reports, rather than stalling it for good.
    // memory+swap (memory.memsw.limit_in_bytes) stays unlimited, as a new child's is.
    if (!write_text(path + "/memory.limit_in_bytes", std::to_string(limit_bytes))) {
      why = "cannot set memory.limit_in_bytes of " + path;
      return nullptr;
    }
    return group;
  }
  // A child of the root gets the controller only when the root hands it down.
  if (!has_word(read_text(hierarchy.root + "/cgroup.subtree_control"), "memory") &&
      !write_text(hierarchy.root + "/cgroup.subtree_control", "+memory")) {
    why = "cannot enable the memory controller in " + hierarchy.root + "/cgroup.subtree_control";
    return nullptr;
  }
  const std::string path = hierarchy.root + "/" + name;
  if (!make_directory(path, why)) return nullptr;
  std::unique_ptr<MemoryCgroup> group(new MemoryCgroup(path, true));
  // memory.high (at the limit) throttles the threads that charge and reclaims from them before any
  // allocation can fail; memory.max stays a little above, as the backstop.
  const bool limited = write_text(path + "/memory.high", std::to_string(limit_bytes)) &&
                       write_text(path + "/memory.max", std::to_string(limit_bytes + kHardHeadroom)) &&
                       write_text(path + "/memory.swap.max", "max");
  if (!limited) {
    why = "cannot set the memory limit of " + path;
    return nullptr;
  }
  return group;
}

MemoryCgroup::~MemoryCgroup() {
  // A process that just exited may still be charged for a moment: rmdir says EBUSY until then.
  for (int attempt = 0; attempt < 100 && rmdir(path_.c_str()) != 0 && errno == EBUSY; ++attempt)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
}

bool MemoryCgroup::add(pid_t pid) const { return write_text(path_ + "/cgroup.procs", std::to_string(pid)); }

std::string MemoryCgroup::describe() const { return path_ + (v2_ ? " (cgroup v2)" : " (cgroup v1)"); }

std::uint64_t MemoryCgroup::oom_kills() const {
  return v2_ ? keyed_value(read_text(path_ + "/memory.events"), "oom_kill")
             : keyed_value(read_text(path_ + "/memory.oom_control"), "oom_kill");
}

}  // namespace p9::memtest
