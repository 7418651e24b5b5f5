// A second client holding a write lock on a file, so that a raw client's blocking Tlock parks in
// the server: the one request a client can keep in flight for as long as it likes.
#pragma once

#include <memory>
#include <string>

#include "client/sync_client.h"
#include "tests/hostile/hostile_fixture.h"
#include "tests/server/raw_client.h"

namespace p9::hostile {

class LockHolder {
 public:
  // Creates `path` through c and write-locks all of it.
  LockHolder(std::unique_ptr<client::SyncClient> c, std::string path);
  void unlock();

  // Walks `fid` of raw (attached at fid `root`) to the file and opens it read-write.
  void open_for(server::testing::RawClient& raw, uint32_t root, uint32_t fid) const;
  // A blocking write-lock request of the whole file on `tag`, sent and not waited for.
  static void park(server::testing::RawClient& raw, uint32_t fid, uint16_t tag);
  // Whether another owner can take the lock now (non-blocking): the holder's lock is gone and no
  // flushed or disconnected waiter got it instead.
  bool free_for_others(client::SyncClient& other) const;

 private:
  std::unique_ptr<client::SyncClient> c_;
  std::string path_;
  client::OpenFile file_;
};

// A raw session with fid kLocked open read-write on a file that a LockHolder write-locks.
class LockedFileTest : public RawSessionTest {
 protected:
  static constexpr uint32_t kLocked = 2;

  void SetUp() override {
    RawSessionTest::SetUp();
    holder = std::make_unique<LockHolder>(client(), "locked");
    holder->open_for(*c, kRoot, kLocked);
  }
  void TearDown() override {
    holder.reset();
    RawSessionTest::TearDown();
  }

  std::unique_ptr<LockHolder> holder;
};

}  // namespace p9::hostile
