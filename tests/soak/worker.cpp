#include "tests/soak/worker.h"

#include <algorithm>
#include <optional>
#include <set>
#include <stdexcept>
#include <system_error>
#include <thread>

#include "client/error.h"
#include "tests/soak/dropper.h"

namespace p9::soak {

using namespace std::chrono_literals;
using client::SyncClient;

namespace {

constexpr unsigned kNames = 24;  // file names a worker uses: f00..f23, so renames also replace
constexpr std::size_t kMaxCreate = 32 * 1024;
constexpr std::size_t kMaxWrite = 16 * 1024;  // one Twrite: a cut write is all or nothing
constexpr unsigned kMaxOperations = 500;  // per connection
constexpr auto kMaxLifetime = 300ms;  // before a drop
constexpr auto kLockWait = 10s;  // for the connection lock a dropped connection held

}  // namespace

class Worker::Failure : public std::runtime_error {
  using std::runtime_error::runtime_error;
};

void Stats::fail(const std::string& what) {
  unexpected++;
  std::lock_guard lock(mutex_);
  if (failures_.size() < 20) failures_.push_back(what);
}

std::vector<std::string> Stats::failures() const {
  std::lock_guard lock(mutex_);
  return failures_;
}

Worker::Worker(const hostile::ServerProcess& server, unsigned index, uint64_t seed, Stats& stats)
    : server_(server),
      index_(index),
      dir_("/w" + std::to_string(index)),
      lock_file_("/w" + std::to_string(index) + ".lock"),
      rng_(seed),
      stats_(stats) {}

void Worker::set_up() {
  SyncClient c(server_.connect_unix());
  c.mkdir(dir_, 0755);
  c.clunk(c.create(lock_file_, DOTL_RDWR, 0644).fid);
}

void Worker::run(std::chrono::steady_clock::time_point deadline) {
  while (std::chrono::steady_clock::now() < deadline) {
    if (!one_connection(deadline)) return;
  }
}

void Worker::clean_up() {
  try {
    SyncClient c(server_.connect_unix());
    take_connection_lock(c);
    if (!possible_.empty()) settle(c);
    for (const auto& [name, contents] : model_) c.unlink(path(name));
    expect(read_tree(c).empty(), "the directory is empty after removing every file");
    c.unlink(dir_, DOTL_AT_REMOVEDIR);
    c.unlink(lock_file_);
  } catch (const std::exception& e) {
    stats_.fail("worker " + std::to_string(index_) + " cleaning up: " + e.what());
  }
}

bool Worker::one_connection(std::chrono::steady_clock::time_point deadline) {
  const int fd = rng_() % 2 == 0 ? server_.connect_unix() : server_.connect_tcp();
  stats_.connections++;
  try {
    SyncClient c(fd);
    take_connection_lock(c);
    if (!possible_.empty()) settle(c);
    // Three connections in four are dropped at a random moment; the others end cleanly.
    std::optional<Dropper> dropper;
    if (rng_() % 4 != 0) {
      dropper.emplace(fd, std::chrono::milliseconds(1 + rng_() % kMaxLifetime.count()));
    }
    const unsigned operations = 1 + rng_() % kMaxOperations;
    try {
      for (unsigned i = 0; i < operations && std::chrono::steady_clock::now() < deadline; ++i) {
        operate(c);
        possible_.clear();
        stats_.operations++;
      }
    } catch (const std::system_error& e) {
      // A drop fails the call in flight with the client's own error; an Rlerror is never expected.
      if (!dropper || !dropper->fired() || e.code().category() == std::generic_category()) throw;
      stats_.cut_operations++;
    }
    if (dropper && dropper->fired()) stats_.drops++;
    return true;
  } catch (const std::exception& e) {
    stats_.fail("worker " + std::to_string(index_) + ": " + e.what());
    return false;
  }
}

void Worker::take_connection_lock(SyncClient& c) {
  const client::OpenFile f = c.open(lock_file_, DOTL_RDWR);
  const client::LockRange whole{.type = LOCK_TYPE_WRLCK, .start = 0, .length = 0, .proc_id = 1, .client_id = "soak"};
  const auto give_up = std::chrono::steady_clock::now() + kLockWait;
  uint8_t status = c.lock(f.fid, whole);
  while (status == LOCK_BLOCKED && std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(2ms);
    status = c.lock(f.fid, whole);
  }
  expect(status == LOCK_SUCCESS, "the lock of the previous connection was released within 10 s");
  // f.fid stays open with the lock until the connection ends.
}

void Worker::settle(SyncClient& c) {
  const Tree actual = read_tree(c);
  const auto match = std::find(possible_.begin(), possible_.end(), actual);
  expect(match != possible_.end(), "after a drop the directory holds a state the cut operation could leave");
  model_ = actual;
  possible_.clear();
}

Tree Worker::read_tree(SyncClient& c) {
  Tree tree;
  for (const client::DirEntry& e : c.list(dir_)) {
    if (e.name != "." && e.name != "..") tree[e.name] = c.read_file(path(e.name));
  }
  return tree;
}

void Worker::operate(SyncClient& c) {
  possible_ = {model_};
  if (model_.empty()) return create(c);
  switch (rng_() % 15) {
    case 0: case 1: case 2: return model_.size() < kNames ? create(c) : write(c);
    case 3: case 4: case 5: return write(c);
    case 6: case 7: case 8: return read(c);
    case 9: return list(c);
    case 10: case 11: return stat(c);
    case 12: return rename(c);
    case 13: return unlink(c);
    default: return locks(c);
  }
}

void Worker::create(SyncClient& c) {
  std::string name = random_name();
  while (model_.contains(name)) name = random_name();
  const std::vector<std::byte> contents = random_bytes(rng_() % (kMaxCreate + 1));
  Tree created = model_;
  created[name] = {};
  Tree written = model_;
  written[name] = contents;
  possible_ = {model_, created, written};

  const client::OpenFile f = c.create(path(name), DOTL_RDWR, 0644);
  if (!contents.empty()) expect(c.write(f.fid, 0, contents) == contents.size(), "Twrite of a new file wrote it all");
  c.clunk(f.fid);
  model_ = std::move(written);
}

void Worker::write(SyncClient& c) {
  const std::string name = existing_name();
  std::vector<std::byte> contents = model_[name];
  const uint64_t offset = rng_() % (contents.size() + 4097);
  const std::vector<std::byte> data = random_bytes(1 + rng_() % kMaxWrite);
  contents.resize(std::max<std::size_t>(contents.size(), offset + data.size()));
  std::copy(data.begin(), data.end(), contents.begin() + static_cast<std::ptrdiff_t>(offset));
  Tree after = model_;
  after[name] = std::move(contents);
  possible_.push_back(after);

  const client::OpenFile f = c.open(path(name), DOTL_RDWR);
  expect(c.write(f.fid, offset, data) == data.size(), "Twrite wrote it all");
  c.clunk(f.fid);
  model_ = std::move(after);
}

void Worker::read(SyncClient& c) {
  const std::string name = existing_name();
  expect(c.read_file(path(name)) == model_[name], "a file reads back as written");
}

void Worker::list(SyncClient& c) {
  std::set<std::string> listed;
  for (const client::DirEntry& e : c.list(dir_)) {
    if (e.name != "." && e.name != "..") expect(listed.insert(e.name).second, "readdir lists a name once");
  }
  std::set<std::string> expected;
  for (const auto& [name, contents] : model_) expected.insert(name);
  expect(listed == expected, "readdir lists exactly the files made");
}

void Worker::stat(SyncClient& c) {
  const std::string name = existing_name();
  const client::Attr a = c.stat(path(name));
  expect(a.size == model_[name].size(), "Tgetattr reports the size written");
  expect(a.nlink == 1, "Tgetattr reports one link");
}

void Worker::rename(SyncClient& c) {
  const std::string from = existing_name();
  std::string to = random_name();
  while (to == from) to = random_name();
  Tree after = model_;
  after[to] = std::move(after[from]);
  after.erase(from);
  possible_.push_back(after);

  c.rename(path(from), path(to));
  model_ = std::move(after);
}

void Worker::unlink(SyncClient& c) {
  const std::string name = existing_name();
  Tree after = model_;
  after.erase(name);
  possible_.push_back(after);

  c.unlink(path(name));
  model_ = std::move(after);
}

// A byte-range lock, seen by another owner of the same connection, then released.
void Worker::locks(SyncClient& c) {
  const client::OpenFile f = c.open(path(existing_name()), DOTL_RDWR);
  client::LockRange range{.type = LOCK_TYPE_WRLCK, .start = rng_() % 4096, .length = 1 + rng_() % 4096,
                          .proc_id = 2, .client_id = "soak"};
  expect(c.lock(f.fid, range) == LOCK_SUCCESS, "a free range locks");
  client::LockRange probe = range;
  probe.proc_id = 3;
  const client::LockRange held = c.getlock(f.fid, probe);
  expect(held.type == LOCK_TYPE_WRLCK && held.proc_id == 2 && held.start == range.start,
         "Tgetlock of another owner reports the lock");
  range.type = LOCK_TYPE_UNLCK;
  expect(c.lock(f.fid, range) == LOCK_SUCCESS, "unlock succeeds");
  expect(c.getlock(f.fid, probe).type == LOCK_TYPE_UNLCK, "the range is free after unlock");
  c.clunk(f.fid);
}

std::string Worker::existing_name() {
  auto it = model_.begin();
  std::advance(it, static_cast<std::ptrdiff_t>(rng_() % model_.size()));
  return it->first;
}

std::string Worker::random_name() {
  const unsigned n = rng_() % kNames;
  return std::string("f") + static_cast<char>('0' + n / 10) + static_cast<char>('0' + n % 10);
}

std::vector<std::byte> Worker::random_bytes(std::size_t n) {
  std::vector<std::byte> bytes(n);
  for (auto& b : bytes) b = static_cast<std::byte>(rng_());
  return bytes;
}

void Worker::expect(bool ok, const std::string& what) {
  if (!ok) throw Failure("expected: " + what);
}

}  // namespace p9::soak
