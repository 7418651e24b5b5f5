// Files that workloads need on the server, made once per invocation in the run directory through the
// first connection, and removed with it at the end. Names are fixed: the run directory is private.
#pragma once

#include <asio/awaitable.hpp>
#include <cstdint>
#include <string_view>

#include "bench/lane.h"
#include "bench/workload.h"

namespace p9::bench {

inline constexpr std::string_view DATA_FILE = "data";      // options.file_size bytes of the pattern
inline constexpr std::string_view TARGET_FILE = "target";  // an empty file (walk, getattr)
inline constexpr std::string_view LISTING_DIR = "list";    // options.entries empty files (readdir)

// Makes DATA_FILE exist and be empty.
asio::awaitable<void> create_data_file(Lane& lane, RunState& run);
// Creates DATA_FILE and writes the pattern over it, unless a previous workload left it complete.
asio::awaitable<void> ensure_data_file(Lane& lane, RunState& run);
asio::awaitable<void> ensure_target(Lane& lane, RunState& run);
asio::awaitable<void> ensure_listing(Lane& lane, RunState& run);
// Removes the fixtures that exist, then the run directory.
asio::awaitable<void> remove_run_dir(Lane& lane, RunState& run);

// Empty files named entry_name(prefix, i) for i in [0, count) in directory dir, created or removed
// with `depth` requests in flight.
asio::awaitable<void> create_entries(Lane& lane, uint32_t dir, char prefix, uint64_t count, unsigned depth);
asio::awaitable<void> remove_entries(Lane& lane, uint32_t dir, char prefix, uint64_t count, unsigned depth);

// A new fid walked to name in the run directory.
asio::awaitable<uint32_t> walk_fixture(Lane& lane, std::string_view name);
// Walks worker.file (a new fid) to name in the run directory and opens it with flags.
asio::awaitable<void> open_fixture(Lane& lane, Worker& worker, std::string_view name, uint32_t flags);

// DATA_FILE in Tread/Twrite-sized chunks; chunk k wraps around to k % chunk_count.
struct Chunk {
  uint64_t offset;
  uint32_t length;
};
uint64_t chunk_count(uint64_t file_size, uint32_t io_size) noexcept;
Chunk chunk_of(uint64_t k, uint64_t file_size, uint32_t io_size) noexcept;

}  // namespace p9::bench
