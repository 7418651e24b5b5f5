#include "store/sync/async_mutex.h"

namespace p9 {

asio::awaitable<UniqueLock<AsyncMutex>> AsyncMutex::scoped_lock() {
  co_await impl_.lock();
  co_return UniqueLock<AsyncMutex>(*this, std::adopt_lock);
}

}  // namespace p9
