// One connection of a benchmark run, the workers that keep its requests in flight, and what they
// count. Every RPC of the benchmark goes through a Lane, so RPC counts are exact. A lane's
// coroutines all run on one single-threaded io_context: counters and the histogram need no lock.
#pragma once

#include <array>
#include <asio/awaitable.hpp>
#include <asio/io_context.hpp>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "bench/entry_name.h"
#include "bench/histogram.h"
#include "bench/pattern.h"
#include "client/connection.h"

namespace p9::bench {

struct Options;

struct Counters {
  uint64_t ops = 0;
  uint64_t rpcs = 0;
  uint64_t bytes = 0;  // file data or directory entries moved
  uint64_t verify_failures = 0;

  void add(const Counters& other) noexcept;
};

// The state of one request slot of a connection.
struct Worker {
  uint32_t scratch = NOFID;  // for fids that live during one operation
  uint32_t file = NOFID;     // a fid held across operations (open file or directory), if any
  uint64_t random = 0;       // xorshift state
  std::array<char, ENTRY_NAME_SIZE> name{};
  std::optional<PatternBuffer> buffer;

  uint64_t next_random() noexcept;
  // Sets name to the entry name of prefix and number (bench/entry_name.h).
  std::string_view set_name(char prefix, uint64_t number) noexcept;
};

class Lane {
 public:
  Lane(asio::io_context& context, unsigned index) : context_(&context), index_(index) {}

  asio::io_context& context() const noexcept { return *context_; }
  unsigned index() const noexcept { return index_; }

  // Connects, negotiates msize and attaches; root() is then the attached fid.
  asio::awaitable<void> connect(const Options& options);
  // Walks dir() to the run directory (relative to the root).
  asio::awaitable<void> enter(std::string_view run_dir);
  // Clunks dir() and root() and closes the connection.
  asio::awaitable<void> disconnect();

  uint32_t root() const noexcept { return root_; }
  uint32_t dir() const noexcept { return dir_; }
  uint32_t msize() const noexcept { return connection_->msize(); }
  // The most data one Tread/Twrite/Treaddir moves.
  uint32_t io_size() const noexcept { return msize() - IOHDRSZ; }
  // Fid numbers: new_fid() reserves one; free_fid() returns it once the server forgot it (clunked).
  uint32_t new_fid() { return connection_->fids().allocate(); }
  void free_fid(uint32_t fid) { connection_->fids().release(fid); }

  // ---- RPCs (each counted) ----
  asio::awaitable<client::Reply> rpc(Message request);
  asio::awaitable<void> walk(uint32_t from, uint32_t newfid, std::span<const std::string_view> names);
  asio::awaitable<void> clunk(uint32_t fid);
  // Tclunk, then free_fid: for fids from new_fid() that are done with.
  asio::awaitable<void> release(uint32_t fid);
  asio::awaitable<void> lopen(uint32_t fid, uint32_t flags);
  // Tlcreate of name in the directory fid walked to: fid becomes the open new file.
  asio::awaitable<void> lcreate(uint32_t fid, std::string_view name, uint32_t flags);
  asio::awaitable<void> mkdir(uint32_t dir, std::string_view name);
  // Tunlinkat; servers that refuse it with EOPNOTSUPP (diod) get Twalk + Tremove, as Linux does.
  // scratch is a free fid for that fallback.
  asio::awaitable<void> unlink(uint32_t dir, std::string_view name, uint32_t scratch, uint32_t flags = 0);
  // Twrite of exactly data at offset (a short write is an error: no benchmarked server should).
  asio::awaitable<void> write(uint32_t fid, uint64_t offset, std::span<const std::byte> data);
  // Tread of count bytes at offset, checked against the pattern when verify is on.
  asio::awaitable<void> read(uint32_t fid, uint64_t offset, uint32_t count);

  std::vector<Worker> workers;
  Counters counters;
  LatencyHistogram latency;
  const Pattern* pattern = nullptr;  // set when reads are to be verified

 private:
  asio::io_context* context_;
  unsigned index_;
  std::optional<client::Connection> connection_;
  uint32_t root_ = NOFID;
  uint32_t dir_ = NOFID;
  uint32_t gid_ = 0;
  bool unlinkat_refused_ = false;
};

}  // namespace p9::bench
