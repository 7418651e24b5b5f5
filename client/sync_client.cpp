#include "client/sync_client.h"

namespace p9::client {

SyncClient::SyncClient(const Address& address, const AttachOptions& options)
    : work_(io_.get_executor()), thread_([this] { io_.run(); }) {
  start([this, address] { return Connection::connect(io_.get_executor(), address); }, options);
}

SyncClient::SyncClient(int fd, const AttachOptions& options)
    : work_(io_.get_executor()), thread_([this] { io_.run(); }) {
  start([this, fd]() -> asio::awaitable<Connection> { co_return Connection::adopt(io_.get_executor(), fd); },
        options);
}

template <class Connect>
void SyncClient::start(Connect connect, const AttachOptions& options) {
  try {
    connection_.emplace(run(connect()));
    run(connection_->version(options.msize));
    client_.emplace(attach(options.uname, options.aname, options.n_uname));
  } catch (...) {
    stop();  // the destructor does not run for a constructor that throws
    throw;
  }
}

SyncClient::~SyncClient() { stop(); }

void SyncClient::stop() noexcept {
  client_.reset();
  connection_.reset();  // closes: the reader and any write finish with errors
  work_.reset();
  if (thread_.joinable()) thread_.join();
}

}  // namespace p9::client
