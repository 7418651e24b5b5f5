// One soak client: connects again and again (Unix socket or TCP), runs a random mix of operations in
// a directory of its own and checks every reply against a model of what that directory holds.
// Connections end cleanly or are dropped at a random moment (see Dropper); an operation cut off by
// a drop may or may not have happened, so the next connection reads the directory back and accepts
// any state the operation could have left, and nothing else.
//
// Each connection first takes a lock on the worker's lock file, held until the connection ends.
// The server releases a session's locks only after its last request finished, so once the next
// connection gets the lock, nothing of a dropped connection is still running.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <vector>

#include "client/sync_client.h"
#include "tests/hostile/server_process.h"

namespace p9::soak {

// File name -> contents: what a worker's directory must hold.
using Tree = std::map<std::string, std::vector<std::byte>>;

struct Stats {
  std::atomic<uint64_t> operations{0};
  std::atomic<uint64_t> connections{0};
  std::atomic<uint64_t> drops{0};  // connections cut off while in use
  std::atomic<uint64_t> cut_operations{0};  // operations a drop interrupted
  std::atomic<uint64_t> unexpected{0};  // errors and wrong answers

  // Records an unexpected error (the first few are kept for the report).
  void fail(const std::string& what);
  std::vector<std::string> failures() const;

 private:
  mutable std::mutex mutex_;
  std::vector<std::string> failures_;
};

class Worker {
 public:
  Worker(const hostile::ServerProcess& server, unsigned index, uint64_t seed, Stats& stats);

  // Creates the worker's directory and lock file (once, before run()).
  void set_up();
  // Connections and operations until `deadline`.
  void run(std::chrono::steady_clock::time_point deadline);
  // Removes everything the worker made, over a clean connection.
  void clean_up();

 private:
  class Failure;
  std::unique_ptr<client::SyncClient> connect();
  // One connection's life; false when the worker has to stop (an unexpected error).
  bool one_connection(std::chrono::steady_clock::time_point deadline);
  void take_connection_lock(client::SyncClient& c);
  // Reads the directory back after a drop; it must match one of the cut operation's states.
  void settle(client::SyncClient& c);
  Tree read_tree(client::SyncClient& c);
  // One random operation; before it starts, possible_ holds the states it may leave behind.
  void operate(client::SyncClient& c);
  void create(client::SyncClient& c);
  void write(client::SyncClient& c);
  void read(client::SyncClient& c);
  void list(client::SyncClient& c);
  void stat(client::SyncClient& c);
  void rename(client::SyncClient& c);
  void unlink(client::SyncClient& c);
  void locks(client::SyncClient& c);

  std::string path(const std::string& name) const { return dir_ + "/" + name; }
  std::string existing_name();  // model_ must not be empty
  std::string random_name();
  std::vector<std::byte> random_bytes(std::size_t n);
  void expect(bool ok, const std::string& what);

  const hostile::ServerProcess& server_;
  const unsigned index_;
  const std::string dir_;
  const std::string lock_file_;
  std::mt19937_64 rng_;
  Stats& stats_;
  Tree model_;
  // States the current operation may leave (first: before it, last: after it).
  std::vector<Tree> possible_;
};

}  // namespace p9::soak
