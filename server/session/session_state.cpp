#include "server/session/session_state.h"

#include <algorithm>
#include <atomic>
#include <cerrno>

#include "proto/constants.h"

namespace p9::server {

namespace {
std::atomic<uint64_t> next_session_id{1};
}

SessionState::SessionState(ServerContext& context, const std::string& peer_name,
                           const asio::any_io_executor& strand)
    : ctx(context),
      peer(peer_name),
      id(next_session_id.fetch_add(1, std::memory_order_relaxed)),
      fids(context.counters.fids, context.options.max_fids),
      flow(context.options.max_inflight, context.options.max_msize),
      progress(strand) {}

store::Result<FidPtr> SessionState::fid(uint32_t number, Need need) const {
  FidPtr f = fids.find(number);
  if (!f || f->is_xattr()) return store::Errno{EBADF};
  if (need == Need::mutating && f->attach->read_only()) return store::Errno{EROFS};
  if (need == Need::open && !f->is_open()) return store::Errno{EBADF};
  return f;
}

uint32_t SessionState::io_limit(uint32_t count) const {
  return std::min(count, msize > IOHDRSZ ? msize - IOHDRSZ : 0);
}

void SessionState::note_export(Export* exp) {
  if (std::find(exports.begin(), exports.end(), exp) == exports.end()) exports.push_back(exp);
}

}  // namespace p9::server
