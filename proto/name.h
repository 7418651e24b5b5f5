// The one check of a file name component received from a client, used by the whole server.
#pragma once

#include <string_view>

namespace p9 {

enum class NameUse : unsigned char {
  // A Twalk element: "." and ".." are legal there (".." walks to the parent).
  Walk,
  // A name that makes, removes, renames or links a directory entry (Tlcreate, Tmkdir, Tsymlink,
  // Tmknod, Tlink, Trename(at), Tunlinkat): "." and ".." are refused.
  Entry,
};

// 0 when `name` is acceptable, else the errno for Rlerror:
//   EINVAL        empty, contains '/' or NUL, or "." / ".." with NameUse::Entry
//   ENAMETOOLONG  longer than MAX_NAME_LEN (255) bytes
int check_name(std::string_view name, NameUse use) noexcept;

}  // namespace p9
