#include "store/names.h"

#include <cerrno>

namespace p9::store {

Result<void> check_name(std::string_view name) {
  if (name.size() > NAME_MAX_BYTES) return Errno{ENAMETOOLONG};
  if (name.empty() || name.find_first_of(std::string_view("/\0", 2)) != std::string_view::npos) {
    return Errno{EINVAL};
  }
  return {};
}

}  // namespace p9::store
