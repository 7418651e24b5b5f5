// The workloads of p9bench except fill. Each operation is a sequence of RPCs that a Linux client
// would send for the corresponding system call(s); the mixed workload reuses the same operations.
#include <stdexcept>

#include "bench/fixtures.h"
#include "bench/workload.h"
#include "proto/dirent.h"

namespace p9::bench {
namespace {

// ---- operations ---------------------------------------------------------------------------------

// open(O_CREAT) + close + unlink: Twalk (clone) + Tlcreate + Tclunk + Tunlinkat.
asio::awaitable<void> create_cycle(Lane& lane, Worker& w, RunState& run) {
  const std::string_view name = w.set_name('c', run.next_name++);
  co_await lane.walk(lane.dir(), w.scratch, {});
  co_await lane.lcreate(w.scratch, name, DOTL_RDWR | DOTL_CREATE);
  co_await lane.clunk(w.scratch);
  co_await lane.unlink(lane.dir(), name, w.scratch);
}

// stat(path): Twalk + Tgetattr + Tclunk.
asio::awaitable<void> walk_cycle(Lane& lane, Worker& w) {
  const std::string_view path[] = {TARGET_FILE};
  co_await lane.walk(lane.dir(), w.scratch, path);
  co_await lane.rpc(Tgetattr{.fid = w.scratch, .request_mask = GETATTR_BASIC});
  co_await lane.clunk(w.scratch);
}

// fstat: Tgetattr on the worker's open file.
asio::awaitable<void> getattr_open(Lane& lane, Worker& w) {
  co_await lane.rpc(Tgetattr{.fid = w.file, .request_mask = GETATTR_BASIC});
}

uint64_t random_block(Worker& w, const Options& o) {
  return w.next_random() % (o.file_size / o.block_size) * o.block_size;
}

asio::awaitable<void> read_random(Lane& lane, Worker& w, const Options& o) {
  co_await lane.read(w.file, random_block(w, o), o.block_size);
}

asio::awaitable<void> write_random(Lane& lane, Worker& w, const Options& o) {
  const uint64_t offset = random_block(w, o);
  co_await lane.write(w.file, offset, w.buffer->at(offset));
}

// A whole listing of the worker's open directory, following each entry's cookie to an empty reply.
asio::awaitable<void> list_directory(Lane& lane, Worker& w, RunState& run) {
  const uint64_t expected = run.options.entries;
  uint64_t cookie = 0;
  uint64_t names = 0;
  bool malformed = false;
  // ganesha's cookies can lead round in circles: never read more names than the directory holds.
  while (names <= expected && !malformed) {
    const client::Reply reply = co_await lane.rpc(Treaddir{.fid = w.file, .offset = cookie, .count = lane.io_size()});
    const std::span<const std::byte> data = reply.as<Rreaddir>().data.bytes;
    if (data.empty()) break;
    lane.counters.bytes += data.size();
    DirentParser parser(data);
    while (const auto entry = parser.next()) {
      if (entry->name != "." && entry->name != "..") ++names;
      cookie = entry->offset;
    }
    malformed = parser.malformed();
  }
  if (run.options.verify && (malformed || names != expected)) ++lane.counters.verify_failures;
}

void check_block_size(const Lane& lane, const Options& o) {
  if (o.block_size == 0 || o.block_size > lane.io_size() || o.block_size > o.file_size)
    throw std::invalid_argument("--block must be between 1 and both msize - 24 and --size");
}

// ---- workloads ----------------------------------------------------------------------------------

class SeqWrite final : public Workload {
 public:
  using Workload::Workload;
  asio::awaitable<void> prepare(Lane& lane) override {
    co_await create_data_file(lane, run_);
    run_.next_chunk = 0;
  }
  asio::awaitable<void> open(Lane& lane, Worker& w) override {
    co_await open_fixture(lane, w, DATA_FILE, DOTL_RDWR);
    w.buffer.emplace(run_.pattern, lane.io_size());
    io_size_ = lane.io_size();
  }
  asio::awaitable<void> op(Lane& lane, Worker& w) override {
    const Chunk c = chunk_of(run_.next_chunk++, run_.options.file_size, lane.io_size());
    co_await lane.write(w.file, c.offset, w.buffer->at(c.offset).first(c.length));
  }
  // Once every chunk was written, seqread and the random workloads can use the file as it is.
  void finish(Figures&, const Interval&) override {
    run_.data_complete = run_.next_chunk >= chunk_count(run_.options.file_size, io_size_);
  }

