// Blocking use of the client for scripts, the CLI and tests: an io_context on an internal thread
// runs the coroutines; each method blocks until its operation is done and throws what it threw
// (std::system_error, see client/error.h). Not for use from inside the internal thread's handlers.
//
//   SyncClient fs(Address::parse("unix:/run/p9.sock"), {.n_uname = 1000});
//   fs.mkdir("/d", 0755);
//   auto attr = fs.stat("/d");
//
// Any coroutine of the library runs through run(): fs.run(fs.client().walk("/d")).
#pragma once

#include <optional>
#include <string>
#include <thread>
#include <type_traits>

#include <asio/co_spawn.hpp>
#include <asio/executor_work_guard.hpp>
#include <asio/io_context.hpp>
#include <asio/use_future.hpp>

#include "client/path_client.h"

namespace p9::client {

struct AttachOptions {
  uint32_t msize = DEFAULT_MSIZE;
  std::string uname{};  // {}: designated initializers may leave it out without a warning
  std::string aname{};
  uint32_t n_uname = 0;
};

class SyncClient {
 public:
  // Connects, negotiates the version and attaches. Throws std::system_error.
  explicit SyncClient(const Address& address, const AttachOptions& options = {});
  // The same over an already connected socket, which the client then owns.
  explicit SyncClient(int fd, const AttachOptions& options = {});
  SyncClient(const SyncClient&) = delete;
  SyncClient& operator=(const SyncClient&) = delete;
  // Closes the connection and joins the thread.
  ~SyncClient();

  // Runs a coroutine of the library to completion on the internal thread.
  template <class T>
  T run(asio::awaitable<T> op) {
    if constexpr (std::is_void_v<T>) {
      asio::co_spawn(io_, std::move(op), asio::use_future).get();
    } else {
      // use_future needs a default-constructible result, which Connection and PathClient are not.
      return std::move(*asio::co_spawn(io_, as_optional(std::move(op)), asio::use_future).get());
    }
  }

  Connection& connection() noexcept { return *connection_; }
  PathClient& client() noexcept { return *client_; }
  uint32_t msize() const noexcept { return connection_->msize(); }

  // Another Tattach on this connection (access=user: one per uid); use it with run().
  PathClient attach(std::string_view uname, std::string_view aname, uint32_t n_uname) {
    return run(PathClient::attach(*connection_, uname, aname, n_uname));
  }
  Reply call(Message request) { return run(connection_->call(std::move(request))); }

  // The operations of PathClient, blocking.
  uint32_t walk(std::string_view path) { return run(client_->walk(path)); }
  uint32_t walk(uint32_t from, std::string_view path) { return run(client_->walk(from, path)); }
  void clunk(uint32_t fid) { run(client_->clunk(fid)); }
  void remove(uint32_t fid) { run(client_->remove(fid)); }
  Attr getattr(uint32_t fid, uint64_t mask = GETATTR_ALL) { return run(client_->getattr(fid, mask)); }
  void setattr(uint32_t fid, const Tsetattr& attr) { run(client_->setattr(fid, attr)); }
  void fsync(uint32_t fid, bool datasync = false) { run(client_->fsync(fid, datasync)); }
  Rstatfs statfs(uint32_t fid) { return run(client_->statfs(fid)); }

  OpenFile open(std::string_view path, uint32_t flags) { return run(client_->open(path, flags)); }
  OpenFile create(std::string_view path, uint32_t flags, uint32_t mode, uint32_t gid = 0) {
    return run(client_->create(path, flags, mode, gid));
  }
  std::vector<std::byte> read(uint32_t fid, uint64_t offset, uint32_t count) {
    return run(client_->read(fid, offset, count));
  }
  uint32_t write(uint32_t fid, uint64_t offset, std::span<const std::byte> data) {
    return run(client_->write(fid, offset, data));
  }
  // sink runs on the internal thread.
  void read_each(uint32_t fid, std::function<void(std::span<const std::byte>)> sink, uint64_t length = UNLIMITED) {
    run(client_->read_each(fid, std::move(sink), length));
  }
  std::vector<std::byte> read_all(uint32_t fid, uint64_t length = UNLIMITED) {
    return run(client_->read_all(fid, length));
  }
  void write_all(uint32_t fid, uint64_t offset, std::span<const std::byte> data) {
    run(client_->write_all(fid, offset, data));
  }
  std::vector<DirEntry> readdir(uint32_t fid) { return run(client_->readdir(fid)); }
  uint8_t lock(uint32_t fid, const LockRange& range, uint32_t flags = 0) {
    return run(client_->lock(fid, range, flags));
  }
  LockRange getlock(uint32_t fid, const LockRange& range) { return run(client_->getlock(fid, range)); }

  Attr stat(std::string_view path, uint64_t mask = GETATTR_ALL) { return run(client_->stat(path, mask)); }
  void setattr(std::string_view path, const Tsetattr& attr) { run(client_->setattr(path, attr)); }
  std::vector<DirEntry> list(std::string_view path) { return run(client_->list(path)); }
  std::vector<std::byte> read_file(std::string_view path) { return run(client_->read_file(path)); }
  Qid mkdir(std::string_view path, uint32_t mode, uint32_t gid = 0) { return run(client_->mkdir(path, mode, gid)); }
  Qid mknod(std::string_view path, uint32_t mode, uint32_t major, uint32_t minor, uint32_t gid = 0) {
    return run(client_->mknod(path, mode, major, minor, gid));
  }
  Qid symlink(std::string_view target, std::string_view path, uint32_t gid = 0) {
    return run(client_->symlink(target, path, gid));
  }
  void link(std::string_view existing, std::string_view path) { run(client_->link(existing, path)); }
  std::string readlink(std::string_view path) { return run(client_->readlink(path)); }
  void unlink(std::string_view path, uint32_t flags = 0) { run(client_->unlink(path, flags)); }
  void rename(std::string_view from, std::string_view to) { run(client_->rename(from, to)); }
  Rstatfs statfs(std::string_view path = "/") { return run(client_->statfs(path)); }

  std::vector<std::byte> xattr_get(std::string_view path, std::string_view name) {
    return run(client_->xattr_get(path, name));
  }
  std::vector<std::string> xattr_list(std::string_view path) { return run(client_->xattr_list(path)); }
  void xattr_set(std::string_view path, std::string_view name, std::span<const std::byte> value, uint32_t flags = 0) {
    run(client_->xattr_set(path, name, value, flags));
  }
  void xattr_remove(std::string_view path, std::string_view name) { run(client_->xattr_remove(path, name)); }

 private:
  // Negotiates and attaches over the connection made by `connect`.
  template <class Connect>
  void start(Connect connect, const AttachOptions& options);
  void stop() noexcept;
  template <class T>
  static asio::awaitable<std::optional<T>> as_optional(asio::awaitable<T> op) {
    co_return co_await std::move(op);
  }

  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  std::thread thread_;
  std::optional<Connection> connection_;
  std::optional<PathClient> client_;
};

}  // namespace p9::client
