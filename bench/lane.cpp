#include "bench/lane.h"

#include <sys/stat.h>

#include <cerrno>
#include <string>
#include <utility>

#include "bench/options.h"
#include "client/error.h"

namespace p9::bench {

void Counters::add(const Counters& other) noexcept {
  ops += other.ops;
  rpcs += other.rpcs;
  bytes += other.bytes;
  verify_failures += other.verify_failures;
}

uint64_t Worker::next_random() noexcept {
  random ^= random << 13;
  random ^= random >> 7;
  random ^= random << 17;
  return random;
}

std::string_view Worker::set_name(char prefix, uint64_t number) noexcept {
  format_entry_name(prefix, number, name);
  return {name.data(), name.size()};
}

asio::awaitable<void> Lane::connect(const Options& options) {
  const client::Address address = client::Address::parse(options.address);
  connection_.emplace(co_await client::Connection::connect(context_->get_executor(), address));
  co_await connection_->version(options.msize);
  root_ = new_fid();
  gid_ = options.gid;
  const Tattach attach{
      .fid = root_, .afid = NOFID, .uname = options.uname, .aname = options.aname, .n_uname = options.uid};
  co_await rpc(attach);
}

asio::awaitable<void> Lane::enter(std::string_view run_dir) {
  dir_ = new_fid();
  const std::string_view names[] = {run_dir};
  co_await walk(root_, dir_, names);
}

asio::awaitable<void> Lane::disconnect() {
  if (dir_ != NOFID) co_await release(std::exchange(dir_, NOFID));
  co_await release(std::exchange(root_, NOFID));
  connection_->close();
}

asio::awaitable<client::Reply> Lane::rpc(Message request) {
  ++counters.rpcs;
  co_return co_await connection_->call(std::move(request));
}

asio::awaitable<void> Lane::walk(uint32_t from, uint32_t newfid, std::span<const std::string_view> names) {
  Twalk walk{.fid = from, .newfid = newfid, .wnames = {}};
  for (const std::string_view name : names) walk.wnames.push_back(name);
  const client::Reply reply = co_await rpc(walk);
  // A partial walk creates no fid: the caller would otherwise use a fid the server does not know.
  if (reply.as<Rwalk>().wqids.size() != names.size()) client::throw_errno(ENOENT, "Twalk");
}

asio::awaitable<void> Lane::clunk(uint32_t fid) { co_await rpc(Tclunk{.fid = fid}); }

asio::awaitable<void> Lane::release(uint32_t fid) {
  co_await clunk(fid);
  free_fid(fid);
}

asio::awaitable<void> Lane::lopen(uint32_t fid, uint32_t flags) { co_await rpc(Tlopen{.fid = fid, .flags = flags}); }

asio::awaitable<void> Lane::lcreate(uint32_t fid, std::string_view name, uint32_t flags) {
  co_await rpc(Tlcreate{.fid = fid, .name = name, .flags = flags, .mode = S_IFREG | 0644, .gid = gid_});
}

asio::awaitable<void> Lane::mkdir(uint32_t dir, std::string_view name) {
  co_await rpc(Tmkdir{.dfid = dir, .name = name, .mode = S_IFDIR | 0755, .gid = gid_});
}

asio::awaitable<void> Lane::unlink(uint32_t dir, std::string_view name, uint32_t scratch, uint32_t flags) {
  if (!unlinkat_refused_) {
    try {
      co_await rpc(Tunlinkat{.dirfid = dir, .name = name, .flags = flags});
      co_return;
    } catch (const std::system_error& e) {
      if (client::errno_of(e) != EOPNOTSUPP) throw;
      unlinkat_refused_ = true;
    }
  }
  const std::string_view names[] = {name};
  co_await walk(dir, scratch, names);
  co_await rpc(Tremove{.fid = scratch});  // the fid is gone whatever the outcome
}

asio::awaitable<void> Lane::write(uint32_t fid, uint64_t offset, std::span<const std::byte> data) {
  const client::Reply reply = co_await rpc(Twrite{.fid = fid, .offset = offset, .data = data});
  const uint32_t written = reply.as<Rwrite>().count;
  if (written != data.size())
    client::throw_errno(EIO, "short Twrite: " + std::to_string(written) + " of " + std::to_string(data.size()));
  counters.bytes += written;
}

asio::awaitable<void> Lane::read(uint32_t fid, uint64_t offset, uint32_t count) {
  const client::Reply reply = co_await rpc(Tread{.fid = fid, .offset = offset, .count = count});
  const std::span<const std::byte> data = reply.as<Rread>().data.bytes;
  counters.bytes += data.size();
  if (pattern && (data.size() != count || !pattern->matches(data, offset))) ++counters.verify_failures;
}

}  // namespace p9::bench
