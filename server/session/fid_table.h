// The fids of one session: number -> Fid, bounded by --max-fids, counted in the server's gauge.
#pragma once

#include <atomic>
#include <cstdint>
#include <unordered_map>

#include "server/session/fid.h"

namespace p9::server {

class FidTable {
 public:
  FidTable(std::atomic<uint64_t>& gauge, uint32_t limit) : gauge_(gauge), limit_(limit) {}
  FidTable(const FidTable&) = delete;
  FidTable& operator=(const FidTable&) = delete;
  ~FidTable() { clear(); }

  // Null when id is not in use.
  FidPtr find(uint32_t id) const;
  bool contains(uint32_t id) const { return fids_.contains(id); }
  // 0, or EBADF when id is in use, EMFILE when the table is full.
  int insert(uint32_t id, FidPtr fid);
  // Puts fid under an id that is in use (a walk with newfid == fid).
  void replace(uint32_t id, FidPtr fid);
  // Removes id and returns its fid (null when unknown).
  FidPtr remove(uint32_t id);
  // Forgets every fid (their node references drop unless a request still holds the fid).
  void clear();

  // True when a fid other than `except` refers to node and holds locks of owner.
  bool other_holder(const Fid& except, const store::NodeRef& node,
                    const store::LockOwner& owner) const;

  std::size_t size() const { return fids_.size(); }

 private:
  std::unordered_map<uint32_t, FidPtr> fids_;
  std::atomic<uint64_t>& gauge_;
  uint32_t limit_;
};

}  // namespace p9::server
