// What the kernel accounts for a process, read from /proc: the CPU time a server spends (so results
// can be stated per server CPU-second) and its memory (so metadata cost can be stated per file).
#pragma once

#include <sys/types.h>

#include <cstdint>

namespace p9::bench {

// User + system CPU seconds of process pid, its live descendants (servers that fork workers) and the
// descendants it has reaped. Resolution: one clock tick (10 ms). Throws std::runtime_error when pid
// does not exist.
double process_tree_cpu_seconds(pid_t pid);

// Context switches (voluntary + involuntary) of every thread of pid and its live descendants: how
// often the server went to sleep waiting for work and woke up again. Threads that have exited are
// not counted. Throws std::runtime_error when pid does not exist.
uint64_t process_tree_context_switches(pid_t pid);

// CPU seconds this process (the benchmark client) has used so far.
double own_cpu_seconds();

struct ProcessMemory {
  uint64_t rss_bytes = 0;     // VmRSS
  uint64_t locked_bytes = 0;  // VmLck: what mlock pinned
};

// Throws std::runtime_error when pid does not exist.
ProcessMemory process_memory(pid_t pid);

}  // namespace p9::bench
