// Attributes: Tgetattr, Tsetattr, Tstatfs.
#include <cerrno>

#include "server/session/handlers.h"
#include "server/session/qid.h"

namespace p9::server {

namespace {

// What Linux's statfs reports for a 9p mount when the server does not say otherwise (V9FS_MAGIC).
constexpr uint32_t kV9fsMagic = 0x01021997;

uint64_t seconds(int64_t s) { return static_cast<uint64_t>(s); }  // two's complement, as Linux

}  // namespace

// Every field is filled whatever the request mask asks (valid says so), btime, gen and
// data_version included.
asio::awaitable<Reply> handle(SessionState& s, const Tgetattr& m) {
  auto f = s.fid(m.fid, Need::node);
  if (!f) co_return error_reply(f.error());
  const store::Attr a = co_await (*f)->attach->store().getattr((*f)->node);
  co_return Reply{Rgetattr{.valid = GETATTR_ALL,
                           .qid = qid_of(a),
                           .mode = a.mode,
                           .uid = a.uid,
                           .gid = a.gid,
                           .nlink = a.nlink,
                           .rdev = a.rdev,
                           .size = a.size,
                           .blksize = a.blksize,
                           .blocks = a.blocks,
                           .atime_sec = seconds(a.atime.sec),
                           .atime_nsec = a.atime.nsec,
                           .mtime_sec = seconds(a.mtime.sec),
                           .mtime_nsec = a.mtime.nsec,
                           .ctime_sec = seconds(a.ctime.sec),
                           .ctime_nsec = a.ctime.nsec,
                           .btime_sec = seconds(a.btime.sec),
                           .btime_nsec = a.btime.nsec,
                           .gen = a.gen,
                           .data_version = a.version},
                  {}};
}

// valid passes through: store::SetAttr's bits are the protocol's.
asio::awaitable<Reply> handle(SessionState& s, const Tsetattr& m) {
  auto f = s.fid(m.fid, Need::mutating);
  if (!f) co_return error_reply(f.error());
  constexpr uint64_t kNsecPerSec = 1'000'000'000;
  if (((m.valid & SETATTR_ATIME_SET) != 0 && m.atime_nsec >= kNsecPerSec) ||
      ((m.valid & SETATTR_MTIME_SET) != 0 && m.mtime_nsec >= kNsecPerSec)) {
    co_return error_reply(EINVAL);  // as utimensat(2)
  }
  const store::SetAttr change{
      .valid = m.valid,
      .mode = m.mode,
      .uid = m.uid,
      .gid = m.gid,
      .size = m.size,
      .atime = {static_cast<int64_t>(m.atime_sec), static_cast<uint32_t>(m.atime_nsec)},
      .mtime = {static_cast<int64_t>(m.mtime_sec), static_cast<uint32_t>(m.mtime_nsec)}};
  const Attachment& a = *(*f)->attach;
  auto r = co_await a.store().setattr((*f)->node, change, a.caller());
  co_return ok_or_error(r.error(), Rsetattr{});
}

asio::awaitable<Reply> handle(SessionState& s, const Tstatfs& m) {
  auto f = s.fid(m.fid, Need::node);
  if (!f) co_return error_reply(f.error());
  const store::StatFs st = (*f)->attach->store().statfs();
  co_return Reply{Rstatfs{.type = kV9fsMagic,
                          .bsize = st.bsize,
                          .blocks = st.blocks,
                          .bfree = st.bfree,
                          .bavail = st.bavail,
                          .files = st.files,
                          .ffree = st.ffree,
                          .fsid = st.fsid,
                          .namelen = st.namelen},
                  {}};
}

}  // namespace p9::server
