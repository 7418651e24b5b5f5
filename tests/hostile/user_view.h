// One attach as a given uid on a shared connection (access=user: the server checks permissions per
// attached uid), with each operation answering 0 or the errno it failed with, so that a permission
// matrix reads as a table of expected errnos.
#pragma once

#include <cstdint>
#include <string_view>

#include "client/sync_client.h"

namespace p9::hostile {

class UserView {
 public:
  UserView(client::SyncClient& connection, std::string_view aname, uint32_t uid);

  uint32_t uid() const { return uid_; }

  int open(std::string_view path, uint32_t flags);  // Tlopen, then clunks
  int list(std::string_view path);                  // Tlopen + Treaddir
  int walk(std::string_view path);                  // Twalks name by name, then clunks
  int create(std::string_view path, uint32_t mode, uint32_t gid = 0);
  int mkdir(std::string_view path, uint32_t mode, uint32_t gid = 0);
  int symlink(std::string_view target, std::string_view path, uint32_t gid = 0);
  int mknod(std::string_view path, uint32_t mode, uint32_t gid = 0);
  int unlink(std::string_view path, uint32_t flags = 0);
  int rename(std::string_view from, std::string_view to);
  int write(std::string_view path, std::string_view data);  // open O_WRONLY, write at 0
  int truncate(std::string_view path, uint64_t size);
  int chmod(std::string_view path, uint32_t mode);
  int chown(std::string_view path, uint32_t uid, uint32_t gid);
  int chgrp(std::string_view path, uint32_t gid);
  int touch(std::string_view path);                     // atime and mtime to "now"
  int set_times(std::string_view path, uint64_t sec);   // explicit atime and mtime
  int set_xattr(std::string_view path, std::string_view name, std::string_view value);
  int get_xattr(std::string_view path, std::string_view name);

  client::Attr stat(std::string_view path);

 private:
  template <class T>
  int attempt(asio::awaitable<T> op);

  client::SyncClient& c_;
  client::PathClient p_;
  uint32_t uid_;
};

}  // namespace p9::hostile
