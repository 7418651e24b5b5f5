// libFuzzer target for a whole server session. Each input is the byte stream a client sends on one
// connection (the seeds are recorded guest-kernel traffic, see corpus/README): it is written into a
// socketpair whose other end an in-process Session serves, while every reply is read and dropped;
// then the client half-closes. Any input must end in a finished session, with no crash or sanitizer
// report, and leave nothing behind:
// - no fid open (the server-wide fid gauge back to 0) and no open-unlinked node alive;
// - every store passes its fsck (Store::check());
// - once the tree the input built is removed (and the root's xattrs and attributes reset), node
//   count and space accounting are back where the fresh store started.
#include <signal.h>
#include <sys/socket.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>
#include <asio/posix/stream_descriptor.hpp>
#include <asio/read.hpp>
#include <asio/redirect_error.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>
#include <spdlog/spdlog.h>

#include "server/export.h"
#include "server/server_context.h"
#include "server/session/session.h"
#include "server/transport.h"
#include "store/store.h"

namespace {

using p9::server::Export;
using p9::store::Store;

[[noreturn]] void fail(const std::string& what) {
  std::fprintf(stderr, "fuzz_session: %s\n", what.c_str());
  std::abort();
}

// The exports of the kernel suite's server (tests/kernel/server.sh), so that recorded attaches name
// them: "main" without limits, "second" read-only here (every mutating handler's EROFS path) and
// "small" with tight limits (ENOSPC paths).
p9::server::ServerOptions make_options() {
  p9::server::ServerOptions o;
  o.exports = {{.name = "main"},
               {.name = "second", .read_only = true},
               {.name = "small", .size_limit = 1 << 20, .inode_limit = 64}};
  o.pinning = p9::Pinning::off;
  o.max_fids = 1024;
  o.shutdown_grace_ms = 1000;
  return o;
}

// The client: writes the input, half-closes, and reads replies until the server closes.
asio::awaitable<void> send_input(asio::posix::stream_descriptor& client,
                                 std::vector<std::byte> input) {
  asio::error_code ec;
  co_await asio::async_write(client, asio::buffer(input), asio::redirect_error(asio::use_awaitable, ec));
  ::shutdown(client.native_handle(), SHUT_WR);
}

asio::awaitable<void> drain_replies(asio::posix::stream_descriptor& client) {
  std::vector<std::byte> buffer(1 << 16);
  asio::error_code ec;
  while (!ec) {
    co_await client.async_read_some(asio::buffer(buffer), asio::redirect_error(asio::use_awaitable, ec));
  }
}

// Removes everything below dir (as root, which may remove anything).
asio::awaitable<void> empty_directory(Store& store, p9::store::NodeRef dir) {
  const p9::store::Credentials root;
  const p9::store::Caller caller{root};
  std::vector<std::pair<std::string, bool>> names;  // name, is a directory
  auto listed = co_await store.readdir(dir, 0, [&](std::span<const p9::store::DirEntry> batch) {
    for (const p9::store::DirEntry& e : batch) {
      if (e.name != "." && e.name != "..") {
        names.emplace_back(std::string(e.name), e.kind == p9::store::NodeKind::directory);
      }
    }
    return batch.size();
  });
  if (!listed) fail("readdir of a directory of the tree failed");
  for (const auto& [name, is_dir] : names) {
    if (is_dir) {
      auto sub = co_await store.lookup(dir, name, caller);
      if (!sub) fail("lookup of listed directory '" + name + "' failed");
      co_await empty_directory(store, *sub);
    }
    auto removed = co_await store.unlink(dir, name, is_dir, caller);
    if (!removed) fail("removing '" + name + "' failed: errno " + std::to_string(removed.error()));
  }
}

// The root outlives every input: give it back its fresh attributes, without xattrs (or ACLs).
asio::awaitable<void> reset_root(Export& exp) {
  Store& store = exp.store;
  const p9::store::Credentials root;
  const p9::store::Caller caller{root};
  auto names = co_await store.list_xattrs(store.root(), caller);
  if (!names) fail("listing the root's xattrs failed: errno " + std::to_string(names.error()));
  for (std::size_t at = 0; at < names->size();) {
    const std::size_t end = names->find('\0', at);
    const std::string name = names->substr(at, end - at);
    auto removed = co_await store.remove_xattr(store.root(), name, caller);
    if (!removed) fail("removing the root's xattr " + name + " failed: errno " + std::to_string(removed.error()));
    at = end + 1;
  }
  p9::store::SetAttr attr;
  attr.valid = p9::store::SetAttr::MODE | p9::store::SetAttr::UID | p9::store::SetAttr::GID;
  attr.mode = exp.options.root_mode;
  attr.uid = exp.options.root_uid;
  attr.gid = exp.options.root_gid;
  auto set = co_await store.setattr(store.root(), attr, caller);
  if (!set) fail("resetting the root's attributes failed: errno " + std::to_string(set.error()));
}

// `fresh` is the store's accounting when empty. Metadata bytes are reported, not compared: the root
// outlives every input and keeps the capacity its containers grew to (entry index, emptied xattr
// set), a bounded retention rather than a leak.
asio::awaitable<void> check_store(Export& exp, const p9::store::StoreCounters& fresh) {
  Store& store = exp.store;
  for (const std::string& problem : co_await store.check()) {
    fail("export " + exp.options.name + ": fsck: " + problem);
  }
  if (store.counters().orphans != 0) fail("export " + exp.options.name + ": open-unlinked nodes left");
  co_await empty_directory(store, store.root());
  co_await reset_root(exp);
  for (const std::string& problem : co_await store.check()) {
    fail("export " + exp.options.name + ": fsck after emptying: " + problem);
  }
  const p9::store::StoreCounters now = store.counters();
  if (now.nodes != fresh.nodes || now.space_used != fresh.space_used) {
    fail("export " + exp.options.name + ": emptied store holds nodes " + std::to_string(now.nodes) +
         " (fresh " + std::to_string(fresh.nodes) + "), space " + std::to_string(now.space_used) +
         " (" + std::to_string(fresh.space_used) + "), metadata " + std::to_string(now.metadata_bytes) +
         " (" + std::to_string(fresh.metadata_bytes) + ")");
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  // The session's writes to a peer that went away must fail with EPIPE, as in the server.
  ::signal(SIGPIPE, SIG_IGN);
  spdlog::set_level(spdlog::level::off);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* bytes, std::size_t size) {
  // The stores live across inputs (making them is most of an execution's cost); the checks below
  // return each to its fresh state after every input, or fail.
  static const p9::server::ServerOptions options = make_options();
  static p9::server::ExportTable exports(options.exports, options.pinning);
  static p9::server::ServerCounters counters;
  static p9::server::ServerContext ctx{options, exports, counters};
  static const std::vector<p9::store::StoreCounters> fresh = [] {
    std::vector<p9::store::StoreCounters> c;
    for (const auto& exp : exports.all()) c.push_back(exp->store.counters());
    return c;
  }();

  int fds[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) fail("socketpair failed");
  asio::io_context io;
  {
    auto session = std::make_shared<p9::server::Session>(
        p9::server::Transport(io.get_executor(), fds[0], "fuzz"), ctx);
    asio::posix::stream_descriptor client(io, fds[1]);
    const auto* first = reinterpret_cast<const std::byte*>(bytes);
    asio::co_spawn(io, session->run(), [](std::exception_ptr e) {
      if (!e) return;
      try {
        std::rethrow_exception(e);
      } catch (const std::exception& ex) {
        fail(std::string("the session ended by an exception: ") + ex.what());
      }
    });
    asio::co_spawn(io, send_input(client, std::vector<std::byte>(first, first + size)), asio::detached);
    asio::co_spawn(io, drain_replies(client), asio::detached);
    io.run();
  }
  if (counters.fids.load() != 0) fail(std::to_string(counters.fids.load()) + " fids left open");

  io.restart();
  for (std::size_t i = 0; i < exports.all().size(); ++i) {
    asio::co_spawn(io, check_store(*exports.all()[i], fresh[i]), [](std::exception_ptr e) {
      if (e) std::rethrow_exception(e);
    });
  }
  io.run();
  return 0;
}
