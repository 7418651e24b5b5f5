#include "client/path_client.h"

#include <sys/xattr.h>

#include <algorithm>
#include <cerrno>
#include <deque>
#include <exception>
#include <optional>
#include <type_traits>
#include <utility>

#include "client/error.h"
#include "proto/dirent.h"

namespace p9::client {
namespace {

std::vector<std::string_view> components(std::string_view path) {
  std::vector<std::string_view> names;
  while (!path.empty()) {
    const std::size_t slash = path.find('/');
    const std::string_view name = path.substr(0, slash);
    if (!name.empty()) names.push_back(name);
    path = slash == std::string_view::npos ? std::string_view{} : path.substr(slash + 1);
  }
  return names;
}

// "a/b/c/" -> {"a/b", "c"}. The root has no parent to create or remove it in: EINVAL.
std::pair<std::string_view, std::string_view> split_parent(std::string_view path) {
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  const std::size_t slash = path.rfind('/');
  const std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
  if (name.empty()) throw_errno(EINVAL, "no file name in path");
  return {slash == std::string_view::npos ? std::string_view{} : path.substr(0, slash), name};
}

std::vector<std::byte> copy_of(const Data& data) { return {data.bytes.begin(), data.bytes.end()}; }

// Awaits op, a request meant to create `fid` on the server (Tattach, Twalk, Txattrwalk). If it fails
// the fid never came to exist, so it goes back to the pool.
template <class T>
asio::awaitable<T> release_if_failed(Connection& connection, uint32_t fid, asio::awaitable<T> op) {
  std::exception_ptr error;
  try {
    co_return co_await std::move(op);
  } catch (...) {
    error = std::current_exception();
  }
  connection.fids().release(fid);
  std::rethrow_exception(error);
}

}  // namespace

template <class Op>
auto PathClient::clunk_on_error(uint32_t fid, Op op) -> decltype(op(fid)) {
  // No co_await is allowed in a catch block: remember the error, clunk, then rethrow.
  std::exception_ptr error;
  try {
    co_return co_await op(fid);
  } catch (...) {
    error = std::current_exception();
  }
  try {
    co_await clunk(fid);
  } catch (...) {  // op's error is the one to report
  }
  std::rethrow_exception(error);
}

template <class Op>
auto PathClient::then_clunk(uint32_t fid, Op op) -> decltype(op(fid)) {
  if constexpr (std::is_void_v<typename decltype(op(fid))::value_type>) {
    co_await clunk_on_error(fid, std::move(op));
    co_await clunk(fid);
  } else {
    auto result = co_await clunk_on_error(fid, std::move(op));
    co_await clunk(fid);
    co_return result;
  }
}

template <class Op>
auto PathClient::with_walked(std::string_view path, Op op) -> decltype(op(uint32_t{})) {
  const uint32_t fid = co_await walk(path);
  co_return co_await then_clunk(fid, std::move(op));
}

template <class Op>
auto PathClient::in_parent(std::string_view path, Op op) -> decltype(op(uint32_t{}, std::string_view{})) {
  const auto [dir, name] = split_parent(path);
  co_return co_await with_walked(dir, [&op, name](uint32_t dfid) { return op(dfid, name); });
}

asio::awaitable<PathClient> PathClient::attach(Connection& connection, std::string_view uname,
                                               std::string_view aname, uint32_t n_uname) {
  const uint32_t fid = connection.fids().allocate();
  co_await release_if_failed(
      connection, fid,
      connection.call(Tattach{.fid = fid, .afid = NOFID, .uname = uname, .aname = aname, .n_uname = n_uname}));
  co_return PathClient(connection, fid);
}

// ---- fids -------------------------------------------------------------------------------------------

asio::awaitable<uint32_t> PathClient::walk(std::string_view path) { return walk(root_, path); }

asio::awaitable<void> PathClient::walk_names(uint32_t from, uint32_t newfid,
                                             std::span<const std::string_view> names) {
  WalkNames wnames;
  for (const std::string_view name : names) wnames.push_back(name);
  Reply r = co_await connection_->call(Twalk{.fid = from, .newfid = newfid, .wnames = wnames});
  // A partial walk leaves newfid untouched; Linux reports ENOENT for it too.
  if (r.as<Rwalk>().wqids.size() != names.size()) throw_errno(ENOENT, "Twalk");
}

asio::awaitable<uint32_t> PathClient::walk(uint32_t from, std::string_view path) {
  const std::vector<std::string_view> names = components(path);
  const std::span<const std::string_view> all(names);
  const std::span<const std::string_view> first = all.first(std::min(all.size(), MAXWELEM));
  const uint32_t fid = connection_->fids().allocate();
  co_await release_if_failed(*connection_, fid, walk_names(from, fid, first));
  // Longer paths continue from fid itself, 16 names at a time.
  const std::span<const std::string_view> rest = all.subspan(first.size());
  co_return co_await clunk_on_error(fid, [this, rest](uint32_t f) -> asio::awaitable<uint32_t> {
    for (std::size_t done = 0; done < rest.size(); done += MAXWELEM)
      co_await walk_names(f, f, rest.subspan(done, std::min(rest.size() - done, MAXWELEM)));
    co_return f;
  });
}

asio::awaitable<void> PathClient::forget(uint32_t fid, Message request) {
  std::exception_ptr error;
  try {
    co_await connection_->call(std::move(request));
  } catch (...) {
    error = std::current_exception();
  }
  connection_->fids().release(fid);
  if (error) std::rethrow_exception(error);
}

asio::awaitable<void> PathClient::clunk(uint32_t fid) { return forget(fid, Tclunk{.fid = fid}); }
asio::awaitable<void> PathClient::remove(uint32_t fid) { return forget(fid, Tremove{.fid = fid}); }

asio::awaitable<Attr> PathClient::getattr(uint32_t fid, uint64_t mask) {
  Reply r = co_await connection_->call(Tgetattr{.fid = fid, .request_mask = mask});
  co_return r.as<Rgetattr>();
}

asio::awaitable<void> PathClient::setattr(uint32_t fid, Tsetattr attr) {
  attr.fid = fid;
  co_await connection_->call(attr);
}

asio::awaitable<void> PathClient::fsync(uint32_t fid, bool datasync) {
  co_await connection_->call(Tfsync{.fid = fid, .datasync = datasync ? 1u : 0u});
}

asio::awaitable<Rstatfs> PathClient::statfs(uint32_t fid) {
  Reply r = co_await connection_->call(Tstatfs{.fid = fid});
  co_return r.as<Rstatfs>();
}

// ---- open files -------------------------------------------------------------------------------------

asio::awaitable<OpenFile> PathClient::open(std::string_view path, uint32_t flags) {
  const uint32_t walked = co_await walk(path);
  co_return co_await clunk_on_error(walked, [this, flags](uint32_t fid) -> asio::awaitable<OpenFile> {
    Reply r = co_await connection_->call(Tlopen{.fid = fid, .flags = flags});
    co_return OpenFile{.fid = fid, .qid = r.as<Rlopen>().qid, .iounit = r.as<Rlopen>().iounit};
  });
}

asio::awaitable<OpenFile> PathClient::create(std::string_view path, uint32_t flags, uint32_t mode, uint32_t gid) {
  const auto [dir, name] = split_parent(path);
  const uint32_t walked = co_await walk(dir);
  co_return co_await clunk_on_error(walked, [&](uint32_t fid) -> asio::awaitable<OpenFile> {
    // Tlcreate turns the directory fid into the new file, open.
    Reply r = co_await connection_->call(Tlcreate{.fid = fid, .name = name, .flags = flags, .mode = mode, .gid = gid});
    co_return OpenFile{.fid = fid, .qid = r.as<Rlcreate>().qid, .iounit = r.as<Rlcreate>().iounit};
  });
}

asio::awaitable<std::vector<std::byte>> PathClient::read(uint32_t fid, uint64_t offset, uint32_t count) {
  Reply r = co_await connection_->call(Tread{.fid = fid, .offset = offset, .count = count});
  co_return copy_of(r.as<Rread>().data);
}

asio::awaitable<uint32_t> PathClient::write(uint32_t fid, uint64_t offset, std::span<const std::byte> data) {
  Reply r = co_await connection_->call(Twrite{.fid = fid, .offset = offset, .data = data});
  co_return r.as<Rwrite>().count;
}

asio::awaitable<void> PathClient::read_each(uint32_t fid, std::function<void(std::span<const std::byte>)> sink,
                                            uint64_t length) {
  const uint32_t chunk = connection_->msize() - IOHDRSZ;
  std::deque<std::pair<Call, uint32_t>> window;  // Treads in flight, in offset order, with their counts
  uint64_t next = 0;
  for (;;) {
    while (window.size() < IO_DEPTH && next < length) {
      const auto count = static_cast<uint32_t>(std::min<uint64_t>(chunk, length - next));
      Call call = co_await connection_->send(Tread{.fid = fid, .offset = next, .count = count});
      window.emplace_back(std::move(call), count);
      next += count;
    }
    if (window.empty()) co_return;
    Reply r = co_await window.front().first.reply();
    const uint32_t asked = window.front().second;
    window.pop_front();
    const Data& data = r.as<Rread>().data;
    sink(data.bytes);
    if (data.size() < asked) co_return;  // the reads still in flight are past the end: dropped
  }
}

asio::awaitable<std::vector<std::byte>> PathClient::read_all(uint32_t fid, uint64_t length) {
  std::vector<std::byte> all;
  co_await read_each(
      fid, [&all](std::span<const std::byte> chunk) { all.insert(all.end(), chunk.begin(), chunk.end()); }, length);
  co_return all;
}

asio::awaitable<void> PathClient::write_exactly(uint32_t fid, uint64_t offset, std::span<const std::byte> data) {
  while (!data.empty()) {
    const uint32_t n = co_await write(fid, offset, data);
    if (n == 0 || n > data.size()) throw_errno(EIO, "Twrite");
    offset += n;
    data = data.subspan(n);
  }
}

asio::awaitable<void> PathClient::write_all(uint32_t fid, uint64_t offset, std::span<const std::byte> data) {
  const std::size_t chunk = connection_->msize() - IOHDRSZ;
  struct InFlight {
    Call call;
    uint64_t offset;
    std::span<const std::byte> data;
  };
  std::deque<InFlight> window;
  std::size_t sent = 0;
  while (sent < data.size() || !window.empty()) {
    while (sent < data.size() && window.size() < IO_DEPTH) {
      const std::span<const std::byte> piece = data.subspan(sent, std::min(chunk, data.size() - sent));
      // A statement of its own: g++ 12 mis-sequences a co_await inside a braced initializer.
      Call call = co_await connection_->send(Twrite{.fid = fid, .offset = offset + sent, .data = piece});
      window.push_back({std::move(call), offset + sent, piece});
      sent += piece.size();
    }
    InFlight done = std::move(window.front());
    window.pop_front();
    Reply r = co_await done.call.reply();
    const uint32_t count = r.as<Rwrite>().count;
    // A short write (e.g. the file system filled up) is finished one Twrite at a time; the error
    // that stops it, if any, is the caller's answer.
    if (count < done.data.size()) co_await write_exactly(fid, done.offset + count, done.data.subspan(count));
  }
}

asio::awaitable<std::vector<DirEntry>> PathClient::readdir(uint32_t fid) {
  const uint32_t count = connection_->msize() - IOHDRSZ;
  std::vector<DirEntry> entries;
  uint64_t offset = 0;
  for (;;) {
    Reply r = co_await connection_->call(Treaddir{.fid = fid, .offset = offset, .count = count});
    const Data& data = r.as<Rreaddir>().data;
    if (data.size() == 0) co_return entries;
    const uint64_t asked = offset;
    DirentParser parser(data.bytes);
    while (const std::optional<Dirent> e = parser.next()) {
      entries.push_back({.qid = e->qid, .offset = e->offset, .type = e->type, .name = std::string(e->name)});
      offset = e->offset;
    }
    // Garbage, or a cookie that leads back to where we were, would loop forever.
    if (parser.malformed() || offset == asked)
      throw std::system_error(make_error_code(Errc::protocol_error), "Rreaddir");
  }
}

asio::awaitable<uint8_t> PathClient::lock(uint32_t fid, const LockRange& range, uint32_t flags) {
  Reply r = co_await connection_->call(Tlock{.fid = fid,
                                             .type = range.type,
                                             .flags = flags,
                                             .start = range.start,
                                             .length = range.length,
                                             .proc_id = range.proc_id,
                                             .client_id = range.client_id});
  co_return r.as<Rlock>().status;
}

asio::awaitable<LockRange> PathClient::getlock(uint32_t fid, const LockRange& range) {
  Reply r = co_await connection_->call(Tgetlock{.fid = fid,
                                                .type = range.type,
                                                .start = range.start,
                                                .length = range.length,
                                                .proc_id = range.proc_id,
                                                .client_id = range.client_id});
  const Rgetlock& g = r.as<Rgetlock>();
  co_return LockRange{.type = g.type,
                      .start = g.start,
                      .length = g.length,
                      .proc_id = g.proc_id,
                      .client_id = std::string(g.client_id)};
}

// ---- by path ----------------------------------------------------------------------------------------

asio::awaitable<Attr> PathClient::stat(std::string_view path, uint64_t mask) {
  co_return co_await with_walked(path, [this, mask](uint32_t fid) { return getattr(fid, mask); });
}

asio::awaitable<void> PathClient::setattr(std::string_view path, Tsetattr attr) {
  co_await with_walked(path, [this, &attr](uint32_t fid) { return setattr(fid, attr); });
}

asio::awaitable<std::vector<DirEntry>> PathClient::list(std::string_view path) {
  const OpenFile dir = co_await open(path, DOTL_RDONLY | DOTL_DIRECTORY);
  co_return co_await then_clunk(dir.fid, [this](uint32_t fid) { return readdir(fid); });
}

asio::awaitable<std::vector<std::byte>> PathClient::read_file(std::string_view path) {
  const OpenFile file = co_await open(path, DOTL_RDONLY);
  co_return co_await then_clunk(file.fid, [this](uint32_t fid) { return read_all(fid); });
}

asio::awaitable<Qid> PathClient::mkdir(std::string_view path, uint32_t mode, uint32_t gid) {
  co_return co_await in_parent(path, [&](uint32_t dfid, std::string_view name) -> asio::awaitable<Qid> {
    Reply r = co_await connection_->call(Tmkdir{.dfid = dfid, .name = name, .mode = mode, .gid = gid});
    co_return r.as<Rmkdir>().qid;
  });
}

asio::awaitable<Qid> PathClient::mknod(std::string_view path, uint32_t mode, uint32_t major, uint32_t minor,
                                       uint32_t gid) {
  co_return co_await in_parent(path, [&](uint32_t dfid, std::string_view name) -> asio::awaitable<Qid> {
    Reply r = co_await connection_->call(
        Tmknod{.dfid = dfid, .name = name, .mode = mode, .major = major, .minor = minor, .gid = gid});
    co_return r.as<Rmknod>().qid;
  });
}

asio::awaitable<Qid> PathClient::symlink(std::string_view target, std::string_view path, uint32_t gid) {
  co_return co_await in_parent(path, [&](uint32_t dfid, std::string_view name) -> asio::awaitable<Qid> {
    Reply r = co_await connection_->call(Tsymlink{.fid = dfid, .name = name, .symtgt = target, .gid = gid});
    co_return r.as<Rsymlink>().qid;
  });
}

asio::awaitable<void> PathClient::link(std::string_view existing, std::string_view path) {
  // The inner lambdas run after the outer ones returned: they capture those parameters by value.
  co_await with_walked(existing, [&](uint32_t fid) {
    return in_parent(path, [this, fid](uint32_t dfid, std::string_view name) -> asio::awaitable<void> {
      co_await connection_->call(Tlink{.dfid = dfid, .fid = fid, .name = name});
    });
  });
}

asio::awaitable<std::string> PathClient::readlink(std::string_view path) {
  co_return co_await with_walked(path, [this](uint32_t fid) -> asio::awaitable<std::string> {
    Reply r = co_await connection_->call(Treadlink{.fid = fid});
    co_return std::string(r.as<Rreadlink>().target);
  });
}

asio::awaitable<void> PathClient::unlink(std::string_view path, uint32_t flags) {
  try {
    co_await in_parent(path, [&](uint32_t dfid, std::string_view name) -> asio::awaitable<void> {
      co_await connection_->call(Tunlinkat{.dirfid = dfid, .name = name, .flags = flags});
    });
    co_return;
  } catch (const std::system_error& e) {
    if (errno_of(e) != EOPNOTSUPP) throw;
  }
  // A server without Tunlinkat (diod): Tremove the file itself, the fallback Linux uses.
  const uint32_t fid = co_await walk(path);
  co_await remove(fid);
}

asio::awaitable<void> PathClient::rename(std::string_view from, std::string_view to) {
  // The inner lambdas run after the outer ones returned: they capture those parameters by value.
  try {
    co_await in_parent(from, [&](uint32_t olddir, std::string_view oldname) {
      return in_parent(to, [this, olddir, oldname](uint32_t newdir, std::string_view newname) -> asio::awaitable<void> {
        co_await connection_->call(
            Trenameat{.olddirfid = olddir, .oldname = oldname, .newdirfid = newdir, .newname = newname});
      });
    });
    co_return;
  } catch (const std::system_error& e) {
    if (errno_of(e) != EOPNOTSUPP) throw;
  }
  // A server without Trenameat (diod): Trename of the file's own fid, the fallback Linux uses.
  co_await with_walked(from, [&](uint32_t fid) {
    return in_parent(to, [this, fid](uint32_t newdir, std::string_view newname) -> asio::awaitable<void> {
      co_await connection_->call(Trename{.fid = fid, .dfid = newdir, .name = newname});
    });
  });
}

asio::awaitable<Rstatfs> PathClient::statfs(std::string_view path) {
  co_return co_await with_walked(path, [this](uint32_t fid) { return statfs(fid); });
}

// ---- extended attributes ----------------------------------------------------------------------------

asio::awaitable<std::vector<std::byte>> PathClient::xattr_get(std::string_view path, std::string_view name) {
  co_return co_await with_walked(path, [&](uint32_t fid) -> asio::awaitable<std::vector<std::byte>> {
    // Txattrwalk makes xfid a readable view of the value (or, for an empty name, of the name list).
    const uint32_t xfid = connection_->fids().allocate();
    const Reply r = co_await release_if_failed(*connection_, xfid,
                                               connection_->call(Txattrwalk{.fid = fid, .newfid = xfid, .name = name}));
    const uint64_t size = r.as<Rxattrwalk>().size;
    // Exactly `size` bytes, as Linux reads it: diod crashes on a read past the end of a value.
    co_return co_await then_clunk(xfid, [this, size](uint32_t f) { return read_all(f, size); });
  });
}

asio::awaitable<std::vector<std::string>> PathClient::xattr_list(std::string_view path) {
  const std::vector<std::byte> packed = co_await xattr_get(path, "");
  // The list is NUL-terminated names back to back, as listxattr(2) returns them.
  std::vector<std::string> names;
  const std::string_view all(reinterpret_cast<const char*>(packed.data()), packed.size());
  for (std::size_t pos = 0; pos < all.size();) {
    const std::size_t end = std::min(all.find('\0', pos), all.size());
    names.emplace_back(all.substr(pos, end - pos));
    pos = end + 1;
  }
  co_return names;
}

asio::awaitable<void> PathClient::xattr_set(std::string_view path, std::string_view name,
                                            std::span<const std::byte> value, uint32_t flags) {
  co_await with_walked(path, [&](uint32_t fid) -> asio::awaitable<void> {
    // Txattrcreate turns a clone of the file's fid into a writable value buffer; the server applies it
    // at Tclunk, so then_clunk's clunk error (not swallowed when the writes succeeded) is the answer.
    const uint32_t clone = co_await walk(fid, "");
    co_await then_clunk(clone, [&](uint32_t xfid) -> asio::awaitable<void> {
      co_await connection_->call(Txattrcreate{.fid = xfid, .name = name, .attr_size = value.size(), .flags = flags});
      co_await write_all(xfid, 0, value);
    });
  });
}

asio::awaitable<void> PathClient::xattr_remove(std::string_view path, std::string_view name) {
  // Linux's removexattr travels as a set of size 0 that must replace an existing attribute.
  co_await xattr_set(path, name, {}, XATTR_REPLACE);
}

}  // namespace p9::client
