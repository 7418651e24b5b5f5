// Checks on path components shared by every operation that takes a name. Internal.
#pragma once

#include <string_view>

#include "store/result.h"

namespace p9::store {

inline constexpr size_t NAME_MAX_BYTES = 255;

// ENAMETOOLONG over 255 bytes; EINVAL empty or containing '/' or NUL (a 9P name is one component).
Result<void> check_name(std::string_view name);

inline bool is_dot_or_dotdot(std::string_view name) { return name == "." || name == ".."; }

}  // namespace p9::store
