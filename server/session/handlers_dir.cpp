// Directories and names: Treaddir, Tmkdir, Tsymlink, Tmknod, Tlink, Tunlinkat, Trenameat,
// Trename, Tremove, Treadlink.
#include <sys/sysmacros.h>

#include <cerrno>
#include <span>
#include <string>

#include "proto/dirent.h"
#include "proto/name.h"
#include "server/session/handlers.h"
#include "server/session/qid.h"

namespace p9::server {

namespace {

// The directory fid of a message that makes, removes or renames the entry `name`.
store::Result<FidPtr> entry_dir(SessionState& s, uint32_t dfid, std::string_view name) {
  auto dir = s.fid(dfid, Need::mutating);
  if (dir) {
    if (const int err = check_name(name, NameUse::Entry)) return store::Errno{err};
  }
  return dir;
}

// Links and renames cannot span exports: each export is a store of its own (as rename(2) across
// mounts).
bool same_export(const Fid& a, const Fid& b) { return a.attach->exp == b.attach->exp; }

// The entry that names fid's node, for the messages that name no directory (Tremove, Trename):
// the one its walk went through, if it still names that node. A fid of the export root gets
// EBUSY (as rmdir of a mount point); one reached through ".." has no known entry (EINVAL); an entry
// renamed or removed since the walk gives ENOENT.
struct EntryName {
  store::NodeRef parent;
  std::string name;
};
asio::awaitable<store::Result<EntryName>> entry_of(const Fid& fid) {
  const Attachment& a = *fid.attach;
  if (fid.node == a.store().root()) co_return store::Errno{EBUSY};
  if (!fid.parent) co_return store::Errno{EINVAL};
  EntryName entry{fid.parent, fid.name};  // copies: fid may be renamed while we wait
  auto found = co_await a.store().lookup(entry.parent, entry.name, a.caller());
  if (!found) co_return store::Errno{found.error()};
  if (*found != fid.node) co_return store::Errno{ENOENT};
  co_return entry;
}

}  // namespace

// Packs entries from the cookie on into at most count bytes (clamped to msize); each entry's offset
// is the next entry's cookie, as the Linux client resumes with it. An empty reply ends the listing.
asio::awaitable<Reply> handle(SessionState& s, const Treaddir& m) {
  auto f = s.fid(m.fid, Need::open);
  if (!f) co_return error_reply(f.error());
  Reply reply;
  reply.storage = s.pool.take(s.io_limit(m.count));
  DirentPacker packer(reply.storage.span());
  bool refused = false;
  auto r = co_await (*f)->attach->store().readdir(
      (*f)->node, m.offset, [&](std::span<const store::DirEntry> batch) {
        std::size_t taken = 0;
        // Entry qids carry no version: the client uses only path (the inode number) and type.
        for (const store::DirEntry& e : batch) {
          refused = !packer.add(Dirent{Qid{qid_type(e.kind), 0, e.ino}, e.next_cookie, e.type, e.name});
          if (refused) break;
          ++taken;
        }
        return taken;
      });
  if (!r) co_return error_reply(r.error());
  // A buffer too small for even one entry would look like the end of the directory.
  if (packer.size() == 0 && refused) co_return error_reply(EINVAL);
  reply.storage.resize(packer.size());
  reply.msg = Rreaddir{reply.storage.span()};
  co_return reply;
}

asio::awaitable<Reply> handle(SessionState& s, const Tmkdir& m) {
  auto dir = entry_dir(s, m.dfid, m.name);
  if (!dir) co_return error_reply(dir.error());
  const Attachment& a = *(*dir)->attach;
  auto r = co_await a.store().mkdir((*dir)->node, m.name, m.mode, a.new_gid(m.gid), a.caller());
  if (!r) co_return error_reply(r.error());
  co_return Reply{Rmkdir{qid_of(*r)}, {}};
}

asio::awaitable<Reply> handle(SessionState& s, const Tsymlink& m) {
  auto dir = entry_dir(s, m.fid, m.name);
  if (!dir) co_return error_reply(dir.error());
  const Attachment& a = *(*dir)->attach;
  auto r =
      co_await a.store().symlink((*dir)->node, m.name, m.symtgt, a.new_gid(m.gid), a.caller());
  if (!r) co_return error_reply(r.error());
  co_return Reply{Rsymlink{qid_of(*r)}, {}};
}

asio::awaitable<Reply> handle(SessionState& s, const Tmknod& m) {
  auto dir = entry_dir(s, m.dfid, m.name);
  if (!dir) co_return error_reply(dir.error());
  const Attachment& a = *(*dir)->attach;
  auto r = co_await a.store().mknod((*dir)->node, m.name, m.mode, makedev(m.major, m.minor),
                                    a.new_gid(m.gid), a.caller());
  if (!r) co_return error_reply(r.error());
  co_return Reply{Rmknod{qid_of(*r)}, {}};
}

asio::awaitable<Reply> handle(SessionState& s, const Tlink& m) {
  auto dir = entry_dir(s, m.dfid, m.name);
  if (!dir) co_return error_reply(dir.error());
  auto target = s.fid(m.fid, Need::node);
  if (!target) co_return error_reply(target.error());
  if (!same_export(**dir, **target)) co_return error_reply(EXDEV);
  const Attachment& a = *(*dir)->attach;
  auto r = co_await a.store().link((*dir)->node, (*target)->node, m.name, a.caller());
  co_return ok_or_error(r.error(), Rlink{});
}

asio::awaitable<Reply> handle(SessionState& s, const Tunlinkat& m) {
  auto dir = entry_dir(s, m.dirfid, m.name);
  if (!dir) co_return error_reply(dir.error());
  if ((m.flags & ~DOTL_AT_REMOVEDIR) != 0) co_return error_reply(EINVAL);
  const Attachment& a = *(*dir)->attach;
  auto r = co_await a.store().unlink((*dir)->node, m.name, (m.flags & DOTL_AT_REMOVEDIR) != 0,
                                     a.caller());
  co_return ok_or_error(r.error(), Runlinkat{});
}

asio::awaitable<Reply> handle(SessionState& s, const Trenameat& m) {
  auto from = entry_dir(s, m.olddirfid, m.oldname);
  if (!from) co_return error_reply(from.error());
  auto to = entry_dir(s, m.newdirfid, m.newname);
  if (!to) co_return error_reply(to.error());
  if (!same_export(**from, **to)) co_return error_reply(EXDEV);
  const Attachment& a = *(*from)->attach;
  auto r = co_await a.store().rename((*from)->node, m.oldname, (*to)->node, m.newname, a.caller());
  co_return ok_or_error(r.error(), Rrenameat{});
}

// The Linux client sends Trename only when Trenameat got EOPNOTSUPP, i.e. never to us; supported
// for other clients through the entry the fid was walked through.
asio::awaitable<Reply> handle(SessionState& s, const Trename& m) {
  auto f = s.fid(m.fid, Need::mutating);
  if (!f) co_return error_reply(f.error());
  auto to = entry_dir(s, m.dfid, m.name);
  if (!to) co_return error_reply(to.error());
  Fid& fid = **f;
  if (!same_export(fid, **to)) co_return error_reply(EXDEV);
  auto entry = co_await entry_of(fid);
  if (!entry) co_return error_reply(entry.error());
  const Attachment& a = *fid.attach;
  auto r = co_await a.store().rename(entry->parent, entry->name, (*to)->node, m.name, a.caller());
  if (r) {
    fid.parent = (*to)->node;
    fid.name = m.name;
  }
  co_return ok_or_error(r.error(), Rrename{});
}

// Removes the entry the fid was walked through and clunks the fid, even when the removal fails.
asio::awaitable<Reply> handle(SessionState& s, const Tremove& m) {
  const FidPtr fid = s.fids.remove(m.fid);
  if (!fid) co_return error_reply(EBADF);
  int err = fid->attach->read_only() ? EROFS : fid->is_xattr() ? EINVAL : 0;
  if (err == 0) {
    auto entry = co_await entry_of(*fid);
    if (entry) {
      const bool is_dir = fid->node.kind() == store::NodeKind::directory;
      auto r = co_await fid->attach->store().unlink(entry->parent, entry->name, is_dir,
                                                    fid->attach->caller());
      err = r.error();
    } else {
      err = entry.error();
    }
  }
  const int clunk_err = co_await release_fid(s, *fid);
  co_return ok_or_error(err != 0 ? err : clunk_err, Rremove{});
}

asio::awaitable<Reply> handle(SessionState& s, const Treadlink& m) {
  auto f = s.fid(m.fid, Need::node);
  if (!f) co_return error_reply(f.error());
  auto target = co_await (*f)->attach->store().readlink((*f)->node);
  if (!target) co_return error_reply(target.error());
  Reply reply;
  reply.msg = Rreadlink{keep_text(reply, s.pool, *target)};
  co_return reply;
}

}  // namespace p9::server
