// Shared test scaffolding: runs store coroutines to completion and names common callers.
#pragma once

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>
#include <asio/use_future.hpp>
#include <cstring>
#include <span>
#include <string>
#include <vector>

#include "store/store.h"

namespace p9::store::test {

// Runs one store call on a private io_context and returns its result.
template <typename T>
T run(asio::awaitable<T> call) {
  asio::io_context io;
  auto future = asio::co_spawn(io, std::move(call), asio::use_future);
  io.run();
  return future.get();
}

inline std::span<const std::byte> bytes(std::string_view s) {
  return std::as_bytes(std::span(s.data(), s.size()));
}

class StoreTest : public ::testing::Test {
 protected:
  explicit StoreTest(StoreOptions options = {}) : store(options) {}

  Credentials root_cred{0, 0, {}};
  Credentials alice_cred{1000, 1000, {}};
  Credentials bob_cred{1001, 1001, {}};
  Caller su{root_cred, true};
  Caller alice{alice_cred, true};
  Caller bob{bob_cred, true};
  Store store;

  NodeRef mkdir(const NodeRef& dir, std::string_view name, uint32_t mode = 0755) {
    return run(store.mkdir(dir, name, mode, 0, su)).value();
  }
  NodeRef create(const NodeRef& dir, std::string_view name, uint32_t mode = 0644) {
    return run(store.create(dir, name, mode, 0, su)).value();
  }
  Result<NodeRef> lookup(const NodeRef& dir, std::string_view name, const Caller& c) {
    return run(store.lookup(dir, name, c));
  }
  int lookup_error(const NodeRef& dir, std::string_view name) {
    return lookup(dir, name, su).error();
  }
  Attr attr(const NodeRef& n) { return run(store.getattr(n)); }
  void write(const NodeRef& n, uint64_t off, std::string_view data) {
    ASSERT_TRUE(run(store.write(n, off, bytes(data), false, su)).ok());
  }
  std::string read_all(const NodeRef& n) {
    std::string out(attr(n).size, '\0');
    auto r = run(store.read(n, 0, std::as_writable_bytes(std::span(out.data(), out.size()))));
    out.resize(r.ok() ? *r : 0);
    return out;
  }
  // Names in readdir order from `cookie`, at most `limit` of them.
  std::vector<std::string> list(const NodeRef& dir, uint64_t cookie = 0, size_t limit = SIZE_MAX,
                                uint64_t* resume = nullptr) {
    std::vector<std::string> names;
    auto r = run(store.readdir(dir, cookie, [&](std::span<const DirEntry> batch) {
      std::size_t taken = 0;
      for (const DirEntry& e : batch) {
        if (names.size() == limit) break;
        names.emplace_back(e.name);
        if (resume != nullptr) *resume = e.next_cookie;
        ++taken;
      }
      return taken;
    }));
    EXPECT_TRUE(r.ok());
    return names;
  }
  void expect_clean() {
    auto problems = run(store.check());
    for (const auto& p : problems) ADD_FAILURE() << p;
  }
};

}  // namespace p9::store::test
