// Extended attributes: Txattrwalk (get and list: the value is read back with Tread on the new fid)
// and Txattrcreate (set and remove: the value arrives with Twrite and is applied at Tclunk).
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>

#include "server/session/handlers.h"

namespace p9::server {

asio::awaitable<Reply> handle(SessionState& s, const Txattrwalk& m) {
  auto f = s.fid(m.fid, Need::node);
  if (!f) co_return error_reply(f.error());
  // The new fid holds a snapshot of the value; it may not replace the fid it comes from.
  if (m.newfid == m.fid || s.fids.contains(m.newfid)) co_return error_reply(EBADF);
  const Fid& from = **f;
  const Attachment& a = *from.attach;
  std::vector<std::byte> value;
  if (m.name.empty()) {
    auto names = co_await a.store().list_xattrs(from.node, a.caller());
    if (!names) co_return error_reply(names.error());
    const auto* bytes = reinterpret_cast<const std::byte*>(names->data());
    value.assign(bytes, bytes + names->size());
  } else {
    auto got = co_await a.store().get_xattr(from.node, m.name, a.caller());
    if (!got) co_return error_reply(got.error());
    value = std::move(*got);
  }
  auto fid = std::make_shared<Fid>();
  fid->attach = from.attach;
  fid->node = from.node;
  fid->state = Fid::State::xattr_read;
  fid->xattr_snapshot = s.xattr_snapshots.share(from.node.id(), m.name, std::move(value));
  const uint64_t size = fid->xattr_snapshot->size();
  if (const int err = s.fids.insert(m.newfid, std::move(fid))) co_return error_reply(err);
  co_return Reply{Rxattrwalk{size}, {}};
}

Reply read_xattr(SessionState& s, const Fid& fid, const Tread& m) {
  const std::vector<std::byte>& value = *fid.xattr_snapshot;
  const uint64_t offset = std::min<uint64_t>(m.offset, value.size());
  const std::size_t n = std::min<uint64_t>(s.io_limit(m.count), value.size() - offset);
  Reply reply;
  reply.storage = s.pool.take(n);
  if (n != 0) std::memcpy(reply.storage.data(), value.data() + offset, n);
  reply.msg = Rread{reply.storage.span()};
  return reply;
}

// Turns fid into an xattr-write fid for attr_size bytes. Size 0 means removal (see commit_xattr).
asio::awaitable<Reply> handle(SessionState& s, const Txattrcreate& m) {
  auto f = s.fid(m.fid, Need::mutating);
  if (!f) co_return error_reply(f.error());
  Fid& fid = **f;
  if (fid.state != Fid::State::walked) co_return error_reply(EINVAL);
  if (m.attr_size > store::XATTR_VALUE_MAX) co_return error_reply(E2BIG);
  fid.xattr_write = std::make_unique<XattrWrite>(
      XattrWrite{std::string(m.name), m.attr_size, static_cast<int>(m.flags), {}});
  fid.state = Fid::State::xattr_write;
  co_return Reply{Rxattrcreate{}, {}};
}

// The value must arrive in order (as the Linux client sends it) and not overflow attr_size.
Reply write_xattr(Fid& fid, const Twrite& m) {
  XattrWrite& x = *fid.xattr_write;
  if (m.offset != x.bytes.size()) return error_reply(EINVAL);
  if (m.data.size() > x.size - x.bytes.size()) return error_reply(ENOSPC);
  x.bytes.insert(x.bytes.end(), m.data.bytes.begin(), m.data.bytes.end());
  return Reply{Rwrite{static_cast<uint32_t>(m.data.size())}, {}};
}

// At Tclunk. A short value is refused (EINVAL, as QEMU). attr_size 0 removes the attribute unless
// XATTR_CREATE asks for an empty one: removexattr(2) arrives as size 0 with XATTR_REPLACE (ENODATA
// when absent), and Linux removes a POSIX ACL with size 0 and no flags, where an absent ACL is no
// error.
asio::awaitable<int> commit_xattr(Fid& fid) {
  const XattrWrite& x = *fid.xattr_write;
  const Attachment& a = *fid.attach;
  // Txattrcreate checked the export, but a reload may have made it read-only since.
  if (a.read_only()) co_return EROFS;
  if (x.bytes.size() != x.size) co_return EINVAL;
  if (x.bytes.empty() && (x.flags & store::XATTR_CREATE_FLAG) == 0) {
    auto r = co_await a.store().remove_xattr(fid.node, x.name, a.caller());
    if (r.error() == ENODATA && (x.flags & store::XATTR_REPLACE_FLAG) == 0) co_return 0;
    co_return r.error();
  }
  auto r = co_await a.store().set_xattr(fid.node, x.name, x.bytes, x.flags, a.caller());
  co_return r.error();
}

}  // namespace p9::server
