// Making and dropping fids: Tauth, Tattach, Twalk, Tclunk.
#include <cerrno>
#include <memory>

#include <spdlog/spdlog.h>

#include "proto/name.h"
#include "server/session/handlers.h"
#include "server/session/host_users.h"
#include "server/session/qid.h"

namespace p9::server {

namespace {

// Tattach's n_uname when the client sends only a user name.
constexpr uint32_t kNoUid = 0xFFFFFFFF;

std::shared_ptr<const Attachment> make_attachment(Export& exp, uint32_t uid) {
  const ExportOptions& o = exp.options;
  auto a = std::make_shared<Attachment>();
  a->exp = &exp;
  a->cred = credentials_for(o.squash_uid.value_or(uid));
  if (o.squash_gid) {
    a->cred.gid = *o.squash_gid;
    a->cred.groups.clear();
  }
  a->check_permissions = o.access == Access::user;
  return a;
}

}  // namespace

// No authentication is configured: like QEMU, "not supported"; clients then attach with NOFID.
asio::awaitable<Reply> handle(SessionState&, const Tauth&) { co_return error_reply(EOPNOTSUPP); }

asio::awaitable<Reply> handle(SessionState& s, const Tattach& m) {
  // Tauth never succeeds, so no afid can name an auth fid.
  if (m.afid != NOFID || s.fids.contains(m.fid)) co_return error_reply(EBADF);
  Export* exp = s.ctx.exports.find(m.aname);
  if (exp == nullptr) {
    spdlog::warn("{}: attach to unknown export '{}'", s.peer, m.aname);
    co_return error_reply(ENOENT);
  }
  // Linux sends the numeric uid in n_uname; only an uname-only attach needs the host database.
  const std::optional<uint32_t> uid = m.n_uname != kNoUid ? m.n_uname : uid_for_name(m.uname);
  if (!uid) {
    spdlog::warn("{}: attach refused: user name '{}' unknown on this host", s.peer, m.uname);
    co_return error_reply(EACCES);
  }
  auto fid = std::make_shared<Fid>();
  fid->attach = make_attachment(*exp, *uid);
  fid->node = exp->store.root();
  if (const int err = s.fids.insert(m.fid, fid)) co_return error_reply(err);
  s.note_export(exp);
  const Attachment& a = *fid->attach;
  spdlog::info("{}: attached '{}' as uid {} gid {} (access={}{})", s.peer, exp->options.name,
               a.cred.uid, a.cred.gid, a.check_permissions ? "user" : "client",
               a.read_only() ? ", read-only" : "");
  co_return Reply{Rattach{qid_of(fid->node)}, {}};
}

// Walks fid's node through the names; partial walks answer the qids of the names that worked and
// leave newfid alone. Walking from an open fid is allowed (Linux does it for fstat after unlink);
// the new fid is never open.
asio::awaitable<Reply> handle(SessionState& s, const Twalk& m) {
  auto src = s.fid(m.fid, Need::node);
  if (!src) co_return error_reply(src.error());
  const FidPtr from = *src;
  const bool in_place = m.newfid == m.fid;
  if (!in_place && s.fids.contains(m.newfid)) co_return error_reply(EBADF);
  if (in_place && m.wnames.empty()) co_return Reply{Rwalk{}, {}};
  // walk(5): a fid that is replaced in place must not be open.
  if (in_place && from->state != Fid::State::walked) co_return error_reply(EINVAL);

  auto walked = std::make_shared<Fid>();
  walked->attach = from->attach;
  walked->node = from->node;
  walked->parent = from->parent;
  walked->name = from->name;
  Rwalk reply;
  for (std::string_view name : m.wnames) {
    int err = check_name(name, NameUse::Walk);
    if (err == 0) {
      auto next = co_await from->attach->store().lookup(walked->node, name, from->attach->caller());
      if (next) {
        if (name == "..") {
          walked->parent = {};  // the entry naming the parent is not known from here
          walked->name.clear();
        } else if (name != ".") {
          walked->parent = walked->node;
          walked->name = name;
        }
        walked->node = std::move(*next);
        reply.wqids.push_back(qid_of(walked->node));
        continue;
      }
      err = next.error();
    }
    if (reply.wqids.empty()) co_return error_reply(err);
    co_return Reply{reply, {}};
  }

  if (in_place) {
    if (s.fids.find(m.fid) != from) co_return error_reply(EBADF);  // clunked meanwhile
    s.fids.replace(m.fid, std::move(walked));
  } else if (const int err = s.fids.insert(m.newfid, std::move(walked))) {
    co_return error_reply(err);
  }
  co_return Reply{reply, {}};
}

asio::awaitable<int> release_fid(SessionState& s, Fid& fid) {
  int err = 0;
  if (fid.state == Fid::State::xattr_write) err = co_await commit_xattr(fid);
  co_await release_fid_locks(s, fid);
  co_return err;
}

// The number is free at once (even when applying an xattr fails, as clunk(5) says); requests still
// using the fid keep it alive until they finish.
asio::awaitable<Reply> handle(SessionState& s, const Tclunk& m) {
  const FidPtr fid = s.fids.remove(m.fid);
  if (!fid) co_return error_reply(EBADF);
  const int err = co_await release_fid(s, *fid);
  co_return ok_or_error(err, Rclunk{});
}

}  // namespace p9::server
