#include "bench/proc_stats.h"

#include <sys/resource.h>
#include <unistd.h>

#include <charconv>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace p9::bench {
namespace {

struct ProcessTicks {
  pid_t pid = 0;
  pid_t ppid = 0;
  uint64_t ticks = 0;  // utime + stime + cutime + cstime
};

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), {}};
}

// /proc/PID/stat is "pid (comm) state ppid ...": comm may hold spaces and parentheses, so the
// fields are counted from the last ')'.
bool read_stat(pid_t pid, ProcessTicks& out) {
  const std::string line = slurp("/proc/" + std::to_string(pid) + "/stat");
  const auto close = line.rfind(')');
  if (close == std::string::npos) return false;
  std::istringstream fields(line.substr(close + 1));
  std::string state;
  fields >> state;
  std::vector<uint64_t> values;  // fields 4 (ppid) .. 17 (cstime)
  for (uint64_t v; values.size() < 14 && fields >> v;) values.push_back(v);
  if (values.size() < 14) return false;
  out.pid = pid;
  out.ppid = static_cast<pid_t>(values[0]);
  out.ticks = values[10] + values[11] + values[12] + values[13];
  return true;
}

std::vector<ProcessTicks> all_processes() {
  std::vector<ProcessTicks> all;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string name = entry.path().filename();
    pid_t pid = 0;
    const auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), pid);
    if (ec != std::errc{} || end != name.data() + name.size()) continue;
    if (ProcessTicks t; read_stat(pid, t)) all.push_back(t);  // it may have exited meanwhile
  }
  return all;
}

// pid and its live descendants, found breadth-first over the parent links.
std::vector<ProcessTicks> process_tree(pid_t pid) {
  const std::vector<ProcessTicks> all = all_processes();
  std::vector<ProcessTicks> tree;
  for (const ProcessTicks& p : all)
    if (p.pid == pid) tree.push_back(p);
  if (tree.empty()) throw std::runtime_error("no process " + std::to_string(pid));
  for (std::size_t i = 0; i < tree.size(); ++i)  // tree grows while it is walked
    for (const ProcessTicks& p : all)
      if (p.ppid == tree[i].pid) tree.push_back(p);
  return tree;
}

}  // namespace

double process_tree_cpu_seconds(pid_t pid) {
  uint64_t ticks = 0;
  for (const ProcessTicks& p : process_tree(pid)) ticks += p.ticks;
  return static_cast<double>(ticks) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

uint64_t process_tree_context_switches(pid_t pid) {
  uint64_t switches = 0;
  for (const ProcessTicks& p : process_tree(pid)) {
    const std::string tasks = "/proc/" + std::to_string(p.pid) + "/task";
    std::error_code gone;  // the process or a thread may exit while we look
    for (const auto& task : std::filesystem::directory_iterator(tasks, gone)) {
      std::istringstream status(slurp(task.path() / "status"));
      for (std::string key; status >> key;) {
        uint64_t n = 0;
        if ((key == "voluntary_ctxt_switches:" || key == "nonvoluntary_ctxt_switches:") && status >> n) switches += n;
      }
    }
  }
  return switches;
}

double own_cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const auto seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

ProcessMemory process_memory(pid_t pid) {
  std::istringstream status(slurp("/proc/" + std::to_string(pid) + "/status"));
  ProcessMemory m;
  bool found = false;
  // Lines look like "VmRSS:	  123456 kB".
  for (std::string key; status >> key;) {
    uint64_t kib = 0;
    if (key == "VmRSS:" && status >> kib) {
      m.rss_bytes = kib * 1024;
      found = true;
    } else if (key == "VmLck:" && status >> kib) {
      m.locked_bytes = kib * 1024;
    }
  }
  if (!found) throw std::runtime_error("no process " + std::to_string(pid));
  return m;
}

}  // namespace p9::bench