 private:
  uint32_t io_size_ = 0;
};

class SeqRead final : public Workload {
 public:
  using Workload::Workload;
  asio::awaitable<void> prepare(Lane& lane) override {
    co_await ensure_data_file(lane, run_);
    run_.next_chunk = 0;
  }
  asio::awaitable<void> open(Lane& lane, Worker& w) override { co_await open_fixture(lane, w, DATA_FILE, DOTL_RDONLY); }
  asio::awaitable<void> op(Lane& lane, Worker& w) override {
    const Chunk c = chunk_of(run_.next_chunk++, run_.options.file_size, lane.io_size());
    co_await lane.read(w.file, c.offset, c.length);
  }
};

class RandRead final : public Workload {
 public:
  using Workload::Workload;
  asio::awaitable<void> prepare(Lane& lane) override {
    check_block_size(lane, run_.options);
    co_await ensure_data_file(lane, run_);
  }
  asio::awaitable<void> open(Lane& lane, Worker& w) override { co_await open_fixture(lane, w, DATA_FILE, DOTL_RDONLY); }
  asio::awaitable<void> op(Lane& lane, Worker& w) override { co_await read_random(lane, w, run_.options); }
};

class RandWrite final : public Workload {
 public:
  using Workload::Workload;
  asio::awaitable<void> prepare(Lane& lane) override {
    check_block_size(lane, run_.options);
    co_await ensure_data_file(lane, run_);
  }
  asio::awaitable<void> open(Lane& lane, Worker& w) override {
    co_await open_fixture(lane, w, DATA_FILE, DOTL_RDWR);
    w.buffer.emplace(run_.pattern, run_.options.block_size);
  }
  asio::awaitable<void> op(Lane& lane, Worker& w) override { co_await write_random(lane, w, run_.options); }
};

class Create final : public Workload {
 public:
  using Workload::Workload;
  asio::awaitable<void> op(Lane& lane, Worker& w) override { co_await create_cycle(lane, w, run_); }
};

class Walk final : public Workload {
 public:
  using Workload::Workload;
  asio::awaitable<void> prepare(Lane& lane) override { co_await ensure_target(lane, run_); }
  asio::awaitable<void> op(Lane& lane, Worker& w) override { co_await walk_cycle(lane, w); }
};

class Getattr final : public Workload {
 public:
  using Workload::Workload;
  asio::awaitable<void> prepare(Lane& lane) override { co_await ensure_target(lane, run_); }
  asio::awaitable<void> open(Lane& lane, Worker& w) override {
    co_await open_fixture(lane, w, TARGET_FILE, DOTL_RDONLY);
  }
  asio::awaitable<void> op(Lane& lane, Worker& w) override { co_await getattr_open(lane, w); }
};

class Readdir final : public Workload {
 public:
  using Workload::Workload;
  asio::awaitable<void> prepare(Lane& lane) override { co_await ensure_listing(lane, run_); }
  asio::awaitable<void> open(Lane& lane, Worker& w) override {
    co_await open_fixture(lane, w, LISTING_DIR, DOTL_RDONLY | DOTL_DIRECTORY);
  }
  asio::awaitable<void> op(Lane& lane, Worker& w) override { co_await list_directory(lane, w, run_); }
};

// What a busy shared home directory might see: 40 % fstat, 25 % stat, 10 % create cycles, 15 % 4 KiB
// reads and 10 % 4 KiB writes (fractions of operations).
class Mixed final : public Workload {
 public:
  using Workload::Workload;
  asio::awaitable<void> prepare(Lane& lane) override {
    check_block_size(lane, run_.options);
    co_await ensure_data_file(lane, run_);
    co_await ensure_target(lane, run_);
  }
  asio::awaitable<void> open(Lane& lane, Worker& w) override {
    co_await open_fixture(lane, w, DATA_FILE, DOTL_RDWR);
    w.buffer.emplace(run_.pattern, run_.options.block_size);
  }
  asio::awaitable<void> op(Lane& lane, Worker& w) override {
    const uint64_t dice = w.next_random() % 100;
    if (dice < 40)
      co_await getattr_open(lane, w);
    else if (dice < 65)
      co_await walk_cycle(lane, w);
    else if (dice < 75)
      co_await create_cycle(lane, w, run_);
    else if (dice < 90)
      co_await read_random(lane, w, run_.options);
    else
      co_await write_random(lane, w, run_.options);
  }
};

template <class W>
std::unique_ptr<Workload> make(RunState& run) {
  return std::make_unique<W>(run);
}

struct Entry {
  std::string_view name;
  std::unique_ptr<Workload> (*make)(RunState&);
};

constexpr Entry WORKLOADS[] = {
    {"seqwrite", make<SeqWrite>}, {"seqread", make<SeqRead>},
    {"randread", make<RandRead>}, {"randwrite", make<RandWrite>},
    {"create", make<Create>},     {"walk", make<Walk>},
    {"getattr", make<Getattr>},   {"readdir", make<Readdir>},
    {"mixed", make<Mixed>},       {"fill", make_fill},
};

}  // namespace

asio::awaitable<void> Workload::close(Lane& lane, Worker& w) {
  if (w.file != NOFID) co_await lane.release(std::exchange(w.file, NOFID));
  w.buffer.reset();
}

const std::vector<std::string>& workload_list() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (const Entry& e : WORKLOADS) v.emplace_back(e.name);
    return v;
  }();
  return names;
}

std::unique_ptr<Workload> make_workload(std::string_view name, RunState& run) {
  for (const Entry& e : WORKLOADS)
    if (e.name == name) return e.make(run);
  throw std::invalid_argument("unknown workload " + std::string(name));
}

}  // namespace p9::bench
