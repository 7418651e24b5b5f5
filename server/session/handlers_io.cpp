// Opening and file I/O: Tlopen, Tlcreate, Tread, Twrite, Tfsync.
#include <algorithm>
#include <cerrno>

#include "proto/name.h"
#include "server/session/handlers.h"
#include "server/session/open_flags.h"
#include "server/session/qid.h"

namespace p9::server {

namespace {

void mark_open(Fid& fid, const OpenMode& mode) {
  fid.state = Fid::State::open;
  fid.readable = mode.readable;
  fid.writable = mode.writable;
  fid.append = mode.append;
}

}  // namespace

asio::awaitable<Reply> handle(SessionState& s, const Tlopen& m) {
  auto f = s.fid(m.fid, Need::node);
  if (!f) co_return error_reply(f.error());
  Fid& fid = **f;
  if (fid.state != Fid::State::walked) co_return error_reply(EINVAL);  // already open
  const OpenMode mode = open_mode(m.flags);
  if ((mode.writable || mode.truncate) && fid.attach->read_only()) co_return error_reply(EROFS);
  // Marked while the store checks, so that a second Tlopen on the fid cannot slip in meanwhile.
  fid.state = Fid::State::opening;
  auto r = co_await fid.attach->store().open(fid.node, mode.host_flags, fid.attach->caller());
  if (!r) {
    fid.state = Fid::State::walked;
    co_return error_reply(r.error());
  }
  mark_open(fid, mode);
  co_return Reply{Rlopen{qid_of(fid.node), 0}, {}};
}

// Creates dir/name and turns the directory fid into the new file, open with the given flags.
asio::awaitable<Reply> handle(SessionState& s, const Tlcreate& m) {
  auto f = s.fid(m.fid, Need::mutating);
  if (!f) co_return error_reply(f.error());
  Fid& fid = **f;
  if (fid.state != Fid::State::walked) co_return error_reply(EINVAL);
  if (const int err = check_name(m.name, NameUse::Entry)) co_return error_reply(err);
  const Attachment& a = *fid.attach;
  fid.state = Fid::State::opening;
  auto r = co_await a.store().create(fid.node, m.name, m.mode, a.new_gid(m.gid), a.caller());
  if (!r) {
    fid.state = Fid::State::walked;
    co_return error_reply(r.error());
  }
  fid.parent = std::move(fid.node);
  fid.name = m.name;
  fid.node = std::move(*r);
  mark_open(fid, open_mode(m.flags));
  co_return Reply{Rlcreate{qid_of(fid.node), 0}, {}};
}

// Reads below this size are copied into the reply: their replies go out several per writev, which
// saves more than the copy costs (sending each from the file took one sendmsg per 4 KiB Rread).
constexpr uint32_t kSendFromFileMin = 32 * 1024;

// Larger reads answer with where the data is in the file: the writer sends it from there
// (Session::answer), and copies into the reply's buffer only what the socket does not take at once.
// It can do so only when no reply is queued before this one, so the read waits for that first (the
// reply could not go out earlier anyway): otherwise a client slower than the server, the usual case
// for large reads, would have every Rread copied.
asio::awaitable<Reply> handle(SessionState& s, const Tread& m) {
  const FidPtr fid = s.fids.find(m.fid);
  if (fid && fid->state == Fid::State::xattr_read) co_return read_xattr(s, *fid, m);
  if (!fid || !fid->is_open() || !fid->readable) co_return error_reply(EBADF);
  const uint32_t count = s.io_limit(m.count);
  Reply reply;
  if (count < kSendFromFileMin) {
    reply.storage = s.pool.take(count);
    auto n = co_await fid->attach->store().read(fid->node, m.offset, reply.storage.span());
    if (!n) co_return error_reply(n.error());
    reply.storage.resize(*n);
  } else {
    while (s.writer->sends_in_place() && !s.writer->idle()) co_await s.progress.wait();
    auto file = co_await fid->attach->store().read_view(fid->node, m.offset, count);
    if (!file) co_return error_reply(file.error());
    reply.storage = s.pool.take(file->bytes);
    reply.file = std::move(*file);
  }
  s.ctx.counters.bytes_read.fetch_add(reply.storage.size(), std::memory_order_relaxed);
  reply.msg = Rread{reply.storage.span()};
  co_return reply;
}

// A fid opened O_APPEND writes at the end of file whatever offset the client sends (the Linux
// client sends its idea of the file size, which another writer may have changed).
asio::awaitable<Reply> handle(SessionState& s, const Twrite& m) {
  const FidPtr fid = s.fids.find(m.fid);
  if (fid && fid->state == Fid::State::xattr_write) co_return write_xattr(*fid, m);
  if (!fid || !fid->is_open() || !fid->writable) co_return error_reply(EBADF);
  // A reload may have made the export read-only since the fid was opened for writing.
  if (fid->attach->read_only()) co_return error_reply(EROFS);
  const auto data = m.data.bytes.first(s.io_limit(static_cast<uint32_t>(m.data.size())));
  auto w = co_await fid->attach->store().write(fid->node, m.offset, data, fid->append,
                                               fid->attach->caller());
  if (!w) co_return error_reply(w.error());
  s.ctx.counters.bytes_written.fetch_add(w->bytes, std::memory_order_relaxed);
  co_return Reply{Rwrite{static_cast<uint32_t>(w->bytes)}, {}};
}

// Memory is always in sync: fsync and fdatasync only check the fid.
asio::awaitable<Reply> handle(SessionState& s, const Tfsync& m) {
  auto f = s.fid(m.fid, Need::node);
  if (!f) co_return error_reply(f.error());
  co_return Reply{Rfsync{}, {}};
}

}  // namespace p9::server
