#include "proto/name.h"

#include <cerrno>

#include "proto/constants.h"

namespace p9 {

int check_name(std::string_view name, NameUse use) noexcept {
  if (name.empty()) return EINVAL;
  // Length first: Linux reports ENAMETOOLONG for an overlong component whatever it contains.
  if (name.size() > MAX_NAME_LEN) return ENAMETOOLONG;
  if (name.find_first_of(std::string_view("/\0", 2)) != std::string_view::npos) return EINVAL;
  if (use == NameUse::Entry && (name == "." || name == "..")) return EINVAL;
  return 0;
}

}  // namespace p9
