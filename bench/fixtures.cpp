#include "bench/fixtures.h"

#include <algorithm>

#include "bench/entry_name.h"
#include "bench/parallel.h"

namespace p9::bench {
namespace {

// Runs step(lane, worker, i) for i in [0, count), `depth` at a time, each strand of work with its
// own scratch fid. step is a named lambda of the caller's (see in_parallel).
template <class Step>
asio::awaitable<void> pipelined(Lane& lane, uint64_t count, unsigned depth, Step& step) {
  auto strand = [&](unsigned first) -> asio::awaitable<void> {
    Worker w;
    w.scratch = lane.new_fid();
    for (uint64_t i = first; i < count; i += depth) co_await step(lane, w, i);
    lane.free_fid(w.scratch);
  };
  co_await in_parallel(depth, strand);
}

// Creates name in directory dir with flags; returns the new open fid.
asio::awaitable<uint32_t> create_file(Lane& lane, uint32_t dir, std::string_view name, uint32_t flags) {
  const uint32_t fid = lane.new_fid();
  co_await lane.walk(dir, fid, {});
  co_await lane.lcreate(fid, name, flags);
  co_return fid;
}

// DATA_FILE open for writing and empty. Tlcreate of an existing name may fail with EEXIST (it does
// on p9tmpfs, as Plan 9's create), so an existing file is opened with O_TRUNC instead.
asio::awaitable<uint32_t> empty_data_file(Lane& lane, RunState& run) {
  run.data_complete = false;
  if (!run.has_data) {
    run.has_data = true;
    co_return co_await create_file(lane, lane.dir(), DATA_FILE, DOTL_RDWR | DOTL_CREATE);
  }
  const uint32_t fid = co_await walk_fixture(lane, DATA_FILE);
  co_await lane.lopen(fid, DOTL_RDWR | DOTL_TRUNC);
  co_return fid;
}

}  // namespace

uint64_t chunk_count(uint64_t file_size, uint32_t io_size) noexcept { return (file_size + io_size - 1) / io_size; }

Chunk chunk_of(uint64_t k, uint64_t file_size, uint32_t io_size) noexcept {
  const uint64_t offset = (k % chunk_count(file_size, io_size)) * io_size;
  return {offset, static_cast<uint32_t>(std::min<uint64_t>(io_size, file_size - offset))};
}

asio::awaitable<void> create_data_file(Lane& lane, RunState& run) {
  co_await lane.release(co_await empty_data_file(lane, run));
}

asio::awaitable<void> ensure_data_file(Lane& lane, RunState& run) {
  if (run.data_complete) co_return;
  const uint32_t fid = co_await empty_data_file(lane, run);
  const uint64_t size = run.options.file_size;
  const uint32_t io = lane.io_size();
  auto write_chunk = [&](Lane& l, Worker& w, uint64_t k) -> asio::awaitable<void> {
    if (!w.buffer) w.buffer.emplace(run.pattern, io);
    const Chunk c = chunk_of(k, size, io);
    co_await l.write(fid, c.offset, w.buffer->at(c.offset).first(c.length));
  };
  co_await pipelined(lane, chunk_count(size, io), run.options.depth, write_chunk);
  co_await lane.release(fid);
  run.data_complete = true;
}

asio::awaitable<void> ensure_target(Lane& lane, RunState& run) {
  if (run.has_target) co_return;
  co_await lane.release(co_await create_file(lane, lane.dir(), TARGET_FILE, DOTL_RDWR | DOTL_CREATE));
  run.has_target = true;
}

asio::awaitable<void> create_entries(Lane& lane, uint32_t dir, char prefix, uint64_t count, unsigned depth) {
  auto create = [dir, prefix](Lane& l, Worker& w, uint64_t i) -> asio::awaitable<void> {
    co_await l.walk(dir, w.scratch, {});
    co_await l.lcreate(w.scratch, w.set_name(prefix, i), DOTL_RDWR | DOTL_CREATE);
    co_await l.clunk(w.scratch);
  };
  co_await pipelined(lane, count, depth, create);
}

asio::awaitable<void> remove_entries(Lane& lane, uint32_t dir, char prefix, uint64_t count, unsigned depth) {
  auto remove = [dir, prefix](Lane& l, Worker& w, uint64_t i) -> asio::awaitable<void> {
    co_await l.unlink(dir, w.set_name(prefix, i), w.scratch);
  };
  co_await pipelined(lane, count, depth, remove);
}

asio::awaitable<void> ensure_listing(Lane& lane, RunState& run) {
  if (run.has_listing) co_return;
  co_await lane.mkdir(lane.dir(), LISTING_DIR);
  run.has_listing = true;
  const uint32_t list = co_await walk_fixture(lane, LISTING_DIR);
  co_await create_entries(lane, list, LISTING_PREFIX, run.options.entries, run.options.depth);
  co_await lane.release(list);
}

asio::awaitable<void> remove_run_dir(Lane& lane, RunState& run) {
  const uint32_t scratch = lane.new_fid();
  if (run.has_listing) {
    const uint32_t list = co_await walk_fixture(lane, LISTING_DIR);
    co_await remove_entries(lane, list, LISTING_PREFIX, run.options.entries, run.options.depth);
    co_await lane.release(list);
    co_await lane.unlink(lane.dir(), LISTING_DIR, scratch, DOTL_AT_REMOVEDIR);
  }
  if (run.has_data) co_await lane.unlink(lane.dir(), DATA_FILE, scratch);
  if (run.has_target) co_await lane.unlink(lane.dir(), TARGET_FILE, scratch);
  co_await lane.unlink(lane.root(), run.dir_name, scratch, DOTL_AT_REMOVEDIR);
  lane.free_fid(scratch);
}

asio::awaitable<uint32_t> walk_fixture(Lane& lane, std::string_view name) {
  const uint32_t fid = lane.new_fid();
  const std::string_view path[] = {name};
  co_await lane.walk(lane.dir(), fid, path);
  co_return fid;
}

asio::awaitable<void> open_fixture(Lane& lane, Worker& worker, std::string_view name, uint32_t flags) {
  worker.file = co_await walk_fixture(lane, name);
  co_await lane.lopen(worker.file, flags);
}

}  // namespace p9::bench
