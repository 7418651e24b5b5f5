// POSIX byte-range locks: Tlock and Tgetlock, and their release at clunk.
//
// Owner = (session id, client_id, proc_id), as the Linux client identifies a lock holder. A BLOCK
// request (F_SETLKW) waits in the store until granted rather than answering BLOCKED (which makes
// the Linux client sleep 30 s before retrying); Tflush cancels the wait and its reply is dropped.
#include <algorithm>
#include <cerrno>
#include <optional>
#include <string>

#include "server/session/handlers.h"

namespace p9::server {

namespace {

std::optional<store::LockType> lock_type(uint8_t wire) {
  switch (wire) {
    case LOCK_TYPE_RDLCK: return store::LockType::read;
    case LOCK_TYPE_WRLCK: return store::LockType::write;
    case LOCK_TYPE_UNLCK: return store::LockType::unlock;
    default: return std::nullopt;
  }
}

uint8_t wire_type(store::LockType t) {
  switch (t) {
    case store::LockType::read: return LOCK_TYPE_RDLCK;
    case store::LockType::write: return LOCK_TYPE_WRLCK;
    default: return LOCK_TYPE_UNLCK;
  }
}

// As fcntl(2): a read lock needs a fid open for reading, a write lock one open for writing.
bool access_allows(const Fid& fid, store::LockType t) {
  return (t != store::LockType::read || fid.readable) && (t != store::LockType::write || fid.writable);
}

// While a lock request is parked it does not count against the reader's back-pressure.
class ParkedLock {
 public:
  explicit ParkedLock(SessionState& s) : s_(s) { s_.progress.notify_all(); }
  ~ParkedLock() { s_.flow.unpark(); }
  ParkedLock(const ParkedLock&) = delete;
  ParkedLock& operator=(const ParkedLock&) = delete;

 private:
  SessionState& s_;
};

}  // namespace

// SUCCESS, BLOCKED for a conflict when not waiting, ERROR when the store has no room for the lock
// (the Linux client turns it into ENOLCK); other failures (EBADF, EINVAL) as Rlerror, so that
// fcntl returns their errno rather than ENOLCK.
asio::awaitable<Reply> handle(SessionState& s, const Tlock& m) {
  auto f = s.fid(m.fid, Need::open);
  if (!f) co_return error_reply(f.error());
  Fid& fid = **f;
  const auto type = lock_type(m.type);
  if (!type) co_return error_reply(EINVAL);
  if (!access_allows(fid, *type)) co_return error_reply(EBADF);
  const store::LockOwner owner{s.id, std::string(m.client_id), m.proc_id};
  const store::LockRange range{m.start, m.length};
  store::Store& store = fid.attach->store();

  const bool wait = (m.flags & LOCK_FLAGS_BLOCK) != 0 && *type != store::LockType::unlock &&
                    s.flow.try_park();
  store::Result<void> r;
  if (wait) {
    ParkedLock parked(s);
    r = co_await store.lock(fid.node, owner, *type, range, true);
  } else {
    r = co_await store.lock(fid.node, owner, *type, range, false);
  }
  if (r) {
    auto& owners = fid.lock_owners;
    if (*type != store::LockType::unlock && std::find(owners.begin(), owners.end(), owner) == owners.end()) {
      owners.push_back(owner);
    }
    co_return Reply{Rlock{LOCK_SUCCESS}, {}};
  }
  switch (r.error()) {
    case EAGAIN: co_return Reply{Rlock{LOCK_BLOCKED}, {}};
    case ENOLCK:
    case ENOSPC:
    case ENOMEM: co_return Reply{Rlock{LOCK_ERROR}, {}};
    default: co_return error_reply(r.error());
  }
}

// The first conflicting lock of another owner, or the request itself with type UNLCK. The Linux
// client always asks with type UNLCK (posix_test_lock overwrote the type F_GETLK asked about before
// v9fs sends it); that is answered as a write-lock test, i.e. with any lock another owner holds in
// the range — reporting a reader to an F_RDLCK query rather than hiding a reader from an F_WRLCK
// one.
asio::awaitable<Reply> handle(SessionState& s, const Tgetlock& m) {
  auto f = s.fid(m.fid, Need::open);
  if (!f) co_return error_reply(f.error());
  auto type = lock_type(m.type);
  if (!type) co_return error_reply(EINVAL);
  if (*type == store::LockType::unlock) type = store::LockType::write;
  const store::LockOwner owner{s.id, std::string(m.client_id), m.proc_id};
  // Named, not braced in the call: g++ 12 mis-evaluates temporaries built inside a co_await.
  const store::LockRange range{m.start, m.length};
  const store::LockType query = *type;
  auto r = co_await (*f)->attach->store().get_lock((*f)->node, owner, query, range);
  if (!r) co_return error_reply(r.error());
  Reply reply;
  if (r->type == store::LockType::unlock) {
    reply.msg = Rgetlock{LOCK_TYPE_UNLCK, m.start, m.length, m.proc_id,
                         keep_text(reply, s.pool, m.client_id)};
  } else {
    reply.msg = Rgetlock{wire_type(r->type), r->range.start, r->range.length, r->proc_id,
                         keep_text(reply, s.pool, r->client_id)};
  }
  co_return reply;
}

// Closing any descriptor releases the process's locks on the file (POSIX); the Linux client sends
// an explicit F_UNLCK at close anyway. Here: when a fid goes, its owners' locks on its node go too,
// unless another fid of this session that the same owner locked through still refers to the node.
asio::awaitable<void> release_fid_locks(SessionState& s, Fid& fid) {
  for (const store::LockOwner& owner : fid.lock_owners) {
    if (!s.fids.other_holder(fid, fid.node, owner)) {
      co_await fid.attach->store().release_locks(fid.node, owner);
    }
  }
}

}  // namespace p9::server
