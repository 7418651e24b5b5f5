// File operations by path over a Connection, for the CLI, tests and the benchmark. Paths are
// '/'-separated and relative to the root fid this client attached with ("", "/" and "/a//b/" are
// fine). Each operation walks what it needs, does its work and clunks its temporary fids, also when
// it fails. Operations on a fid leave that fid to the caller; clunk() or remove() releases it.
//
// All operations are coroutines: their string_view and span arguments must stay valid until the
// operation completes (as with any co_awaited call). Errors are std::system_error (client/error.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <asio/awaitable.hpp>

#include "client/connection.h"

namespace p9::client {

using Attr = Rgetattr;

struct OpenFile {
  uint32_t fid = NOFID;  // open; clunk when done
  Qid qid;
  uint32_t iounit = 0;
};

struct DirEntry {
  Qid qid;
  uint64_t offset = 0;  // the cookie that continues after this entry
  uint8_t type = 0;     // DT_*
  std::string name;
};

struct LockRange {
  uint8_t type = LOCK_TYPE_WRLCK;
  uint64_t start = 0;
  uint64_t length = 0;  // 0: to the end of the file
  uint32_t proc_id = 0;
  std::string client_id;
};

// Requests in flight at once for read_each / write_all.
inline constexpr std::size_t IO_DEPTH = 8;
// read_each / read_all without a length: to the end of the file.
inline constexpr uint64_t UNLIMITED = std::numeric_limits<uint64_t>::max();

class PathClient {
 public:
  PathClient(Connection& connection, uint32_t root) noexcept : connection_(&connection), root_(root) {}

  // Tattach (afid NOFID) as uname / n_uname to export aname. With access=user a client attaches once
  // per uid on the same connection: call this again for each.
  static asio::awaitable<PathClient> attach(Connection& connection, std::string_view uname,
                                            std::string_view aname, uint32_t n_uname);

  Connection& connection() const noexcept { return *connection_; }
  uint32_t root() const noexcept { return root_; }

  // ---- fids ----
  // A new fid for path, walked from the root or from `from` (an open fid is fine), in Twalks of at
  // most 16 names; "" clones. A walk that stops early fails with ENOENT.
  asio::awaitable<uint32_t> walk(std::string_view path);
  asio::awaitable<uint32_t> walk(uint32_t from, std::string_view path);
  // Tclunk / Tremove; the fid is free afterwards even when the server reports an error.
  asio::awaitable<void> clunk(uint32_t fid);
  asio::awaitable<void> remove(uint32_t fid);
  asio::awaitable<Attr> getattr(uint32_t fid, uint64_t mask = GETATTR_ALL);
  asio::awaitable<void> setattr(uint32_t fid, Tsetattr attr);  // attr.fid is ignored
  asio::awaitable<void> fsync(uint32_t fid, bool datasync = false);
  asio::awaitable<Rstatfs> statfs(uint32_t fid);

  // ---- open files ----
  // Twalk + Tlopen with DOTL_* flags.
  asio::awaitable<OpenFile> open(std::string_view path, uint32_t flags);
  // Tlcreate in path's directory (which must exist); the returned fid is the new, open file.
  asio::awaitable<OpenFile> create(std::string_view path, uint32_t flags, uint32_t mode, uint32_t gid = 0);
  asio::awaitable<std::vector<std::byte>> read(uint32_t fid, uint64_t offset, uint32_t count);
  asio::awaitable<uint32_t> write(uint32_t fid, uint64_t offset, std::span<const std::byte> data);
  // Reads an open fid from offset 0 in msize-sized Treads, IO_DEPTH in flight, passing each chunk in
  // order to sink, until a short read (the end) or `length` bytes; no Tread asks past `length`.
  asio::awaitable<void> read_each(uint32_t fid, std::function<void(std::span<const std::byte>)> sink,
                                  uint64_t length = UNLIMITED);
  asio::awaitable<std::vector<std::byte>> read_all(uint32_t fid, uint64_t length = UNLIMITED);
  // Writes all of data at offset in msize-sized Twrites, IO_DEPTH in flight; finishes short writes.
  asio::awaitable<void> write_all(uint32_t fid, uint64_t offset, std::span<const std::byte> data);
  // Every entry of an open directory, following each entry's offset (the next cookie) until an
  // empty Rreaddir. Includes "." and ".." when the server lists them.
  asio::awaitable<std::vector<DirEntry>> readdir(uint32_t fid);
  asio::awaitable<uint8_t> lock(uint32_t fid, const LockRange& range, uint32_t flags = 0);  // Rlock.status
  asio::awaitable<LockRange> getlock(uint32_t fid, const LockRange& range);

