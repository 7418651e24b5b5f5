// Result<T>: a value or a positive Linux errno. Ordinary file-system failures (ENOENT, EACCES, ...)
// are answers, not exceptional events, so the store returns them instead of throwing; the server maps
// the errno straight into Rlerror.
#pragma once

#include <cassert>
#include <cerrno>
#include <optional>
#include <utility>

namespace p9::store {

// Tag type so that `return Errno{ENOENT};` reads as what it is and cannot be confused with a value.
struct Errno {
  int value;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  // Default: "no result was produced" (EIO). Exists because asio::co_spawn default-constructs the
  // result it passes along with an exception.
  Result() : error_(EIO) {}
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit so `co_return value;` works
  Result(Errno e) : error_(e.value) { assert(e.value > 0); }

  bool ok() const { return error_ == 0; }
  explicit operator bool() const { return ok(); }
  // Positive errno, or 0 when ok().
  int error() const { return error_; }

  T& value() & { assert(ok()); return *value_; }
  const T& value() const& { assert(ok()); return *value_; }
  T&& value() && { assert(ok()); return std::move(*value_); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::optional<T> value_;
  int error_ = 0;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Errno e) : error_(e.value) { assert(e.value > 0); }

  bool ok() const { return error_ == 0; }
  explicit operator bool() const { return ok(); }
  int error() const { return error_; }

 private:
  int error_ = 0;
};

}  // namespace p9::store
