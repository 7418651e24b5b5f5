// A waiting caller, type-erased: the completion handler of an asynchronous operation of Connection,
// stored in the tag table until the connection's strand has the result. Asio 1.22 has no
// any_completion_handler, hence this small one.
#pragma once

#include <memory>
#include <utility>

#include <asio/associated_executor.hpp>
#include <asio/executor_work_guard.hpp>
#include <asio/post.hpp>

namespace p9::client {

template <class... Args>
class Completion {
 public:
  Completion() = default;
  template <class Handler>
  explicit Completion(Handler handler) : impl_(std::make_unique<Impl<Handler>>(std::move(handler))) {}

  explicit operator bool() const noexcept { return impl_ != nullptr; }

  // Runs the handler with args on the handler's own executor, never inline: the connection calls
  // this from inside its strand, and a caller resumed there could re-enter the connection mid-update.
  // Leaves this Completion empty. Precondition: not empty.
  void post(Args... args) { std::exchange(impl_, nullptr)->post(std::move(args)...); }

 private:
  struct Base {
    virtual ~Base() = default;
    virtual void post(Args&&... args) = 0;
  };

  template <class Handler>
  struct Impl final : Base {
    explicit Impl(Handler h) : handler(std::move(h)), work(asio::make_work_guard(handler)) {}
    void post(Args&&... args) override {
      // The guard keeps the caller's executor from running out of work while the reply is pending.
      auto executor = work.get_executor();
      asio::post(executor, [h = std::move(handler), ... a = std::move(args)]() mutable {
        std::move(h)(std::move(a)...);
      });
      work.reset();
    }
    Handler handler;
    asio::executor_work_guard<asio::associated_executor_t<Handler>> work;
  };

  std::unique_ptr<Base> impl_;
};

}  // namespace p9::client
