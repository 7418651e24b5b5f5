// Waiting for something the server does asynchronously (closing a socket, freeing nodes after a
// disconnect) without fixed sleeps: poll a condition until it holds or a deadline passes.
#pragma once

#include <chrono>
#include <thread>

namespace p9::hostile {

// Polls `done` every 5 ms until it returns true or `timeout` passes; returns its last answer.
template <class F>
bool eventually(F&& done, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (done()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

}  // namespace p9::hostile
