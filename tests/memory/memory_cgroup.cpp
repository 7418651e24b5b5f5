#include "tests/memory/memory_cgroup.h"

#include <mntent.h>
#include <sys/stat.h>
#include <unistd.h>

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

// Where the memory controller is mounted: a cgroup2 mount that offers it, else a v1 "memory" mount
// (only to say why the test cannot run).
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

}  // namespace

std::unique_ptr<MemoryCgroup> MemoryCgroup::create(const std::string& name, std::uint64_t limit_bytes,
                                                   std::string& why) {
  const Hierarchy hierarchy = find_memory_hierarchy();
  if (hierarchy.root.empty()) {
    why = "no memory cgroup controller mounted";
    return nullptr;
  }
  if (!hierarchy.v2) {
    // Measured on a hybrid-hierarchy machine: a v1 hard limit OOM-killed the server during swap-in,
    // and with v1's OOM killer off the server could stall for good; v1 has no memory.high.
    why = "the memory controller is on cgroup v1 (" + hierarchy.root +
          "), which has no memory.high: the test needs cgroup v2";
    return nullptr;
  }
  // A child of the root gets the controller only when the root hands it down.
  if (!has_word(read_text(hierarchy.root + "/cgroup.subtree_control"), "memory") &&
      !write_text(hierarchy.root + "/cgroup.subtree_control", "+memory")) {
    why = "cannot enable the memory controller in " + hierarchy.root + "/cgroup.subtree_control";
    return nullptr;
  }
  const std::string path = hierarchy.root + "/" + name;
  rmdir(path.c_str());  // a leftover of a killed run
  if (mkdir(path.c_str(), 0755) != 0) {
    why = "cannot create " + path + ": " + std::strerror(errno);
    return nullptr;
  }
  std::unique_ptr<MemoryCgroup> group(new MemoryCgroup(path));
  // A hard limit alone OOM-kills under concurrent swap-in: several threads reclaim at once, each
  // sees the others take the pages it freed, and gives up after its retries although swap has room.
  // memory.high (at the limit) throttles and reclaims first; memory.max stays a little above.
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

std::string MemoryCgroup::describe() const { return path_; }

}  // namespace p9::memtest