  // ---- by path ----
  asio::awaitable<Attr> stat(std::string_view path, uint64_t mask = GETATTR_ALL);
  asio::awaitable<void> setattr(std::string_view path, Tsetattr attr);
  asio::awaitable<std::vector<DirEntry>> list(std::string_view path);
  asio::awaitable<std::vector<std::byte>> read_file(std::string_view path);
  asio::awaitable<Qid> mkdir(std::string_view path, uint32_t mode, uint32_t gid = 0);
  asio::awaitable<Qid> mknod(std::string_view path, uint32_t mode, uint32_t major, uint32_t minor, uint32_t gid = 0);
  asio::awaitable<Qid> symlink(std::string_view target, std::string_view path, uint32_t gid = 0);
  // Hard link: a new name `path` for the file at `existing`.
  asio::awaitable<void> link(std::string_view existing, std::string_view path);
  asio::awaitable<std::string> readlink(std::string_view path);
  // Tunlinkat; flags DOTL_AT_REMOVEDIR removes a directory. Like Linux, falls back to Tremove when the
  // server answers EOPNOTSUPP (and rename to Trename), so older servers such as diod work too.
  asio::awaitable<void> unlink(std::string_view path, uint32_t flags = 0);
  asio::awaitable<void> rename(std::string_view from, std::string_view to);  // Trenameat
  asio::awaitable<Rstatfs> statfs(std::string_view path = "/");

  // ---- extended attributes ----
  asio::awaitable<std::vector<std::byte>> xattr_get(std::string_view path, std::string_view name);
  asio::awaitable<std::vector<std::string>> xattr_list(std::string_view path);
  // Txattrcreate + Twrite; the server applies the value at Tclunk, whose error is thrown here.
  // flags: XATTR_CREATE / XATTR_REPLACE or 0.
  asio::awaitable<void> xattr_set(std::string_view path, std::string_view name, std::span<const std::byte> value,
                                  uint32_t flags = 0);
  asio::awaitable<void> xattr_remove(std::string_view path, std::string_view name);

 private:
  // Runs op(fid); if it fails, clunks fid and rethrows op's error (not the clunk's).
  template <class Op>
  auto clunk_on_error(uint32_t fid, Op op) -> decltype(op(fid));
  // Runs op(fid), then clunks fid whatever happened; op's error wins over the clunk's.
  template <class Op>
  auto then_clunk(uint32_t fid, Op op) -> decltype(op(fid));
  // walk(path), then then_clunk.
  template <class Op>
  auto with_walked(std::string_view path, Op op) -> decltype(op(uint32_t{}));
  // with_walked on path's directory; op gets (dir fid, last name).
  template <class Op>
  auto in_parent(std::string_view path, Op op) -> decltype(op(uint32_t{}, std::string_view{}));
  // Tclunk / Tremove: both forget the fid whatever the reply.
  asio::awaitable<void> forget(uint32_t fid, Message request);
  // One Twalk of at most MAXWELEM names; ENOENT when the server walks fewer.
  asio::awaitable<void> walk_names(uint32_t from, uint32_t newfid, std::span<const std::string_view> names);
  asio::awaitable<void> write_exactly(uint32_t fid, uint64_t offset, std::span<const std::byte> data);

  Connection* connection_;
  uint32_t root_;
};

}  // namespace p9::client
