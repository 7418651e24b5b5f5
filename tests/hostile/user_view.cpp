#include "tests/hostile/user_view.h"

#include <algorithm>
#include <exception>

#include "tests/server/session_fixture.h"

namespace p9::hostile {

using server::testing::bytes_of;

UserView::UserView(client::SyncClient& connection, std::string_view aname, uint32_t uid)
    : c_(connection), p_(connection.attach("", aname, uid)), uid_(uid) {}

template <class T>
int UserView::attempt(asio::awaitable<T> op) {
  return server::testing::error_of([&] { c_.run(std::move(op)); });
}

namespace {

// Runs op, then clunks `fid` (its value by then) whatever happened; op's error is the one thrown.
template <class Op>
asio::awaitable<void> finally_clunk(client::PathClient& p, const uint32_t& fid, Op op) {
  std::exception_ptr failure;
  try {
    co_await op();
  } catch (...) {
    failure = std::current_exception();
  }
  co_await p.clunk(fid);
  if (failure) std::rethrow_exception(failure);
}

// Coroutines that open or walk, act and clunk, so that a refused operation leaves no fid behind.
asio::awaitable<void> open_and_clunk(client::PathClient& p, std::string_view path, uint32_t flags) {
  auto f = co_await p.open(path, flags);
  co_await p.clunk(f.fid);
}

// As the Linux client looks names up: one Twalk per component, so that the server's errno for the
// component that fails comes back (a partial multi-name Rwalk carries none).
asio::awaitable<void> walk_and_clunk(client::PathClient& p, std::string_view path) {
  uint32_t at = co_await p.walk("");
  co_await finally_clunk(p, at, [&]() -> asio::awaitable<void> {
    for (std::size_t begin = 0; begin < path.size();) {
      const std::size_t end = std::min(path.find('/', begin), path.size());
      const uint32_t next = co_await p.walk(at, path.substr(begin, end - begin));
      co_await p.clunk(at);
      at = next;
      begin = end + 1;
    }
  });
}

asio::awaitable<void> write_at_zero(client::PathClient& p, std::string_view path, std::string_view data) {
  const auto f = co_await p.open(path, DOTL_WRONLY);
  const auto bytes = bytes_of(data);
  co_await finally_clunk(p, f.fid, [&]() { return p.write_all(f.fid, 0, bytes); });
}

asio::awaitable<void> create_and_clunk(client::PathClient& p, std::string_view path, uint32_t mode,
                                       uint32_t gid) {
  auto f = co_await p.create(path, DOTL_RDWR, mode, gid);
  co_await p.clunk(f.fid);
}

}  // namespace

int UserView::open(std::string_view path, uint32_t flags) { return attempt(open_and_clunk(p_, path, flags)); }
int UserView::list(std::string_view path) { return attempt(p_.list(path)); }
int UserView::walk(std::string_view path) { return attempt(walk_and_clunk(p_, path)); }
int UserView::create(std::string_view path, uint32_t mode, uint32_t gid) {
  return attempt(create_and_clunk(p_, path, mode, gid));
}
int UserView::mkdir(std::string_view path, uint32_t mode, uint32_t gid) { return attempt(p_.mkdir(path, mode, gid)); }
int UserView::symlink(std::string_view target, std::string_view path, uint32_t gid) {
  return attempt(p_.symlink(target, path, gid));
}
int UserView::mknod(std::string_view path, uint32_t mode, uint32_t gid) {
  return attempt(p_.mknod(path, mode, 0, 0, gid));
}
int UserView::unlink(std::string_view path, uint32_t flags) { return attempt(p_.unlink(path, flags)); }
int UserView::rename(std::string_view from, std::string_view to) { return attempt(p_.rename(from, to)); }
int UserView::write(std::string_view path, std::string_view data) { return attempt(write_at_zero(p_, path, data)); }
int UserView::truncate(std::string_view path, uint64_t size) {
  return attempt(p_.setattr(path, Tsetattr{.valid = SETATTR_SIZE, .size = size}));
}
int UserView::chmod(std::string_view path, uint32_t mode) {
  return attempt(p_.setattr(path, Tsetattr{.valid = SETATTR_MODE, .mode = mode}));
}
int UserView::chown(std::string_view path, uint32_t uid, uint32_t gid) {
  return attempt(p_.setattr(path, Tsetattr{.valid = SETATTR_UID | SETATTR_GID, .uid = uid, .gid = gid}));
}
int UserView::chgrp(std::string_view path, uint32_t gid) {
  return attempt(p_.setattr(path, Tsetattr{.valid = SETATTR_GID, .gid = gid}));
}
int UserView::touch(std::string_view path) {
  return attempt(p_.setattr(path, Tsetattr{.valid = SETATTR_ATIME | SETATTR_MTIME}));
}
int UserView::set_times(std::string_view path, uint64_t sec) {
  constexpr uint32_t kExplicit = SETATTR_ATIME | SETATTR_MTIME | SETATTR_ATIME_SET | SETATTR_MTIME_SET;
  return attempt(p_.setattr(path, Tsetattr{.valid = kExplicit, .atime_sec = sec, .mtime_sec = sec}));
}
int UserView::set_xattr(std::string_view path, std::string_view name, std::string_view value) {
  const auto bytes = bytes_of(value);
  return attempt(p_.xattr_set(path, name, bytes));
}
int UserView::get_xattr(std::string_view path, std::string_view name) { return attempt(p_.xattr_get(path, name)); }

client::Attr UserView::stat(std::string_view path) { return c_.run(p_.stat(path)); }

}  // namespace p9::hostile
