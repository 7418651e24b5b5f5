#include "tests/hostile/lock_holder.h"

#include <stdexcept>

namespace p9::hostile {

LockHolder::LockHolder(std::unique_ptr<client::SyncClient> c, std::string path)
    : c_(std::move(c)), path_(std::move(path)) {
  file_ = c_->create(path_, DOTL_RDWR, 0666);
  if (c_->lock(file_.fid, {.type = LOCK_TYPE_WRLCK, .proc_id = 1, .client_id = "holder"}) != LOCK_SUCCESS)
    throw std::runtime_error("the holder could not take its lock");
}

void LockHolder::unlock() {
  c_->lock(file_.fid, {.type = LOCK_TYPE_UNLCK, .proc_id = 1, .client_id = "holder"});
}

void LockHolder::open_for(server::testing::RawClient& raw, uint32_t root, uint32_t fid) const {
  raw.call(Fcall{1, Twalk{root, fid, {path_}}});
  raw.call(Fcall{1, Tlopen{fid, DOTL_RDWR}});
}

void LockHolder::park(server::testing::RawClient& raw, uint32_t fid, uint16_t tag) {
  raw.send(Fcall{tag, Tlock{fid, LOCK_TYPE_WRLCK, LOCK_FLAGS_BLOCK, 0, 0, 2, "parked"}});
}

bool LockHolder::free_for_others(client::SyncClient& other) const {
  auto f = other.open(path_, DOTL_RDWR);
  const uint8_t status = other.lock(f.fid, {.type = LOCK_TYPE_WRLCK, .proc_id = 3, .client_id = "other"});
  other.clunk(f.fid);
  return status == LOCK_SUCCESS;
}

}  // namespace p9::hostile
