// PinnedArena: aligned distinct blocks, exact counters, pinning as root (VmLck), and the fallback
// when mlock is refused (a forked child without CAP_IPC_LOCK and with RLIMIT_MEMLOCK 0).

#include "store/memory/pinned_arena.h"

#include <gtest/gtest.h>
#include <linux/capability.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <memory_resource>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "tests/store/primitives/proc_status.h"

namespace p9 {
namespace {

struct Request {
  std::size_t bytes;
  std::size_t alignment;
};

TEST(PinnedArena, BlocksAreAlignedDistinctAndCountedExactly) {
  PinnedArena arena(Pinning::off);
  const std::vector<Request> kinds = {{1, 1},     {24, 8},    {100, 16},  {200, 32},   {64, 64},
                                      {300, 128}, {4096, 4096}, {5000, 8192}, {100000, 16}, {257, 8}};
  struct Block {
    std::byte* p;
    Request request;
  };
  std::vector<Block> blocks;
  std::uint64_t expected_used = 0;
  for (int round = 0; round < 50; ++round) {
    for (const Request& request : kinds) {
      auto* p = static_cast<std::byte*>(arena.allocate(request.bytes, request.alignment));
      EXPECT_EQ(reinterpret_cast<std::uintptr_t>(p) % request.alignment, 0u)
          << request.bytes << "/" << request.alignment;
      std::memset(p, static_cast<int>(blocks.size() & 0xff), request.bytes);
      blocks.push_back({p, request});
      expected_used += PinnedArena::block_size(request.bytes, request.alignment);
    }
  }
  EXPECT_EQ(arena.used_bytes(), expected_used);
  EXPECT_GE(arena.mapped_bytes(), arena.used_bytes());

  for (std::size_t i = 0; i < blocks.size(); ++i) {  // nobody overwrote anybody
    const auto fill = static_cast<std::byte>(i & 0xff);
    EXPECT_TRUE(std::all_of(blocks[i].p, blocks[i].p + blocks[i].request.bytes,
                            [fill](std::byte b) { return b == fill; }));
  }
  std::sort(blocks.begin(), blocks.end(), [](const Block& a, const Block& b) { return a.p < b.p; });
  for (std::size_t i = 1; i < blocks.size(); ++i) {
    EXPECT_GE(blocks[i].p, blocks[i - 1].p + blocks[i - 1].request.bytes) << "overlapping blocks";
  }

  const std::uint64_t mapped_with_large = arena.mapped_bytes();
  for (const Block& block : blocks) arena.deallocate(block.p, block.request.bytes, block.request.alignment);
  EXPECT_EQ(arena.used_bytes(), 0u);
  EXPECT_LT(arena.mapped_bytes(), mapped_with_large) << "large blocks are unmapped when freed";
}

TEST(PinnedArena, SizeClassesBoundTheRounding) {
  EXPECT_EQ(PinnedArena::block_size(64, 8), 64u);
  EXPECT_EQ(PinnedArena::block_size(65, 8), 80u);
  EXPECT_EQ(PinnedArena::block_size(136, 8), 144u);
  EXPECT_EQ(PinnedArena::block_size(256, 8), 256u);
  EXPECT_EQ(PinnedArena::block_size(257, 8), 320u);
  EXPECT_EQ(PinnedArena::block_size(64 * 1024, 8), 64u * 1024);
  for (std::size_t bytes = 1; bytes <= 64 * 1024; ++bytes) {  // at most 25 % waste above 256 bytes
    const std::size_t block = PinnedArena::block_size(bytes, 8);
    ASSERT_GE(block, bytes);
    ASSERT_LE(block, bytes <= 256 ? bytes + 15 : bytes + bytes / 4 + 1) << bytes;
  }
}

TEST(PinnedArena, FreedBlocksAreReused) {
  PinnedArena arena(Pinning::off);
  void* first = arena.allocate(48, 8);
  arena.deallocate(first, 48, 8);
  const std::uint64_t mapped = arena.mapped_bytes();
  void* second = arena.allocate(40, 8);  // same class
  EXPECT_EQ(second, first);
  EXPECT_EQ(arena.mapped_bytes(), mapped);
  arena.deallocate(second, 40, 8);
}

TEST(PinnedArena, ServesPmrContainersOnSeveralThreads) {
  PinnedArena arena(Pinning::off);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&arena, t] {
      std::mt19937 random(static_cast<unsigned>(t));
      std::pmr::unordered_map<int, std::pmr::string> map(&arena);
      for (int i = 0; i < 20000; ++i) {
        const int key = static_cast<int>(random() % 2000);
        if (random() % 3 == 0) {
          map.erase(key);
        } else {
          map[key] = std::pmr::string(random() % 300, 'x');
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(arena.used_bytes(), 0u);
}

TEST(PinnedArena, PinsItsChunksWhenAllowed) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root or CAP_IPC_LOCK to lock more than ulimit -l";
  const std::uint64_t locked_before = testing::proc_status_bytes("VmLck");
  {
    PinnedArena arena(Pinning::required, 4u << 20);
    EXPECT_TRUE(arena.pinned());
    EXPECT_EQ(arena.pinned_bytes(), arena.mapped_bytes());
    EXPECT_GE(arena.pinned_bytes(), 4u << 20);
    EXPECT_GE(testing::proc_status_bytes("VmLck"), locked_before + (4u << 20));
    void* large = arena.allocate(1 << 20, 8);  // a mapping of its own, locked too
    EXPECT_TRUE(arena.pinned());
    arena.deallocate(large, 1 << 20, 8);
  }
  EXPECT_EQ(testing::proc_status_bytes("VmLck"), locked_before);
}

TEST(PinnedArena, OffNeverLocks) {
  const std::uint64_t locked_before = testing::proc_status_bytes("VmLck");
  PinnedArena arena(Pinning::off);
  EXPECT_FALSE(arena.pinned());
  EXPECT_EQ(arena.pinned_bytes(), 0u);
  EXPECT_GT(arena.mapped_bytes(), 0u);
  EXPECT_EQ(testing::proc_status_bytes("VmLck"), locked_before);
}

// In a child: give up CAP_IPC_LOCK and set RLIMIT_MEMLOCK to 0 so that mlock fails as for an
// unprivileged user, then check best_effort and required. Returns what went wrong ("" if nothing).
constexpr int kCannotDropPrivilege = 77;

std::string check_refused_pinning() {
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct caps[2]{};
  if (syscall(SYS_capget, &header, caps) != 0) _exit(kCannotDropPrivilege);
  caps[CAP_IPC_LOCK / 32].effective &= ~(1u << (CAP_IPC_LOCK % 32));
  caps[CAP_IPC_LOCK / 32].permitted &= ~(1u << (CAP_IPC_LOCK % 32));
  const rlimit none{0, 0};
  if (syscall(SYS_capset, &header, caps) != 0 || setrlimit(RLIMIT_MEMLOCK, &none) != 0) {
    _exit(kCannotDropPrivilege);
  }

  std::ostringstream log;
  spdlog::set_default_logger(
      std::make_shared<spdlog::logger>("capture", std::make_shared<spdlog::sinks::ostream_sink_st>(log)));
  std::string problems;
  {
    PinnedArena arena(Pinning::best_effort);
    if (arena.pinned() || arena.pinned_bytes() != 0) problems += "best_effort claims to be pinned; ";
    void* p = arena.allocate(100, 8);
    std::memset(p, 1, 100);
    arena.deallocate(p, 100, 8);
    PinnedArena second(Pinning::best_effort);
  }
  const std::string warnings = log.str();
  for (const char* advice : {"ulimit -l", "LimitMEMLOCK=", "IPC_LOCK", "[warning]"}) {
    if (warnings.find(advice) == std::string::npos) problems += std::string("warning lacks ") + advice + "; ";
  }
  if (warnings.find("[warning]") != warnings.rfind("[warning]")) problems += "more than one warning; ";
  try {
    PinnedArena arena(Pinning::required);
    problems += "required did not throw; ";
  } catch (const std::runtime_error& e) {
    if (std::string(e.what()).find("ulimit -l") == std::string::npos) problems += "required: no advice; ";
  }
  return problems;
}

TEST(PinnedArena, RefusedPinningWarnsOnceOrFailsWhenRequired) {
  int report[2];
  ASSERT_EQ(pipe(report), 0);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    close(report[0]);
    const std::string problems = check_refused_pinning();
    (void)!write(report[1], problems.data(), problems.size());
    _exit(problems.empty() ? 0 : 1);
  }
  close(report[1]);
  std::string problems;
  char buffer[512];
  for (ssize_t n; (n = read(report[0], buffer, sizeof buffer)) > 0;) problems.append(buffer, static_cast<std::size_t>(n));
  close(report[0]);
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  if (WEXITSTATUS(status) == kCannotDropPrivilege) GTEST_SKIP() << "cannot drop CAP_IPC_LOCK here";
  EXPECT_EQ(WEXITSTATUS(status), 0) << problems;
  EXPECT_EQ(problems, "");
}

}  // namespace
}  // namespace p9
