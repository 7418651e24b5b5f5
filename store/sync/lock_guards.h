#pragma once
// RAII ownership of an AsyncMutex / AsyncSharedMutex, returned by their scoped_lock*() awaitables.
// Class templates so that one guard type serves every mutex; with CTAD a caller writes
//   p9::UniqueLock guard = co_await node.mutex.scoped_lock();
// Never put the co_await in a conditional expression (`c ? UniqueLock(m, std::adopt_lock) :
// co_await m.scoped_lock()`): g++ 12 destroys the result of such an expression twice, i.e. unlocks
// twice. Use an if/else assigning to a default-constructed guard.

#include <mutex>  // std::adopt_lock_t
#include <utility>

namespace p9 {

// Exclusive ownership: the destructor calls Mutex::unlock().
template <typename Mutex>
class [[nodiscard]] UniqueLock {
 public:
  UniqueLock() noexcept = default;
  // Takes over a lock the caller already holds (after try_lock() or co_await lock()).
  UniqueLock(Mutex& mutex, std::adopt_lock_t) noexcept : mutex_(&mutex) {}
  UniqueLock(UniqueLock&& other) noexcept : mutex_(std::exchange(other.mutex_, nullptr)) {}
  UniqueLock& operator=(UniqueLock&& other) noexcept {
    if (this != &other) {
      unlock();
      mutex_ = std::exchange(other.mutex_, nullptr);
    }
    return *this;
  }
  ~UniqueLock() { unlock(); }

  // Releases early; a no-op when the guard owns nothing.
  void unlock() {
    if (mutex_ != nullptr) std::exchange(mutex_, nullptr)->unlock();
  }
  // Gives up ownership without unlocking; the caller now owes the unlock. Returns the mutex.
  Mutex* release() noexcept { return std::exchange(mutex_, nullptr); }
  bool owns_lock() const noexcept { return mutex_ != nullptr; }
  explicit operator bool() const noexcept { return owns_lock(); }
  // The mutex owned, or nullptr.
  Mutex* mutex() const noexcept { return mutex_; }

 private:
  Mutex* mutex_ = nullptr;
};

// Shared ownership: the destructor calls Mutex::unlock_shared().
template <typename Mutex>
class [[nodiscard]] SharedLock {
 public:
  SharedLock() noexcept = default;
  SharedLock(Mutex& mutex, std::adopt_lock_t) noexcept : mutex_(&mutex) {}
  SharedLock(SharedLock&& other) noexcept : mutex_(std::exchange(other.mutex_, nullptr)) {}
  SharedLock& operator=(SharedLock&& other) noexcept {
    if (this != &other) {
      unlock();
      mutex_ = std::exchange(other.mutex_, nullptr);
    }
    return *this;
  }
  ~SharedLock() { unlock(); }

  void unlock() {
    if (mutex_ != nullptr) std::exchange(mutex_, nullptr)->unlock_shared();
  }
  bool owns_lock() const noexcept { return mutex_ != nullptr; }
  explicit operator bool() const noexcept { return owns_lock(); }
  Mutex* mutex() const noexcept { return mutex_; }

 private:
  Mutex* mutex_ = nullptr;
};

}  // namespace p9
