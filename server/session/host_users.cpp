#include "server/session/host_users.h"

#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <string>
#include <vector>

namespace p9::server {

namespace {

// Runs getpw*_r with a buffer that grows until the entry fits; false when there is no entry.
template <typename Lookup>
bool lookup_passwd(Lookup lookup, passwd& entry, std::vector<char>& buffer) {
  buffer.resize(1024);
  for (;;) {
    passwd* found = nullptr;
    const int err = lookup(&entry, buffer.data(), buffer.size(), &found);
    if (err == ERANGE && buffer.size() < (1u << 20)) {
      buffer.resize(buffer.size() * 2);
      continue;
    }
    return err == 0 && found != nullptr;
  }
}

}  // namespace

std::optional<uint32_t> uid_for_name(std::string_view name) {
  uint32_t uid = 0;
  const auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), uid);
  if (!name.empty() && ec == std::errc() && end == name.data() + name.size()) return uid;

  const std::string text(name);
  passwd entry{};
  std::vector<char> buffer;
  const bool found = lookup_passwd(
      [&](passwd* pw, char* buf, std::size_t len, passwd** result) {
        return getpwnam_r(text.c_str(), pw, buf, len, result);
      },
      entry, buffer);
  if (!found) return std::nullopt;
  return entry.pw_uid;
}

store::Credentials credentials_for(uint32_t uid) {
  store::Credentials cred{.uid = uid, .gid = kNoGroup, .groups = {}};
  passwd entry{};
  std::vector<char> buffer;
  const bool found = lookup_passwd(
      [&](passwd* pw, char* buf, std::size_t len, passwd** result) {
        return getpwuid_r(uid, pw, buf, len, result);
      },
      entry, buffer);
  if (!found) return cred;

  cred.gid = entry.pw_gid;
  std::vector<gid_t> groups(32);
  for (;;) {
    int count = static_cast<int>(groups.size());
    if (getgrouplist(entry.pw_name, entry.pw_gid, groups.data(), &count) >= 0) {
      groups.resize(static_cast<std::size_t>(count));
      break;
    }
    // count now holds the number needed (glibc); guard against a database that keeps growing.
    if (static_cast<std::size_t>(count) <= groups.size() || groups.size() > 65536) {
      groups.clear();
      break;
    }
    groups.resize(static_cast<std::size_t>(count));
  }
  for (gid_t g : groups) {
    if (g != cred.gid) cred.groups.push_back(g);
  }
  return cred;
}

}  // namespace p9::server
