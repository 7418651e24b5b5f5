// A TestServer plus a connected, attached client (uid 0 on export "main"), and helpers to expect
// errno results.
#pragma once

#include <gtest/gtest.h>

#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "client/error.h"
#include "client/sync_client.h"
#include "tests/server/test_server.h"

namespace p9::server::testing {

// The errno a call failed with, 0 when it succeeded (-1 for a failure without errno).
template <class F>
int error_of(F&& f) {
  try {
    f();
    return 0;
  } catch (const std::system_error& e) {
    const int err = client::errno_of(e);
    return err != 0 ? err : -1;
  }
}

#define EXPECT_ERRNO(expr, err) EXPECT_EQ(::p9::server::testing::error_of([&] { (void)(expr); }), (err))
#define ASSERT_ERRNO(expr, err) ASSERT_EQ(::p9::server::testing::error_of([&] { (void)(expr); }), (err))

inline std::vector<std::byte> bytes_of(std::string_view s) {
  const auto* p = reinterpret_cast<const std::byte*>(s.data());
  return {p, p + s.size()};
}
inline std::string text_of(std::span<const std::byte> b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

// Fid numbers tests use in hand-made messages: far above what the client's FidPool hands out.
inline constexpr uint32_t kFidA = 900001;
inline constexpr uint32_t kFidB = 900002;
inline constexpr uint32_t kFidC = 900003;

class SessionTest : public ::testing::Test {
 protected:
  explicit SessionTest(ServerOptions options = default_options())
      : server(std::move(options)), fs(connect()) {}

  std::unique_ptr<client::SyncClient> connect(uint32_t uid = 0, std::string aname = "") {
    return std::make_unique<client::SyncClient>(
        server.connect(), client::AttachOptions{.msize = client::DEFAULT_MSIZE, .aname = aname, .n_uname = uid});
  }

  // A fid (numbered `fid`) for path walked from the root of fs; the caller clunks it.
  void walk_to(client::SyncClient& c, uint32_t fid, const std::vector<std::string_view>& names) {
    Twalk w{c.client().root(), fid, {}};
    for (auto n : names) w.wnames.push_back(n);
    c.call(w);
  }

  void write_file(std::string_view path, std::string_view text) {
    auto f = fs->create(path, DOTL_WRONLY, 0644);
    fs->write_all(f.fid, 0, bytes_of(text));
    fs->clunk(f.fid);
  }

  TestServer server;
  std::unique_ptr<client::SyncClient> fs;
};

}  // namespace p9::server::testing
