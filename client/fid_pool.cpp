#include "client/fid_pool.h"

#include <system_error>

#include "proto/constants.h"

namespace p9::client {

uint32_t FidPool::allocate() {
  const std::lock_guard lock(mutex_);
  if (!free_.empty()) {
    const uint32_t fid = free_.back();
    free_.pop_back();
    return fid;
  }
  if (next_ == NOFID) throw std::system_error(std::make_error_code(std::errc::too_many_files_open), "no free fid");
  return next_++;
}

void FidPool::release(uint32_t fid) {
  const std::lock_guard lock(mutex_);
  free_.push_back(fid);
}

}  // namespace p9::client
